/**
 * Shape inference: hand-built graphs for op semantics (opset differences, broadcasting,
 * symbolic shape arithmetic), then every fixture model checked against onnxruntime-node with
 * every intermediate tensor exposed as a graph output.
 */
import { modelFeeds } from './helpers/model-feeds.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph, type Dim } from '../../src/onnx/ir.js';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';
import { evalDim, inferShapes, type ShapeInfo } from '../../src/onnx/shape/infer.js';
import { f32, i64 } from '../../src/onnx/tensor.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): string => `${root}test/fixtures/models/${name}/onnx/model.onnx`;
const bench = (name: string): string => `${root}bench/models/${name}/onnx/model.onnx`;

const TEXT_MODELS = [
  'distilbert-sst2', 'bert-3class', 'minilm-cross-encoder', 'distilroberta-emotion', 'bert-nli', 'deberta-nli', 'bert-squad', 'bert-ner',
];
const VISION_MODELS = ['vit', 'swin', 'resnet'];

function graphWith(opset: number, inputs: { name: string; shape: Dim[]; dtype?: 'float32' | 'int64' }[]): Graph {
  const g = new Graph();
  g.opset = opset;
  for (const i of inputs) g.inputs.push({ name: i.name, dtype: i.dtype ?? 'float32', shape: i.shape });
  return g;
}

