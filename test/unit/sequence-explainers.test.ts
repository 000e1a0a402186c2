/**
 * Issue 4 checks in Node: every compat reference case of the sequence and pairwise explainers
 * (tokens, predicted class, word attributions within 1e-3 max abs, raw sums within 1e-4
 * relative, delta within 1e-3 + 1% of the reference's), the default mode's completeness, and
 * bad input.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PairwiseSequenceClassificationExplainer, SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { InputError } from '../../src/errors.js';
import { loadTextReferences, MODELS_DIR } from './text-reference-fixtures.js';

const refs = loadTextReferences().filter((c) => c.ref.explainer.endsWith('SequenceClassificationExplainer'));
const device = 'cpu' as const;

function relErr(a: readonly number[], b: readonly number[]): number {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

const explainers = new Map<string, Promise<SequenceClassificationExplainer | PairwiseSequenceClassificationExplainer>>();
function explainerFor(model: string, pairwise: boolean): Promise<SequenceClassificationExplainer | PairwiseSequenceClassificationExplainer> {
  let e = explainers.get(model);
  if (!e) {
    const dir = path.join(MODELS_DIR, model);
    e = pairwise ? PairwiseSequenceClassificationExplainer.fromPretrained(dir, { device, localOnly: true }) : SequenceClassificationExplainer.fromPretrained(dir, { device, localOnly: true });
    explainers.set(model, e);
  }
  return e;
}

describe('compat mode equals transformers-interpret', () => {
  test.each(refs.map((c) => [c.name, c] as const))('%s', async (_name, { ref }) => {
    const pairwise = ref.explainer.startsWith('Pairwise');
    const ex = await explainerFor(ref.model, pairwise);
    const call = ref.call as { text?: string; text1?: string; text2?: string; index?: number; class_name?: string; embedding_type?: number; n_steps?: number; internal_batch_size?: number; flip_sign?: boolean };
    const opts = {
      compat: 'transformers-interpret' as const,
      onWarning: () => {},
      ...(call.index !== undefined ? { index: call.index } : {}),
      ...(call.class_name !== undefined ? { className: call.class_name } : {}),
      ...(call.embedding_type !== undefined ? { embeddingType: call.embedding_type as 0 | 1 } : {}),
      ...(call.n_steps !== undefined ? { nSteps: call.n_steps } : {}),
      ...(call.internal_batch_size !== undefined ? { internalBatchSize: call.internal_batch_size } : {}),
      ...(call.flip_sign !== undefined ? { flipSign: call.flip_sign } : {}),
    };
    const r = pairwise
      ? await (ex as PairwiseSequenceClassificationExplainer).explain(call.text1 as string, call.text2 as string, opts)
      : await (ex as SequenceClassificationExplainer).explain(call.text as string, opts);
    const a = ref.attributions[0];
    expect(r.tokens).toEqual(ref.tokens);
    expect(r.predictedClassIndex).toBe(ref.prediction.predicted_class_index);
    const expected = ref.word_attributions as [string, number][];
    expect(r.wordAttributions.map((w) => w[0])).toEqual(expected.map((w) => w[0]));
    const wa = Math.max(...r.wordAttributions.map((w, i) => Math.abs(w[1] - expected[i][1])));
    expect(wa).toBeLessThanOrEqual(1e-3);
    expect(relErr(r.rawAttributions, a.raw_attribution_sums)).toBeLessThanOrEqual(1e-4);
    const refDelta = a.convergence_delta[0];
    expect(Math.abs(r.delta - refDelta)).toBeLessThanOrEqual(1e-3 + 0.01 * Math.abs(refDelta));
  });
});

describe('default mode explains the real input', () => {
  const cases = refs.map((c) => [c.name, c] as const);
  test.each(cases)('%s: |delta| <= 1e-2 |F(x) - F(x\')| + 1e-5 at 50 steps', async (_n, { ref }) => {
    const pairwise = ref.explainer.startsWith('Pairwise');
    const dir = path.join(MODELS_DIR, ref.model);
    const call = ref.call as { text?: string; text1?: string; text2?: string };
    const ex = pairwise ? await PairwiseSequenceClassificationExplainer.fromPretrained(dir, { device, localOnly: true }) : await SequenceClassificationExplainer.fromPretrained(dir, { device, localOnly: true });
    const r = pairwise
      ? await (ex as PairwiseSequenceClassificationExplainer).explain(call.text1 as string, call.text2 as string)
      : await (ex as SequenceClassificationExplainer).explain(call.text as string);
    const total = r.rawAttributions.reduce((a, b) => a + b, 0);
    const span = Math.abs(total - r.delta);
    expect(Math.abs(r.delta)).toBeLessThanOrEqual(1e-2 * span + 1e-5);
  });

  // Gauss-Legendre (the default) is already at float32 rounding (|delta| ~ 1e-9) with 5 steps on
  // these tiny models, so it has nowhere to fall: the fall is shown with the Riemann rules.
  test.each(['riemann_trapezoid', 'riemann_middle'] as const)('delta falls as nSteps goes 5 -> 50 -> 200 (%s)', async (method) => {
    const ex = (await explainerFor('bert-3class', false)) as SequenceClassificationExplainer;
    const text = 'The movie was fine, though a little long.';
    const d = [];
    for (const nSteps of [5, 50, 200]) d.push(Math.abs((await ex.explain(text, { nSteps, method })).delta));
    expect(d[1]).toBeLessThan(d[0]);
    expect(d[2]).toBeLessThan(d[1]);
  });

  test('Gauss-Legendre is at float32 rounding already at 5 steps', async () => {
    const ex = (await explainerFor('bert-3class', false)) as SequenceClassificationExplainer;
    const r = await ex.explain('The movie was fine, though a little long.', { nSteps: 5 });
    expect(Math.abs(r.delta)).toBeLessThan(1e-6);
  });

  test('internalBatchSize does not change results', async () => {
    const ex = (await explainerFor('distilbert-sst2', false)) as SequenceClassificationExplainer;
    const a = await ex.explain('I love you, I like you');
    const b = await ex.explain('I love you, I like you', { internalBatchSize: 7 });
    const c = await ex.explain('I love you, I like you', { internalBatchSize: 1 });
    for (const other of [b, c]) {
      expect(relErr(other.rawAttributions, a.rawAttributions)).toBeLessThan(1e-5);
    }
  });

  test('getters mirror the last result; options do not stick', async () => {
    const ex = (await explainerFor('bert-3class', false)) as SequenceClassificationExplainer;
    const r1 = await ex.explain('The movie was fine.', { index: 0, nSteps: 5 });
    expect(ex.attributionClassIndex).toBe(0);
    expect(ex.wordAttributions).toEqual(r1.wordAttributions);
    const r2 = await ex.explain('The movie was fine.');
    expect(r2.attributionClassIndex).toBe(r2.predictedClassIndex);
  });
});

describe('bad input gets a typed error that says what to do', () => {
  test('empty text', async () => {
    const ex = (await explainerFor('distilbert-sst2', false)) as SequenceClassificationExplainer;
    await expect(ex.explain('   ')).rejects.toMatchObject({ name: 'InputError', code: 'empty-text' });
  });

  test('unknown class name lists the valid ones', async () => {
    const ex = (await explainerFor('distilbert-sst2', false)) as SequenceClassificationExplainer;
    const err = await ex.explain('I love you', { className: 'HAPPY' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('"NEGATIVE", "POSITIVE"');
  });

  test('too long text fails unless truncation is asked', async () => {
    const ex = (await explainerFor('distilbert-sst2', false)) as SequenceClassificationExplainer;
    const long = Array.from({ length: 600 }, () => 'love').join(' ');
    await expect(ex.explain(long)).rejects.toMatchObject({ code: 'input-too-long' });
    const r = await ex.explain(long, { truncation: true, nSteps: 2 });
    expect(r.inputIds.length).toBe(512);
  });

  test('a model whose outputs are not classification logits', async () => {
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'bert-ner'), { device, localOnly: true });
    await expect(ex.explain('Paris is big')).rejects.toMatchObject({ code: 'wrong-model-kind' });
  });

  test('abort rejects with AbortError and leaves the explainer usable', async () => {
    const ex = (await explainerFor('distilbert-sst2', false)) as SequenceClassificationExplainer;
    const ctrl = new AbortController();
    const p = ex.explain('I love you, I like you', { internalBatchSize: 1, onProgress: (done) => { if (done >= 3) ctrl.abort(); }, signal: ctrl.signal });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const r = await ex.explain('I love you, I like you', { nSteps: 5 });
    expect(r.wordAttributions.length).toBe(9);
  });

  test('dispose() frees the sessions: explaining afterwards is a clear error; twice is fine', async () => {
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), { device, localOnly: true });
    const r = await ex.explain('I love you', { nSteps: 3 });
    await ex.dispose();
    await ex.dispose();
    await expect(ex.explain('I love you', { nSteps: 3 })).rejects.toMatchObject({ code: 'disposed' });
    expect(ex.lastResult).toBe(r);
  });
});

describe('visualize()', () => {
  test('returns the captum-style page and writes <path>.html in Node', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), { device, localOnly: true });
    await expect(ex.visualize()).rejects.toMatchObject({ code: 'no-result' });
    await ex.explain('I love you, I like you', { nSteps: 5 });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gs-viz-')), 'explanation');
    const html = await ex.visualize(file);
    expect(html).toContain('Word Importance');
    expect(fs.readFileSync(`${file}.html`, 'utf8')).toBe(html);
  });
});
