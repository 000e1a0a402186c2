/**
 * The pure parts behind the elements: faithfulness rows (per target, hint, n/a for undefined
 * tau), and progressive refinements mapped onto the preview's shape, checked end to end: the
 * last refinement of `nSteps: 'auto'` equals the final result's word scores (1e-12).
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { markProgressive, refinedResult } from '../../components/progressive.js';
import { MultiLabelClassificationExplainer } from '../../src/explainers/text/multi-label-classification.js';
import { SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import type { Refinement } from '../../src/explainers/core/steps.js';
import type { MultiLabelResult, SequenceClassificationResult } from '../../src/types.js';
import { faithfulnessRows, IMAGE_FAITHFULNESS_HINT, TEXT_FAITHFULNESS_HINT } from '../../src/viz/faithfulness-rows.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const tf = { aopcComprehensiveness: 0.41234, aopcSufficiency: 0.1, tauLoo: null, p: 0.9, curve: [] };

describe('faithfulness rows', () => {
  test('single target, per label, image, none', () => {
    const seq = faithfulnessRows({ attributionClassName: 'POSITIVE', faithfulness: tf } as unknown as SequenceClassificationResult);
    expect(seq.hint).toBe(TEXT_FAITHFULNESS_HINT);
    expect(seq.rows[0].target).toBe('POSITIVE');
    expect(seq.rows[0].cells.map((c) => c.value)).toEqual(['0.412', '0.100', 'n/a']);
    const ml = faithfulnessRows({ faithfulness: { '<b>a</b>': tf, b: { ...tf, tauLoo: 0.5 } } } as unknown as MultiLabelResult);
    expect(ml.rows.map((r) => r.target)).toEqual(['<b>a</b>', 'b']);
    expect(ml.rows[1].cells[2].value).toBe('0.500');
    const img = faithfulnessRows({ attributionClassName: 'cat', faithfulness: { aopcDeletion: 0.3, aopcInsertion: 0.2, steps: [], deletion: [], insertion: [], patch: 16 } } as never);
    expect(img.hint).toBe(IMAGE_FAITHFULNESS_HINT);
    expect(img.rows[0].cells.map((c) => c.value)).toEqual(['0.300', '0.200']);
    expect(faithfulnessRows({ tokens: [] } as unknown as SequenceClassificationResult).rows).toEqual([]);
  });
});

describe('progressive refinements', () => {
  test('sequence: preview marked, refinements painted, the last one equals the final answer', async () => {
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), { device: 'cpu', localOnly: true });
    const text = 'a truly wonderful film';
    const preview = markProgressive(await ex.explain(text, { algorithm: 'gradient-x-input' }), { final: false, stage: 'gradient-x-input' });
    expect(preview.progressive).toEqual({ final: false, stage: 'gradient-x-input' });
    const seen: Refinement[] = [];
    const final = await ex.explain(text, { nSteps: 'auto', onRefine: (r) => seen.push(r) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.map((r) => r.nSteps)).toEqual(seen.map((r) => r.nSteps).sort((a, b) => a - b));
    const shown = refinedResult(preview, seen[seen.length - 1].values, seen[seen.length - 1].nSteps) as SequenceClassificationResult;
    expect(shown.progressive).toMatchObject({ final: false, stage: 'integrated-gradients' });
    expect(shown.algorithm).toBeUndefined();
    // 'auto' returns the answer of the last count tried.
    shown.wordAttributions.forEach(([tok, v], i) => {
      expect(tok).toBe(final.wordAttributions[i][0]);
      expect(Math.abs(v - final.wordAttributions[i][1])).toBeLessThan(1e-12);
    });
    // flipSign: painted with the sign the result will have.
    const flipped = refinedResult(preview, seen[0].values, seen[0].nSteps, { flipSign: true }) as SequenceClassificationResult;
    expect(flipped.wordAttributions[1][1]).toBe(-seen[0].values[1]);
    await ex.dispose();
  }, 60_000);

  test('multi-label: values split per label in result order; mismatched lengths are not painted', async () => {
    const ex = await MultiLabelClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'bert-3class'), { device: 'cpu', localOnly: true });
    const text = 'the food was great';
    const preview = await ex.explain(text, { algorithm: 'gradient-x-input' });
    const seen: Refinement[] = [];
    const final = await ex.explain(text, { nSteps: 'auto', onRefine: (r) => seen.push(r) });
    const shown = refinedResult(preview, seen[seen.length - 1].values, 1) as MultiLabelResult;
    for (const label of Object.keys(final.wordAttributions)) {
      shown.wordAttributions[label].forEach(([, v], i) => expect(Math.abs(v - final.wordAttributions[label][i][1])).toBeLessThan(1e-12));
    }
    expect(refinedResult(preview, new Float64Array(3), 1)).toBeUndefined();
    await ex.dispose();
  }, 60_000);
});