describe('inferShapes on hand-built graphs', () => {
  it('resolves Reshape(x, Concat(Unsqueeze(Gather(Shape(x))), ..., [12], [64]))', () => {
    const g = graphWith(14, [{ name: 'x', shape: ['batch_size', 'sequence_length', 768] }]);
    const shape = g.op('Shape', ['x']);
    const b = g.op('Unsqueeze', [g.op('Gather', [shape, g.constant(i64([0], []))], { axis: 0 }), g.constI64([0])]);
    const t = g.op('Unsqueeze', [g.op('Gather', [shape, g.constant(i64([1], []))], { axis: 0 }), g.constI64([0])]);
    const target = g.op('Concat', [b, t, g.constI64([12]), g.constI64([64])], { axis: 0 });
    const y = g.op('Reshape', ['x', target]);
    const p = g.op('Transpose', [y], { perm: [0, 2, 1, 3] });
    const scores = g.op('MatMul', [p, g.op('Transpose', [y], { perm: [0, 2, 3, 1] })]);
    const info = inferShapes(g);
    expect(info.values.get(shape)).toEqual(['batch_size', 'sequence_length', 768]);
    expect(info.values.get(target)).toEqual(['batch_size', 'sequence_length', 12, 64]);
    expect(info.types.get(y)?.shape).toEqual(['batch_size', 'sequence_length', 12, 64]);
    expect(info.types.get(scores)?.shape).toEqual(['batch_size', 12, 'sequence_length', 'sequence_length']);
    expect(g.valueInfo.get(scores)?.shape).toEqual(['batch_size', 12, 'sequence_length', 'sequence_length']);
    expect(info.types.get(shape)?.dtype).toBe('int64');
  });

  it('infers -1 in Reshape symbolically and derives product dims', () => {
    const g = graphWith(14, [{ name: 'x', shape: ['B', 'T', 768] }]);
    const y = g.op('Reshape', ['x', g.constI64([0, -1, 12, 64])]);
    const z = g.op('Reshape', ['x', g.constI64([-1, 768])]);
    const w = g.op('Reshape', [z, g.constI64([0, 12, -1])]);
    const info = inferShapes(g);
    expect(info.types.get(y)?.shape).toEqual(['B', 'T', 12, 64]);
    const bt = info.types.get(z)?.shape?.[0];
    expect(bt).toBe('(B*T)');
    expect(evalDim(bt ?? 0, { B: 2, T: 7 }, info.derived)).toBe(14);
    expect(info.types.get(w)?.shape).toEqual(['(B*T)', 12, 64]);
  });

  it('uses opset-correct axes for Unsqueeze/Squeeze/ReduceSum/ReduceMean/Split', () => {
    const g11 = graphWith(11, [{ name: 'x', shape: ['B', 4, 6] }]);
    const u11 = g11.op('Unsqueeze', ['x'], { axes: [0, -1] });
    const s11 = g11.op('Squeeze', [u11], { axes: [0] });
    const r11 = g11.op('ReduceSum', ['x'], { axes: [1], keepdims: 0 });
    const parts11 = g11.add('Split', ['x'], { axis: 2, split: [2, 4] }, 2);
    const i11 = inferShapes(g11);
    expect(i11.types.get(u11)?.shape).toEqual([1, 'B', 4, 6, 1]);
    expect(i11.types.get(s11)?.shape).toEqual(['B', 4, 6, 1]);
    expect(i11.types.get(r11)?.shape).toEqual(['B', 6]);
    expect(parts11.map((p) => i11.types.get(p)?.shape)).toEqual([['B', 4, 2], ['B', 4, 4]]);

    const g13 = graphWith(13, [{ name: 'x', shape: ['B', 4, 6] }]);
    const u13 = g13.op('Unsqueeze', ['x', g13.constI64([1])]);
    const r13 = g13.op('ReduceSum', ['x', g13.constI64([-1])]);
    const m13 = g13.op('ReduceMean', ['x'], { axes: [1] });
    const all13 = g13.op('ReduceMax', ['x'], { keepdims: 0 });
    const parts13 = g13.add('Split', ['x', g13.constI64([1, 5])], { axis: -1 }, 2);
    const even13 = g13.add('Split', ['x'], { axis: 1 }, 2);
    const i13 = inferShapes(g13);
    expect(i13.types.get(u13)?.shape).toEqual(['B', 1, 4, 6]);
    expect(i13.types.get(r13)?.shape).toEqual(['B', 4, 1]);
    expect(i13.types.get(m13)?.shape).toEqual(['B', 1, 6]);
    expect(i13.types.get(all13)?.shape).toEqual([]);
    expect(parts13.map((p) => i13.types.get(p)?.shape)).toEqual([['B', 4, 1], ['B', 4, 5]]);
    expect(even13.map((p) => i13.types.get(p)?.shape)).toEqual([['B', 2, 6], ['B', 2, 6]]);

    const g18 = graphWith(18, [{ name: 'x', shape: ['B', 4, 6] }]);
    const m18 = g18.op('ReduceMean', ['x', g18.constI64([1])], { keepdims: 0 });
    const i18 = inferShapes(g18);
    expect(i18.types.get(m18)?.shape).toEqual(['B', 6]);
  });

  it('broadcasts with symbols: 1 yields the other dim, different symbols give a fresh one', () => {
    const g = graphWith(14, [
      { name: 'a', shape: ['B', 1, 1, 'T'] },
      { name: 'b', shape: ['B', 12, 'T', 'T'] },
      { name: 'c', shape: ['N'] },
      { name: 'd', shape: ['M'] },
      { name: 'e', shape: [5] },
    ]);
    const ab = g.op('Add', ['a', 'b']);
    const cd = g.op('Mul', ['c', 'd']);
    const ce = g.op('Where', [g.op('Equal', ['c', 'e']), 'c', 'e']);
    const info = inferShapes(g);
    expect(info.types.get(ab)?.shape).toEqual(['B', 12, 'T', 'T']);
    const fresh = info.types.get(cd)?.shape?.[0];
    expect(typeof fresh).toBe('string');
    expect(fresh).not.toBe('N');
    expect(fresh).not.toBe('M');
    expect(info.types.get(ce)?.shape).toEqual([5]);
  });

  it('propagates values through Range/ConstantOfShape/Where/Equal/Expand and symbolic arithmetic', () => {
    const g = graphWith(14, [{ name: 'x', shape: ['B', 'T', 32] }]);
    const shape = g.op('Shape', ['x']);
    const t = g.op('Gather', [shape, g.constant(i64([1], []))], { axis: 0 });
    const r = g.op('Range', [g.constant(i64([0], [])), t, g.constant(i64([1], []))]);
    const t12 = g.op('Mul', [t, g.constant(i64([12], []))]);
    const back = g.op('Div', [t12, g.constant(i64([12], []))]);
    const tp1 = g.op('Add', [t, g.constant(i64([1], []))]);
    const cos = g.op('ConstantOfShape', [g.constI64([2])], { value: i64([1], [1]) });
    const target = g.op('Concat', [g.op('Unsqueeze', [t, g.constI64([0])]), g.constI64([-1])], { axis: 0 });
    const isNeg = g.op('Equal', [target, g.constI64([-1, -1])]);
    const fixed = g.op('Where', [isNeg, cos, target]);
    const e = g.op('Expand', ['x', g.op('Concat', [g.constI64([1]), g.op('Slice', [shape, g.constI64([1]), g.constI64([3])])], { axis: 0 })]);
    const info = inferShapes(g);
    expect(info.types.get(r)?.shape).toEqual(['T']);
    expect(info.values.get(t12)).toEqual(['(12*T)']);
    expect(info.values.get(back)).toEqual(['T']);
    expect(info.values.get(tp1)).toEqual(['(T+1)']);
    expect(info.values.get(cos)).toEqual([1, 1]);
    expect(info.values.get(isNeg)).toEqual([0, 1]);
    expect(info.values.get(fixed)).toEqual(['T', 1]);
    expect(info.types.get(e)?.shape).toEqual(['B', 'T', 32]);
  });

  it('handles conv/pool/pad/flatten/gemm/matmul/transpose and canonicalises equal expressions', () => {
    const g = graphWith(14, [{ name: 'x', shape: ['N', 3, 'H', 'W'] }]);
    g.initializers.set('w1', f32(new Array(16 * 3 * 9).fill(0), [16, 3, 3, 3]));
    g.initializers.set('w2', f32(new Array(16 * 3).fill(0), [16, 3, 1, 1]));
    const a = g.op('Conv', ['x', 'w1'], { strides: [2, 2], pads: [1, 1, 1, 1] });
    const b = g.op('Conv', ['x', 'w2'], { strides: [2, 2] });
    const sum = g.op('Add', [a, b]);
    const pool = g.op('MaxPool', [sum], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    const padded = g.op('Pad', [pool, g.constI64([0, 0, 1, 2, 0, 0, 3, 4])]);
    const gap = g.op('GlobalAveragePool', [padded]);
    const flat = g.op('Flatten', [gap], { axis: 1 });
    const info = inferShapes(g);
    expect(info.types.get(a)?.shape).toEqual(info.types.get(b)?.shape);
    expect(info.types.get(sum)?.shape).toEqual(info.types.get(a)?.shape);
    const h = info.types.get(padded)?.shape?.[2] ?? 0;
    expect(evalDim(h, { H: 224 }, info.derived)).toBe(56 + 4);
    expect(info.types.get(flat)?.shape).toEqual(['N', 16]);
    const g2 = graphWith(14, [{ name: 'x', shape: ['N', 3, 224, 224] }]);
    g2.initializers.set('w', f32(new Array(8 * 3 * 16 * 16).fill(0), [8, 3, 16, 16]));
    const c = g2.op('Conv', ['x', 'w'], { strides: [16, 16], kernel_shape: [16, 16] });
    expect(inferShapes(g2).types.get(c)?.shape).toEqual(['N', 8, 14, 14]);
  });

  it('Einsum: explicit and implicit outputs, static dims other than 1 preferred, then symbols; ellipsis unknown', () => {
    const g = graphWith(14, [{ name: 'q', shape: ['B', 2, 'T', 16] }, { name: 'k', shape: [1, 2, 'S', 16] }, { name: 'w', shape: [5, 16] }]);
    const scores = g.op('Einsum', ['q', 'k'], { equation: 'bhqd,bhkd->bhqk' });
    const proj = g.op('Einsum', ['q', 'w'], { equation: 'bhtd, ed' });
    const ell = g.op('Einsum', ['q', 'k'], { equation: '...qd,...kd->...qk' });
    const info = inferShapes(g);
    expect(info.types.get(scores)?.shape).toEqual(['B', 2, 'T', 'S']);
    // Implicit output: the letters used once, sorted (b, e, h, t).
    expect(info.types.get(proj)?.shape).toEqual(['B', 5, 2, 'T']);
    expect(info.types.get(ell)?.shape).toBeUndefined();
  });

  it('leaves unknown ops without shape and reports them', () => {
    const g = graphWith(14, [{ name: 'x', shape: ['B', 4] }]);
    const [y] = g.add('FancyOp', ['x'], {}, 1, 'com.example');
    const z = g.op('Relu', [y]);
    const ok = g.op('Relu', ['x']);
    const info = inferShapes(g);
    expect(info.unknownOps).toEqual(['com.example.FancyOp']);
    expect(info.types.get(y)?.shape).toBeUndefined();
    expect(info.types.get(z)?.shape).toBeUndefined();
    expect(info.types.get(ok)?.shape).toEqual(['B', 4]);
  });

  it('covers the ops a backward pass emits', () => {
    const g = graphWith(14, [
      { name: 'x', shape: ['B', 'T', 8] },
      { name: 'idx', shape: ['B', 'T', 8], dtype: 'int64' },
    ]);
    const out: Record<string, string> = {};
    for (const op of ['Neg', 'Sqrt', 'Exp', 'Log', 'Erf', 'Tanh', 'Sigmoid', 'Relu', 'Abs', 'Sign', 'Reciprocal', 'Identity', 'Softmax', 'LogSoftmax']) {
      out[op] = g.op(op, ['x']);
    }
    out.Pow = g.op('Pow', ['x', g.scalarF32(2)]);
    out.Clip = g.op('Clip', ['x', g.scalarF32(0), g.scalarF32(1)]);
    out.Cast = g.op('Cast', ['x'], { to: 7 });
    out.Greater = g.op('Greater', ['x', g.scalarF32(0)]);
    out.Not = g.op('Not', [out.Greater]);
    out.And = g.op('And', [out.Greater, out.Not]);
    out.ScatterElements = g.op('ScatterElements', ['x', 'idx', 'x'], { axis: 2 });
    out.GatherElements = g.op('GatherElements', ['x', 'idx'], { axis: 2 });
    out.CumSum = g.op('CumSum', ['x', g.constant(i64([1], []))]);
    out.ArgMax = g.op('ArgMax', ['x'], { axis: 2, keepdims: 0 });
    out.OneHot = g.op('OneHot', [out.ArgMax, g.constI64([8]), g.constant(f32([0, 1]))], { axis: -1 });
    out.ReduceSumSquare = g.op('ReduceSumSquare', ['x'], { axes: [0, 1], keepdims: 0 });
    out.ReduceLogSumExp = g.op('ReduceLogSumExp', ['x'], { axes: [-1] });
    out.Tile = g.op('Tile', ['x', g.constI64([1, 2, 3])]);
    out.Gemm = g.op('Gemm', [g.op('Reshape', ['x', g.constI64([-1, 8])]), g.constant(f32(new Array(24).fill(0), [3, 8]))], { transB: 1 });
    out.LayerNormalization = g.op('LayerNormalization', ['x', g.constant(f32(new Array(8).fill(1))), g.constant(f32(new Array(8).fill(0)))], { axis: -1 });
    out.ConvTranspose = g.op('ConvTranspose', [g.op('Transpose', ['x'], { perm: [0, 2, 1] }), g.constant(f32(new Array(8 * 4 * 3).fill(0), [8, 4, 3]))], { strides: [2] });
    out.Resize = g.op('Resize', [g.op('Unsqueeze', ['x', g.constI64([1])]), '', g.constant(f32([1, 1, 2, 1]))]);
    out.AveragePool = g.op('AveragePool', [out.ConvTranspose], { kernel_shape: [2], strides: [2] });
    const sn = g.op('ScatterND', ['x', g.constant(i64([0, 0], [1, 2])), g.constant(f32(new Array(8).fill(0), [1, 8]))]);
    const bn = g.op('BatchNormalization', [out.ConvTranspose, ...[1, 1, 1, 1].map(() => g.constant(f32([1, 1, 1, 1])))]);
    const info = inferShapes(g);
    const shape = (n: string): Dim[] | undefined => info.types.get(n)?.shape;
    for (const op of ['Neg', 'Sqrt', 'Exp', 'Log', 'Erf', 'Tanh', 'Sigmoid', 'Relu', 'Abs', 'Sign', 'Reciprocal', 'Identity', 'Softmax', 'LogSoftmax', 'Pow', 'Clip', 'Cast', 'Greater', 'Not', 'And', 'ScatterElements', 'GatherElements', 'CumSum', 'LayerNormalization']) {
      expect(shape(out[op]), op).toEqual(['B', 'T', 8]);
    }
    expect(info.types.get(out.Cast)?.dtype).toBe('int64');
    expect(info.types.get(out.Greater)?.dtype).toBe('bool');
    expect(shape(out.ArgMax)).toEqual(['B', 'T']);
    expect(shape(out.OneHot)).toEqual(['B', 'T', 8]);
    expect(shape(out.ReduceSumSquare)).toEqual([8]);
    expect(shape(out.ReduceLogSumExp)).toEqual(['B', 'T', 1]);
    expect(shape(out.Tile)).toEqual(['B', '(2*T)', 24]);
    expect(shape(out.Gemm)).toEqual(['(B*T)', 3]);
    expect(shape(out.ConvTranspose)).toEqual(['B', 4, '(2*T+1)']);
    expect(shape(out.Resize)).toEqual(['B', 1, '(2*T)', 8]);
    expect(shape(out.AveragePool)).toEqual(['B', 4, 'T']);
    expect(shape(sn)).toEqual(['B', 'T', 8]);
    expect(shape(bn)).toEqual(['B', 4, '(2*T+1)']);
    expect(info.unknownOps).toEqual([]);
    expect(info.issues).toEqual([]);
  });
});

/** Bindings for symbols the test cannot evaluate (fresh unknowns): each must stay consistent. */
class Checker {
  readonly bindings = new Map<string, number>();
  checked = 0;
  unbound = 0;
  readonly failures: string[] = [];
  constructor(
    readonly env: Record<string, number>,
    readonly info: ShapeInfo,
  ) {}

  dim(where: string, inferred: Dim, actual: number): void {
    const v = evalDim(inferred, this.env, this.info.derived);
    if (v !== undefined) {
      this.checked++;
      if (v !== actual) this.failures.push(`${where}: inferred ${inferred} = ${v}, actual ${actual}`);
      return;
    }
    this.unbound++;
    const key = String(inferred);
    const b = this.bindings.get(key);
    if (b === undefined) this.bindings.set(key, actual);
    else if (b !== actual) this.failures.push(`${where}: symbol ${key} seen as ${b} and ${actual}`);
  }
}


/** Runs the model with every node output exposed as a graph output. */
async function runAll(path: string, batch: number, seq: number): Promise<Map<string, ort.Tensor>> {
  const model = decodeModel(readFileSync(path));
  const info = inferShapes(model.graph);
  const existing = new Set(model.graph.outputs.map((o) => o.name));
  for (const n of model.graph.nodes) {
    for (const o of n.outputs) {
      if (o && !existing.has(o)) {
        existing.add(o);
        model.graph.outputs.push({ name: o, dtype: info.types.get(o)?.dtype ?? 'float32' });
      }
    }
  }
  const session = await ort.InferenceSession.create(encodeModel(model).bytes);
  try {
    const result = await session.run(modelFeeds(model, batch, seq));
    return new Map(Object.entries(result));
  } finally {
    await session.release();
  }
}

function actualInts(t: ort.Tensor): number[] | undefined {
  if (t.type !== 'int64' && t.type !== 'int32' && t.type !== 'bool') return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x));
}

