/**
 * Constant folding: evaluator semantics on hand-built graphs, then every fixture model run in
 * onnxruntime-node before and after folding (outputs must be identical) with fewer nodes.
 */
import { modelFeeds } from './helpers/model-feeds.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { foldConstants } from '../../src/onnx/fold.js';
import { Graph, type Dim } from '../../src/onnx/ir.js';
import { decodeModel, encodeModel, type OnnxModel } from '../../src/onnx/model-io.js';
import { inferShapes } from '../../src/onnx/shape/infer.js';
import { f32, i64, readNumbers } from '../../src/onnx/tensor.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): string => `${root}test/fixtures/models/${name}/onnx/model.onnx`;

const TEXT_MODELS = [
  'distilbert-sst2', 'bert-3class', 'minilm-cross-encoder', 'distilroberta-emotion', 'bert-nli', 'deberta-nli', 'bert-squad', 'bert-ner',
];
const VISION_MODELS = ['vit', 'swin', 'resnet'];

function values(g: Graph, name: string): number[] | undefined {
  const t = g.initializers.get(name);
  return t ? readNumbers(t) : undefined;
}

describe('foldConstants on hand-built graphs', () => {
  it('folds shape arithmetic proven static by shape inference and keeps dynamic parts', () => {
    const g = new Graph();
    g.inputs.push({ name: 'x', dtype: 'float32', shape: ['B', 'T', 768] });
    g.outputs.push({ name: 'y', dtype: 'float32' });
    const shape = g.op('Shape', ['x']);
    const hidden = g.op('Gather', [shape, g.constant(i64([2], []))], { axis: 0 });
    const heads = g.op('Div', [hidden, g.constant(i64([64], []))]);
    const b = g.op('Unsqueeze', [g.op('Gather', [shape, g.constant(i64([0], []))], { axis: 0 })], { axes: [0] });
    const target = g.op('Concat', [b, g.constI64([-1]), g.op('Unsqueeze', [heads], { axes: [0] }), g.constI64([64])], { axis: 0 });
    g.nodes.push({ opType: 'Reshape', domain: '', name: 'r', inputs: ['x', target], outputs: ['y'], attrs: {} });
    g.opset = 12;
    const before = g.nodes.length;
    const removed = foldConstants(g);
    expect(removed).toBe(3); // Gather(shape, 2), Div, Unsqueeze(heads)
    expect(g.nodes.length).toBe(before - 3);
    expect(values(g, hidden)).toBeUndefined(); // intermediate constants are dropped
    const unsq = [...g.initializers.keys()].find((k) => k.startsWith('unsqueeze'));
    expect(unsq && values(g, unsq)).toEqual([12]);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Reshape']);
  });

  it('folds Shape of a static tensor, float arithmetic and Identity of weights', () => {
    const g = new Graph();
    g.inputs.push({ name: 'x', dtype: 'float32', shape: [2, 3] });
    g.initializers.set('w', f32([1, 2, 3, 4, 5, 6], [3, 2]));
    const wi = g.op('Identity', ['w']);
    const s = g.op('Shape', ['x']);
    const scale = g.op('Sqrt', [g.op('Cast', [g.op('Gather', [s, g.constant(i64([1], []))], { axis: 0 })], { to: 1 })]);
    const y = g.op('Div', [g.op('MatMul', ['x', wi]), scale]);
    g.outputs.push({ name: y, dtype: 'float32' });
    const removed = foldConstants(g);
    expect(removed).toBe(5); // Identity, Shape, Gather, Cast, Sqrt
    expect(g.nodes.map((n) => n.opType)).toEqual(['MatMul', 'Div']);
    expect(g.nodes[0].inputs).toEqual(['x', 'w']);
    expect(values(g, g.nodes[1].inputs[1])).toEqual([Math.fround(Math.sqrt(3))]);
  });

  it('evaluates slicing with INT64_MAX ends, Where/Equal, Range, ConstantOfShape, Transpose, Expand', () => {
    const g = new Graph();
    g.opset = 14;
    const big = g.constant(i64([2 ** 63]));
    const data = g.constant(i64([5, 6, 7, 8], [4]));
    const sl = g.op('Slice', [data, g.constI64([1]), big, g.constI64([0])]);
    const eq = g.op('Equal', [sl, g.constI64([7])]);
    const wh = g.op('Where', [eq, g.constI64([-1]), sl]);
    const rg = g.op('Range', [g.constant(i64([0], [])), g.constant(i64([6], [])), g.constant(i64([2], []))]);
    const cos = g.op('ConstantOfShape', [g.constI64([2, 3])], { value: f32([0.5], [1]) });
    const tr = g.op('Transpose', [g.op('Reshape', [g.constant(i64([0, 1, 2, 3, 4, 5])), g.constI64([2, 3])])], { perm: [1, 0] });
    const ex = g.op('Expand', [g.constI64([1, 2]), g.constI64([3, 1])]);
    const outs = [wh, rg, cos, tr, ex];
    // Consume each so they are not graph outputs (graph outputs stay node-produced).
    for (const o of outs) g.outputs.push({ name: g.op('Identity', [g.op('Neg', [o])]), dtype: 'int64' });
    foldConstants(g);
    // Every Neg was folded too: the Identity nodes (graph outputs) now read constants.
    const idIn = g.nodes.map((n) => values(g, n.inputs[0]));
    expect(idIn).toEqual([[-6, 1, -8], [0, -2, -4], [-0.5, -0.5, -0.5, -0.5, -0.5, -0.5], [0, -3, -1, -4, -2, -5], [-1, -2, -1, -2, -1, -2]]);
  });

  it('keeps the INT64_MAX "to the end" sentinel when re-encoding folded int64 constants', () => {
    const g = new Graph();
    g.inputs.push({ name: 'x', dtype: 'float32', shape: ['N'] });
    const end = g.op('Identity', [g.op('Add', [g.constant(i64([2 ** 63])), g.constI64([0])])]);
    const y = g.op('Slice', ['x', g.constI64([1]), end, g.constI64([0])]);
    g.outputs.push({ name: y, dtype: 'float32' });
    foldConstants(g);
    const endConst = g.initializers.get(g.nodes[0].inputs[2]);
    expect(endConst?.values).toBeInstanceOf(BigInt64Array);
    expect((endConst?.values as BigInt64Array)[0]).toBe(2n ** 63n - 1n);
  });
});


