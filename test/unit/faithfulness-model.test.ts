/**
 * `evaluate: true` on fixture models: the batched, padded forwards give the same measures as
 * one unpadded forward per perturbed input (tolerance 1e-5 absolute on probabilities), the
 * algorithms reach every text explainer, and a task that cannot be evaluated gets a typed error.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { kendallTauB, pickPositions, planTextEvaluation } from '../../src/attribution/faithfulness.js';
import { InputError } from '../../src/errors.js';
import { forwardOutputs } from '../../src/explainers/text/forward.js';
import { softmax, sigmoid } from '../../src/explainers/core/math.js';
import { MultiLabelClassificationExplainer } from '../../src/explainers/text/multi-label-classification.js';
import { QuestionAnsweringExplainer } from '../../src/explainers/text/question-answering.js';
import { TokenClassificationExplainer } from '../../src/explainers/text/token-classification.js';
import { requireEvaluable } from '../../src/explainers/core/evaluate.js';
import { checkCommon } from '../../src/explainers/core/options.js';
import type { Task } from '../../src/types.js';
import { SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { specialMask } from '../../src/explainers/text/text-faithfulness.js';
import { buildQuestionAnsweringInputs, buildSingleTextInputs } from '../../src/explainers/text/inputs.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const device = 'cpu' as const;

describe('text faithfulness on distilbert-sst2', () => {
  test('batched and padded = one forward per perturbed input', async () => {
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), { device, localOnly: true });
    const text = 'a truly wonderful and moving film , not boring at all';
    const r = await ex.explain(text, { evaluate: true, nSteps: 8 });
    const f = r.faithfulness;
    expect(f).toBeDefined();
    if (!f) return;

    // The same plan, run one unpadded input at a time.
    const rows = buildSingleTextInputs(ex.text.tokenizer, text);
    const special = specialMask(rows);
    expect(special.filter((s) => s)).toHaveLength(2); // [CLS] and [SEP]
    const plan = planTextEvaluation(r.rawAttributions, special);
    const p = async (positions: number[] | null): Promise<number> => {
      const keep = positions ?? rows.inputIds.map((_, i) => i);
      const out = await forwardOutputs(ex.text.model, { inputIds: pickPositions(rows.inputIds, keep), tokenTypeIds: pickPositions(rows.tokenTypeIds, keep) });
      return softmax(Object.values(out)[0].data)[r.attributionClassIndex];
    };
    const px = await p(null);
    expect(f.p).toBeCloseTo(px, 5);
    expect(f.curve.length).toBeGreaterThan(2);
    expect(f.curve.map((c) => c.q)).toEqual(plan.rationales.map((x) => x.q));
    for (const [k, c] of f.curve.entries()) {
      expect(Math.abs(c.comprehensiveness - (px - (await p(plan.comprehensiveness[k]))))).toBeLessThan(1e-5);
      expect(Math.abs(c.sufficiency - (px - (await p(plan.sufficiency[k]))))).toBeLessThan(1e-5);
    }
    const drops: number[] = [];
    for (const l of plan.leaveOneOut) drops.push(px - (await p(l)));
    const tau = kendallTauB(plan.explained.map((i) => r.rawAttributions[i]), drops);
    expect(f.tauLoo).toBeCloseTo(tau, 6);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(f.aopcComprehensiveness).toBeCloseTo(mean(f.curve.map((c) => c.comprehensiveness)), 12);
    expect(f.aopcSufficiency).toBeCloseTo(mean(f.curve.map((c) => c.sufficiency)), 12);
    await ex.dispose();
  }, 60_000);

  test('algorithm reaches the explainer, and evaluate works with it', async () => {
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), { device, localOnly: true });
    const r = await ex.explain('a truly wonderful film', { algorithm: 'gradient-x-input', evaluate: true });
    expect(r.algorithm).toBe('gradient-x-input');
    expect(Number.isNaN(r.delta)).toBe(true);
    expect(r.faithfulness?.curve.length).toBeGreaterThan(0);
    const sal = await ex.explain('a truly wonderful film', { algorithm: 'saliency' });
    // Saliency scores are norms: never negative.
    expect(sal.rawAttributions.every((v) => v >= 0)).toBe(true);
    await expect(ex.explain('a film', { algorithm: 'smoothgrad', smoothGradSamples: 0 })).rejects.toMatchObject({ code: 'bad-smoothgrad-samples' });
    await ex.dispose();
  }, 60_000);
});

describe('per-target evaluation (multi-label, QA, token classification) and unsupported tasks', () => {
  test('multi-label: one faithfulness per label with the sigmoid probability', async () => {
    const ex = await MultiLabelClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'bert-3class'), { device, localOnly: true });
    const r = await ex.explain('the service was slow but the food was great', { evaluate: true, nSteps: 4 });
    expect(Object.keys(r.faithfulness ?? {})).toEqual(Object.keys(r.labelProbabilities));
    const rows = buildSingleTextInputs(ex.text.tokenizer, 'the service was slow but the food was great', { task: 'multi-label-classification' });
    const logits = Object.values(await forwardOutputs(ex.text.model, rows))[0].data;
    Object.keys(r.labelProbabilities).forEach((l, i) => expect(r.faithfulness?.[l].p).toBeCloseTo(sigmoid(logits[i]), 5));
    await ex.dispose();
  }, 60_000);

  test('question answering: start and end, p = the max logit over the real tokens of each perturbed input', async () => {
    const ex = await QuestionAnsweringExplainer.fromPretrained(path.join(MODELS_DIR, 'bert-squad'), { device, localOnly: true });
    const r = await ex.explain('Who went home?', 'Alice went home after the long meeting.', { evaluate: true, nSteps: 4 });
    const f = r.faithfulness;
    expect(f?.start.curve.length).toBeGreaterThan(0);
    const rows = buildQuestionAnsweringInputs(ex.text.tokenizer, 'Who went home?', 'Alice went home after the long meeting.');
    const out = await forwardOutputs(ex.text.model, rows);
    expect(f?.start.p).toBeCloseTo(Math.max(...out.start_logits.data), 4);
    expect(f?.end.p).toBeCloseTo(Math.max(...out.end_logits.data), 4);
    // One perturbed input by hand: the first comprehensiveness rationale deleted, unpadded.
    const plan = planTextEvaluation(r.rawAttributions.start, specialMask(rows));
    const keep = plan.comprehensiveness[0];
    const cut = await forwardOutputs(ex.text.model, { inputIds: pickPositions(rows.inputIds, keep), tokenTypeIds: pickPositions(rows.tokenTypeIds, keep) });
    expect(Math.abs((f?.start.curve[0].comprehensiveness ?? NaN) - (Math.max(...out.start_logits.data) - Math.max(...cut.start_logits.data)))).toBeLessThan(1e-4);
    await ex.dispose();
  }, 60_000);

  test('token classification: the explained token stays in place; p read at its new index', async () => {
    const ex = await TokenClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'bert-ner'), { device, localOnly: true });
    const text = 'Alice lives in Berlin with Bob';
    const r = await ex.explain(text, { evaluate: true, nSteps: 4 });
    const entry = r.wordAttributions[1];
    const f = entry.faithfulness;
    expect(f).toBeDefined();
    const rows = buildSingleTextInputs(ex.text.tokenizer, text, { task: 'token-classification' });
    const special = specialMask(rows).map((v, i) => v || i === entry.index);
    const plan = planTextEvaluation(entry.rawAttributions ?? [], special);
    expect(plan.comprehensiveness.every((l) => l.includes(entry.index))).toBe(true);
    const keep = plan.comprehensiveness[0];
    const out = Object.values(await forwardOutputs(ex.text.model, { inputIds: pickPositions(rows.inputIds, keep), tokenTypeIds: pickPositions(rows.tokenTypeIds, keep) }))[0];
    const C = out.dims[2];
    const at = keep.indexOf(entry.index);
    const labelIndex = ex.text.labels.indexOf(entry.label);
    const pCut = softmax(out.data.subarray(at * C, (at + 1) * C))[labelIndex];
    expect(Math.abs((f?.curve[0].comprehensiveness ?? NaN) - ((f?.p ?? NaN) - pCut))).toBeLessThan(1e-5);
    expect(f?.p).toBeCloseTo(entry.probability ?? NaN, 5);
    await ex.dispose();
  }, 60_000);

  test('a task that cannot be evaluated: typed error naming the supported ones', () => {
    let err: unknown;
    try {
      requireEvaluable('text-generation' as Task, { evaluate: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('evaluate-unsupported');
    expect((err as InputError).message).toContain('text-classification, text-pair-classification');
    // A non-boolean evaluate is rejected by the common option check, before any model run.
    expect(() => checkCommon({ evaluate: 'yes' as unknown as boolean })).toThrow(InputError);
  });
});
