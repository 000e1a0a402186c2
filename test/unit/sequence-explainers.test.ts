/**
 * Issue 4 checks in Node: every compat reference case of the sequence and pairwise explainers
 * (tokens, predicted class, word attributions within 1e-3 max abs, raw sums within 1e-4
 * relative, delta within 1e-3 + 1% of the reference's), the default mode's completeness, and
 * bad input.
 */
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { PairwiseSequenceClassificationExplainer, SequenceClassificationExplainer } from '../../src/explainers/sequence-classification.js';
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