function checkModel(path: string, inputShapes: Record<string, Dim[]>, env: Record<string, number>, actual: Map<string, ort.Tensor>): Checker {
  const { graph } = decodeModel(readFileSync(path));
  const info = inferShapes(graph, inputShapes);
  const checker = new Checker(env, info);
  // (a) every tensor has a known rank.
  const names = [...graph.inputs.map((v) => v.name), ...graph.initializers.keys(), ...graph.nodes.flatMap((n) => n.outputs.filter(Boolean))];
  for (const n of names) if (info.types.get(n)?.shape === undefined) checker.failures.push(`${n}: unknown rank`);
  // (b) shapes and values match onnxruntime.
  for (const n of graph.nodes) {
    for (const o of n.outputs) {
      const t = actual.get(o);
      const shape = info.types.get(o)?.shape;
      if (!t || !shape) {
        if (!t) checker.failures.push(`${o}: not produced by onnxruntime`);
        continue;
      }
      if (shape.length !== t.dims.length) {
        checker.failures.push(`${o} (${n.opType}): rank ${shape.length} vs ${t.dims.length}`);
        continue;
      }
      shape.forEach((d, i) => checker.dim(`${o} (${n.opType}) dim ${i}`, d, t.dims[i]));
      const vals = info.values.get(o);
      const act = actualInts(t);
      if (vals && act) {
        if (vals.length !== act.length) checker.failures.push(`${o}: ${vals.length} values vs ${act.length}`);
        else vals.forEach((v, i) => checker.dim(`${o} (${n.opType}) value ${i}`, v, act[i]));
      }
      if (info.types.get(o)?.dtype !== (t.type === 'bool' ? 'bool' : t.type)) checker.failures.push(`${o}: dtype ${info.types.get(o)?.dtype} vs ${t.type}`);
    }
  }
  return checker;
}

