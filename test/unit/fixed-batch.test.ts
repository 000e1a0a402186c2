/**
 * Models exported with a fixed batch of 1 (issue 14 point 5). Such files are made here from
 * the fixtures the way an export without a dynamic batch axis looks: every input and output
 * declares batch 1, and the batch is folded into the graph's shape constants (Reshape targets,
 * ViT's class token). gradscope frees the batch axis at load; explanations must equal those of
 * the original file. Tolerance: 1e-5 absolute on text word attributions and delta, 1e-5
 * relative to max |attribution| on image attributions (the graphs differ only in folded
 * shape arithmetic).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasFixedBatch } from '../../src/autodiff/decompose/batch.js';
import { ImageClassificationExplainer } from '../../src/explainers/image/image-classification.js';
import { SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { foldConstants } from '../../src/onnx/fold.js';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';
import { MODELS_DIR, maxAbsDiff } from './text-reference-fixtures.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-fixed-batch-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** A copy of a fixture model exported "without a dynamic batch axis". */
function fixedBatchCopy(name: string): string {
  const dir = path.join(TMP, name);
  fs.cpSync(path.join(MODELS_DIR, name), dir, { recursive: true });
  const m = decodeModel(new Uint8Array(fs.readFileSync(path.join(dir, 'onnx/model.onnx'))));
  for (const v of [...m.graph.inputs, ...m.graph.outputs]) if (v.shape) v.shape[0] = 1;
  m.graph.valueInfo.clear();
  expect(foldConstants(m.graph)).toBeGreaterThan(0);
  m.graph.removeDeadCode();
  m.graph.topoSort();
  expect(hasFixedBatch(m.graph)).toBe(true);
  fs.writeFileSync(path.join(dir, 'onnx/model.onnx'), encodeModel(m).bytes);
  return dir;
}


describe('a model exported with a fixed batch of 1 explains like the original', () => {
  it('distilbert-sst2 (Reshape targets built around a folded batch)', async () => {
    const opts = { device: 'cpu' as const, localOnly: true };
    const [orig, fixed] = await Promise.all([SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), opts), SequenceClassificationExplainer.fromPretrained(fixedBatchCopy('distilbert-sst2'), opts)]);
    const [a, b] = [await orig.explain('a good movie about nothing'), await fixed.explain('a good movie about nothing')];
    expect(b.predictedClassIndex).toBe(a.predictedClassIndex);
    expect(maxAbsDiff(a.wordAttributions.map((w) => w[1]), b.wordAttributions.map((w) => w[1]))).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(a.delta - b.delta)).toBeLessThanOrEqual(1e-5);
    await Promise.all([orig.dispose(), fixed.dispose()]);
  });

  it('vit (constant class token concatenated with the batch)', async () => {
    const opts = { device: 'cpu' as const, localOnly: true };
    const [orig, fixed] = await Promise.all([ImageClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'vit'), opts), ImageClassificationExplainer.fromPretrained(fixedBatchCopy('vit'), opts)]);
    const px = { pixelValues: Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.cos(i * 0.01)), shape: [1, 3, 224, 224] };
    const ig = { attributionType: 'IG' as const, nSteps: 8 };
    const [a, b] = [await orig.explain(px, ig), await fixed.explain(px, ig)];
    expect(b.predictedClassIndex).toBe(a.predictedClassIndex);
    const scale = a.attributions.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbsDiff(a.attributions, b.attributions)).toBeLessThanOrEqual(1e-5 * scale);
    expect(Math.abs((a.delta ?? NaN) - (b.delta ?? NaN))).toBeLessThanOrEqual(1e-5);
    await Promise.all([orig.dispose(), fixed.dispose()]);
  });
});