async function run(model: OnnxModel, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(encodeModel(model).bytes);
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

const counts: string[] = [];

async function checkFold(name: string, inputShapes: Record<string, Dim[]>, shapes: [number, number][]): Promise<void> {
  const bytes = readFileSync(fixture(name));
  const original = decodeModel(bytes);
  const folded = decodeModel(bytes);
  const before = folded.graph.nodes.length;
  const removed = foldConstants(folded.graph, inferShapes(folded.graph, inputShapes));
  const after = folded.graph.nodes.length;
  counts.push(`${name}${Object.keys(inputShapes).length ? ' (224 fixed)' : ''}: ${before} -> ${after}`);
  expect(removed).toBe(before - after);
  expect(after).toBeLessThan(before);
  // The folded graph is still fully shaped (backward rules run on it).
  const again = inferShapes(folded.graph, inputShapes);
  for (const n of folded.graph.nodes) for (const o of n.outputs) expect(again.types.get(o)?.shape, o).toBeDefined();
  for (const [batch, seq] of shapes) {
    const feeds = modelFeeds(original, batch, seq, batch * 31 + seq);
    const a = await run(original, feeds);
    const b = await run(folded, feeds);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) {
      expect(b[k].length).toBe(a[k].length);
      let worst = 0;
      for (let i = 0; i < a[k].length; i++) worst = Math.max(worst, Math.abs(a[k][i] - b[k][i]));
      expect(worst, `${name} ${k} batch ${batch} seq ${seq}`).toBeLessThanOrEqual(1e-6);
    }
  }
}

describe('foldConstants on the fixture models, checked against onnxruntime-node', () => {
  for (const name of TEXT_MODELS) {
    it(`${name}: same outputs after folding (two input sizes), fewer nodes`, async () => {
      await checkFold(name, {}, [[1, 9], [2, 13]]);
    });
  }
  for (const name of VISION_MODELS) {
    it(`${name}: same outputs after folding, symbolic and with 224x224 fixed`, async () => {
      await checkFold(name, {}, [[1, 0], [2, 0]]);
      await checkFold(name, { pixel_values: ['batch_size', 3, 224, 224] }, [[2, 0]]);
    });
  }
  it('reports node counts', () => {
    console.log(`node counts before -> after folding:\n  ${counts.join('\n  ')}`);
    expect(counts.length).toBe(TEXT_MODELS.length + 2 * VISION_MODELS.length);
  });
});