describe('inferShapes on the fixture models, checked against onnxruntime-node', () => {
  for (const name of TEXT_MODELS) {
    it(`${name}: every tensor's shape and int values match (batch 2, seq 7)`, async () => {
      const actual = await runAll(fixture(name), 2, 7);
      const checker = checkModel(fixture(name), {}, { batch_size: 2, sequence_length: 7 }, actual);
      expect(checker.failures).toEqual([]);
      expect(checker.checked).toBeGreaterThan(500);
      // Fresh unknowns are rare: every dim of these models is expressible in batch/sequence.
      expect(checker.unbound).toBe(0);
    });
  }
  for (const name of VISION_MODELS) {
    it(`${name}: shapes match with 224 substituted, and with symbolic height/width evaluated`, async () => {
      const actual = await runAll(fixture(name), 2, 0);
      const fixed = checkModel(fixture(name), { pixel_values: ['batch_size', 3, 224, 224] }, { batch_size: 2 }, actual);
      expect(fixed.failures).toEqual([]);
      expect(fixed.unbound).toBe(0);
      const symbolic = checkModel(fixture(name), {}, { batch_size: 2, num_channels: 3, height: 224, width: 224 }, actual);
      expect(symbolic.failures).toEqual([]);
      expect(symbolic.checked).toBeGreaterThan(50);
    });
  }
});

