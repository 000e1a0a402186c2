/**
 * Quantized and fp16 files (issue 14), explained through the decomposition pass, device 'cpu':
 *
 * - q8 and q4: attributions (and delta) equal those of the fp32 path run on a float copy of
 *   `model.onnx` whose weights are the quantized file's weights dequantized BY ONNX RUNTIME
 *   (the file's own quantized nodes run on an identity matrix / all table rows), so the
 *   dequantization code under test is checked against ORT's kernels, not against itself.
 *   Tolerance: 1e-4 absolute on text word attributions (normalised, O(1)) and on delta; for
 *   image attributions (per pixel, O(1e-4)) 1e-4 relative to max |attribution|.
 * - predictions are the file's own: the q8 / q4 file's predicted class is what ORT predicts
 *   running the shipped file.
 * - fp16: same predicted class as fp32.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { cutAt } from '../../src/autodiff/surgery.js';
import { ImageClassificationExplainer } from '../../src/explainers/image/image-classification.js';
import { SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { decodeModel, encodeModel, type OnnxModel } from '../../src/onnx/model-io.js';
import { f32 } from '../../src/onnx/tensor.js';
import { cloneGraph } from '../../src/autodiff/surgery.js';
import { FIXTURES_DIR, maxAbsDiff } from './text-reference-fixtures.js';

const VARIANTS = path.join(FIXTURES_DIR, 'variants');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-dtypes-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const read = (file: string): OnnxModel => decodeModel(new Uint8Array(fs.readFileSync(file)));

/** Runs the shipped file's nodes from `input` to `output` on `feed` (ORT's own dequantization). */
async function runPart(model: OnnxModel, input: string, output: string, feed: ort.Tensor): Promise<Float32Array> {
  const g = cloneGraph(model.graph);
  cutAt(g, input, { dtype: feed.type === 'int64' ? 'int64' : 'float32' });
  g.inputs = g.inputs.filter((v) => v.name === input);
  g.outputs = [{ name: output, dtype: 'float32' }];
  g.removeDeadCode();
  g.topoSort();
  const s = await ort.InferenceSession.create(encodeModel({ ...model, graph: g }).bytes);
  const out = await s.run({ [input]: feed });
  await s.release();
  return out[output].data as Float32Array;
}

/**
 * The fp32 file with every weight that the quantized file quantizes replaced by ORT's
 * dequantization of it: MatMul weights via an identity-matrix input (I @ W = W), embedding
 * tables via a lookup of every row.
 */
async function floatCopy(fp32: OnnxModel, quant: OnnxModel): Promise<{ model: OnnxModel; replaced: number }> {
  const g = cloneGraph(fp32.graph);
  const qProducers = quant.graph.producers();
  let replaced = 0;
  for (const n of fp32.graph.nodes) {
    const o = n.outputs[0];
    const q = qProducers.get(o);
    if (!q) continue;
    if (n.opType === 'MatMul' && g.initializers.has(n.inputs[1]) && q.opType !== 'MatMul') {
      const [K, N] = g.initializers.get(n.inputs[1])?.dims ?? [];
      const eye = new Float32Array(K * K);
      for (let i = 0; i < K; i++) eye[i * K + i] = 1;
      const W = await runPart(quant, n.inputs[0], o, new ort.Tensor('float32', eye, [K, K]));
      g.initializers.set(n.inputs[1], f32(W, [K, N]));
      replaced++;
    } else if (n.opType === 'Gather' && g.initializers.has(n.inputs[0]) && q.opType === 'DequantizeLinear') {
      const [V, H] = g.initializers.get(n.inputs[0])?.dims ?? [];
      const rows = await runPart(quant, n.inputs[1], o, new ort.Tensor('int64', BigInt64Array.from({ length: V }, (_, i) => BigInt(i)), [1, V]));
      g.initializers.set(n.inputs[0], f32(rows, [V, H]));
      replaced++;
    }
  }
  return { model: { ...fp32, graph: g }, replaced };
}

/** A model folder holding `model` as its fp32 file, beside the variant's config and tokenizer. */
function folderWith(name: string, model: OnnxModel, tag: string): string {
  const dir = path.join(TMP, `${name}-${tag}`);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const f of fs.readdirSync(path.join(VARIANTS, name))) if (f !== 'onnx') fs.copyFileSync(path.join(VARIANTS, name, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'onnx/model.onnx'), encodeModel(model).bytes);
  return dir;
}


/** Measured numbers, printed once for the report. */
const measured: Record<string, unknown> = {};
afterAll(() => console.log(`dtype-variants measured: ${JSON.stringify(measured)}`));

const TEXT = 'a gripping, beautifully shot film that never quite lands';
const PIXELS = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.0137) * 0.9);
const SHAPE = [1, 3, 224, 224];