describe('inferShapes on the base-size bench skeletons (external weights absent)', () => {
  it('distilbert-base: fast, logits [batch_size, 2], attention scores [B, 12, T, T]', () => {
    const { graph } = decodeModel(readFileSync(bench('distilbert-base-random')));
    inferShapes(graph); // warm-up (JIT)
    const t0 = performance.now();
    const info = inferShapes(graph);
    const ms = performance.now() - t0;
    console.log(`inferShapes distilbert-base skeleton: ${graph.nodes.length} nodes in ${ms.toFixed(2)} ms`);
    expect(ms).toBeLessThan(100);
    expect(info.types.get('logits')?.shape).toEqual(['batch_size', 2]);
    const softmaxes = graph.nodes.filter((n) => n.opType === 'Softmax');
    expect(softmaxes).toHaveLength(6);
    for (const s of softmaxes) expect(info.types.get(s.outputs[0])?.shape).toEqual(['batch_size', 12, 'sequence_length', 'sequence_length']);
    for (const n of graph.nodes) for (const o of n.outputs) expect(info.types.get(o)?.shape, o).toBeDefined();
    const hidden = graph.nodes.filter((n) => n.opType === 'MatMul').map((n) => info.types.get(n.outputs[0])?.shape);
    expect(hidden).toContainEqual(['batch_size', 'sequence_length', 768]);
    expect(hidden).toContainEqual(['batch_size', 'sequence_length', 3072]);
    expect(info.unknownOps).toEqual([]);
  });

  it('vit-base: every tensor has a rank, logits [batch_size, 1000], 197 tokens at 224', () => {
    const { graph } = decodeModel(readFileSync(bench('vit-base-random')));
    const t0 = performance.now();
    const info = inferShapes(graph, { pixel_values: ['batch_size', 3, 224, 224] });
    console.log(`inferShapes vit-base skeleton: ${graph.nodes.length} nodes in ${(performance.now() - t0).toFixed(2)} ms`);
    expect(info.types.get('logits')?.shape).toEqual(['batch_size', 1000]);
    for (const n of graph.nodes) for (const o of n.outputs) expect(info.types.get(o)?.shape, o).toBeDefined();
    const softmax = graph.nodes.find((n) => n.opType === 'Softmax');
    expect(info.types.get(softmax?.outputs[0] ?? '')?.shape).toEqual(['batch_size', 12, 197, 197]);
  });
});