describe('quantized text model (distilbert-sst2) against a float copy with ORT-dequantized weights', () => {
  for (const dtype of ['q8', 'q4'] as const) {
    it(dtype, async () => {
      const dir = path.join(VARIANTS, 'distilbert-sst2');
      const quantFile = path.join(dir, dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model_q4.onnx');
      const { model, replaced } = await floatCopy(read(path.join(dir, 'onnx/model.onnx')), read(quantFile));
      expect(replaced).toBe(dtype === 'q8' ? 14 : 12); // 12 linear layers (+ word and position tables in q8)
      const copy = await SequenceClassificationExplainer.fromPretrained(folderWith('distilbert-sst2', model, dtype), { device: 'cpu', localOnly: true });
      const quant = await SequenceClassificationExplainer.fromPretrained(dir, { device: 'cpu', localOnly: true, dtype });
      expect(quant.text.model.explained).toBe('dequantized');
      const a = await copy.explain(TEXT);
      const b = await quant.explain(TEXT);
      expect(a.explained).toBeUndefined();
      expect(b.explained).toBe('dequantized');
      const diff = maxAbsDiff(a.wordAttributions.map((w) => w[1]), b.wordAttributions.map((w) => w[1]));
      measured[`text-${dtype}`] = { maxAbsDiff: diff, deltaDiff: Math.abs(a.delta - b.delta), delta: b.delta };
      expect(diff).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(a.delta - b.delta)).toBeLessThanOrEqual(1e-4);

      // The prediction is the shipped file's own.
      const s = await ort.InferenceSession.create(quantFile);
      const ids = b.inputIds;
      const out = await s.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [1, ids.length]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      });
      const logits = out.logits.data as Float32Array;
      expect(b.predictedClassIndex).toBe(logits[1] > logits[0] ? 1 : 0);
      await Promise.all([copy.dispose(), quant.dispose(), s.release()]);
    });
  }
});

describe('quantized image model (vit) against a float copy with ORT-dequantized weights', () => {
  for (const dtype of ['q8', 'q4'] as const) {
    it(dtype, async () => {
      const dir = path.join(VARIANTS, 'vit');
      const quantFile = path.join(dir, dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model_q4.onnx');
      const { model, replaced } = await floatCopy(read(path.join(dir, 'onnx/model.onnx')), read(quantFile));
      expect(replaced).toBe(12);
      const copy = await ImageClassificationExplainer.fromPretrained(folderWith('vit', model, dtype), { device: 'cpu', localOnly: true });
      const quant = await ImageClassificationExplainer.fromPretrained(dir, { device: 'cpu', localOnly: true, dtype });
      const opts = { attributionType: 'IG' as const, nSteps: 20 };
      const a = await copy.explain({ pixelValues: PIXELS, shape: SHAPE }, opts);
      const b = await quant.explain({ pixelValues: PIXELS, shape: SHAPE }, opts);
      expect(b.explained).toBe('dequantized');
      const scale = a.attributions.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const diff = maxAbsDiff(a.attributions, b.attributions);
      measured[`vit-${dtype}`] = { maxAbsDiff: diff, maxAbsAttribution: scale, deltaDiff: Math.abs((a.delta ?? 0) - (b.delta ?? 0)) };
      expect(diff).toBeLessThanOrEqual(1e-4 * scale);
      expect(Math.abs((a.delta ?? NaN) - (b.delta ?? NaN))).toBeLessThanOrEqual(1e-4);
      await Promise.all([copy.dispose(), quant.dispose()]);
    });
  }
});

describe('fp16 files', () => {
  it('predict the same class as fp32 and explain through float32', async () => {
    const t32 = await SequenceClassificationExplainer.fromPretrained(path.join(VARIANTS, 'distilbert-sst2'), { device: 'cpu', localOnly: true });
    const t16 = await SequenceClassificationExplainer.fromPretrained(path.join(VARIANTS, 'distilbert-sst2'), { device: 'cpu', localOnly: true, dtype: 'fp16' });
    expect(t16.text.model.explained).toBe('float32');
    const texts = [TEXT, 'terrible', 'the plot is thin but the actors carry it'];
    const classes: [number, number][] = [];
    for (const t of texts) {
      const [a, b] = [await t32.explain(t), await t16.explain(t)];
      classes.push([a.predictedClassIndex, b.predictedClassIndex]);
      expect(b.predictedClassIndex).toBe(a.predictedClassIndex);
      expect(b.explained).toBe('float32');
      expect(Math.abs(b.delta)).toBeLessThanOrEqual(1e-3);
    }
    const i32 = await ImageClassificationExplainer.fromPretrained(path.join(VARIANTS, 'vit'), { device: 'cpu', localOnly: true });
    const i16 = await ImageClassificationExplainer.fromPretrained(path.join(VARIANTS, 'vit'), { device: 'cpu', localOnly: true, dtype: 'fp16' });
    const opts = { attributionType: 'IG' as const, nSteps: 5 };
    const [a, b] = [await i32.explain({ pixelValues: PIXELS, shape: SHAPE }, opts), await i16.explain({ pixelValues: PIXELS, shape: SHAPE }, opts)];
    classes.push([a.predictedClassIndex, b.predictedClassIndex]);
    expect(b.predictedClassIndex).toBe(a.predictedClassIndex);
    measured.fp16Classes = classes;
    await Promise.all([t32.dispose(), t16.dispose(), i32.dispose(), i16.dispose()]);
  });
});
