/**
 * The decomposition pass, op by op: a one-node (or one-pattern) model is run by ONNX Runtime
 * as it is, and again after `decomposeModel`, on the same random input. Exact rewrites
 * (fused ops, RotaryEmbedding, (MultiHead)Attention, weight dequantization) must agree to float32 rounding: 1e-5 relative to the
 * output's max |value|. The dynamic-quantization pattern is fed activations on the
 * quantization grid (min 0, max 1, multiples of 1/255), where quantizing is exact, so the
 * straight-through rewrite must agree to the same bound.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/attribution/noise-tunnel.js';
import { decomposeModel } from '../../src/autodiff/decompose/index.js';
import { Graph, type AttrInput } from '../../src/onnx/ir.js';
import { encodeModel, type OnnxModel } from '../../src/onnx/model-io.js';
import type { ConstTensor } from '../../src/onnx/tensor.js';

const rand = mulberry32(11);
const floats = (n: number, lo = -1, hi = 1): Float32Array => Float32Array.from({ length: n }, () => lo + rand() * (hi - lo));
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
const c = (dtype: ConstTensor['dtype'], dims: number[], values: ConstTensor['values']): ConstTensor => ({ dtype, dims, ...(values ? { values } : {}) });

interface Case {
  name: string;
  build: (g: Graph) => void;
  feeds: Record<string, ort.Tensor>;
}

function model(build: (g: Graph) => void, feeds: Record<string, ort.Tensor>): OnnxModel {
  const g = new Graph();
  g.opset = 17;
  for (const [name, t] of Object.entries(feeds)) g.inputs.push({ name, dtype: t.type === 'int64' ? 'int64' : t.type === 'int32' ? 'int32' : 'float32', shape: [...t.dims] });
  build(g);
  g.reserveNames();
  return { graph: g, irVersion: 8, producerName: 'test', otherOpsets: [{ domain: 'com.microsoft', version: 1 }], source: new Uint8Array() };
}

function ms(g: Graph, op: string, inputs: string[], attrs: Record<string, AttrInput>, outputs: string[]): void {
  g.add(op, inputs, attrs);
  const n = g.nodes[g.nodes.length - 1];
  n.domain = op === 'SimplifiedLayerNormalization' ? '' : 'com.microsoft';
  n.outputs = outputs;
}

async function run(m: OnnxModel, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  // Unoptimised: ORT would otherwise fuse DequantizeLinear + MatMul into a dynamically quantized MatMul.
  const s = await ort.InferenceSession.create(encodeModel(m).bytes, { graphOptimizationLevel: 'disabled' });
  const out = await s.run(feeds);
  await s.release();
  return out[m.graph.outputs[0].name].data as Float32Array;
}

async function check(k: Case): Promise<{ diff: number; scale: number; ops: string[] }> {
  const m = model(k.build, k.feeds);
  const before = await run(m, k.feeds);
  const d = decomposeModel(m);
  const ops = d.model.graph.nodes.map((n) => `${n.domain}:${n.opType}`);
  const after = await run(d.model, k.feeds);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < before.length; i++) {
    diff = Math.max(diff, Math.abs(before[i] - after[i]));
    scale = Math.max(scale, Math.abs(before[i]));
  }
  return { diff, scale, ops };
}

const x = (dims: number[], lo = -2, hi = 2): ort.Tensor => new ort.Tensor('float32', floats(dims.reduce((a, b) => a * b, 1), lo, hi), dims);
const out = (g: Graph, dims: number[]): string => {
  g.outputs.push({ name: 'y', dtype: 'float32', shape: dims });
  return 'y';
};

const CASES: Case[] = [
  {
    name: 'MatMulNBits (4 bits, packed zero points, bias)',
    feeds: { a: x([2, 3, 64]) },
    build: (g) => {
      const B = g.constant(c('uint8', [5, 2, 16], bytes(160)));
      const scales = g.constant(c('float32', [10], floats(10, 0.01, 0.1)));
      const zp = g.constant(c('uint8', [5], bytes(5)));
      const bias = g.constant(c('float32', [5], floats(5)));
      ms(g, 'MatMulNBits', ['a', B, scales, zp, '', bias], { K: 64, N: 5, bits: 4, block_size: 32 }, [out(g, [2, 3, 5])]);
    },
  },
  {
    name: 'MatMulNBits (4 bits, no zero points)',
    feeds: { a: x([4, 32]) },
    build: (g) => {
      const B = g.constant(c('uint8', [3, 1, 16], bytes(48)));
      const scales = g.constant(c('float32', [3], floats(3, 0.01, 0.1)));
      ms(g, 'MatMulNBits', ['a', B, scales], { K: 32, N: 3, bits: 4, block_size: 32 }, [out(g, [4, 3])]);
    },
  },
  ...[0, 1].map((quantType) => ({
    name: `MatMulBnb4 (${quantType === 1 ? 'NF4' : 'FP4'})`,
    feeds: { a: x([3, 64]) },
    build: (g: Graph): void => {
      const B = g.constant(c('uint8', [(6 * 64) / 2], bytes(192)));
      const absmax = g.constant(c('float32', [12], floats(12, 0.1, 1)));
      ms(g, 'MatMulBnb4', ['a', B, absmax], { K: 64, N: 6, block_size: 32, quant_type: quantType }, [out(g, [3, 6])]);
    },
  })),
  {
    name: 'DynamicQuantizeLinear + ConvInteger + Cast + Mul (per-channel weight scales)',
    feeds: { x: new ort.Tensor('float32', Float32Array.from({ length: 2 * 3 * 6 * 6 }, (_, i) => (i === 0 ? 0 : i === 1 ? 1 : Math.floor(rand() * 256) / 255)), [2, 3, 6, 6]) },
    build: (g) => {
      const [q, s, zp] = g.add('DynamicQuantizeLinear', ['x'], {}, 3);
      const w = g.constant(c('uint8', [4, 3, 3, 3], bytes(108)));
      // ORT's ConvInteger takes a per-tensor weight zero point only.
      const wzp = g.constant(c('uint8', [], Uint8Array.from([131])));
      const ws = g.constant(c('float32', [4, 1, 1], floats(4, 0.001, 0.01)));
      const ci = g.op('ConvInteger', [q, w, zp, wzp], { pads: [1, 1, 1, 1] });
      const f = g.op('Cast', [ci], { to: 1 });
      const sc = g.op('Mul', [s, ws]);
      g.add('Mul', [f, sc]);
      g.nodes[g.nodes.length - 1].outputs = [out(g, [2, 4, 6, 6])];
    },
  },
  {
    name: 'DynamicQuantizeLinear + MatMulInteger (int8 weights, as model_int8.onnx) + Cast + Mul',
    feeds: { x: new ort.Tensor('float32', Float32Array.from({ length: 3 * 16 }, (_, i) => (i === 0 ? 0 : i === 1 ? 1 : Math.floor(rand() * 256) / 255)), [3, 16]) },
    build: (g) => {
      const [q, s, zp] = g.add('DynamicQuantizeLinear', ['x'], {}, 3);
      const w = g.constant(c('int8', [16, 5], bytes(80)));
      const wzp = g.constant(c('int8', [5], Uint8Array.from([0, 3, 253, 0, 1])));
      const mm = g.op('MatMulInteger', [q, w, zp, wzp]);
      const sc = g.op('Mul', [s, g.constant(c('float32', [5], floats(5, 0.001, 0.01)))]);
      g.add('Mul', [g.op('Cast', [mm], { to: 1 }), sc]);
      g.nodes[g.nodes.length - 1].outputs = [out(g, [3, 5])];
    },
  },
  {
    name: 'DequantizeLinear of a constant (int8, per axis)',
    feeds: { a: x([2, 4]) },
    build: (g) => {
      const w = g.constant(c('int8', [4, 3], Uint8Array.from(bytes(12)) as unknown as Uint8Array));
      const dq = g.op('DequantizeLinear', [w, g.constant(c('float32', [3], floats(3, 0.01, 0.1))), g.constant(c('int8', [3], Uint8Array.from([3, 250, 0])))], { axis: 1 });
      g.add('MatMul', ['a', dq]);
      g.nodes[g.nodes.length - 1].outputs = [out(g, [2, 3])];
    },
  },
  { name: 'Gelu', feeds: { x: x([2, 7]) }, build: (g) => ms(g, 'Gelu', ['x'], {}, [out(g, [2, 7])]) },
  { name: 'FastGelu (bias)', feeds: { x: x([2, 7]), b: x([7]) }, build: (g) => ms(g, 'FastGelu', ['x', 'b'], {}, [out(g, [2, 7])]) },
  { name: 'BiasGelu', feeds: { x: x([2, 7]), b: x([7]) }, build: (g) => ms(g, 'BiasGelu', ['x', 'b'], {}, [out(g, [2, 7])]) },
  { name: 'QuickGelu', feeds: { x: x([2, 7]) }, build: (g) => ms(g, 'QuickGelu', ['x'], { alpha: 1.5 }, [out(g, [2, 7])]) },
  {
    name: 'SkipLayerNormalization (beta, bias, sum output used)',
    feeds: { x: x([2, 3, 8]), s: x([2, 3, 8]), gamma: x([8]), beta: x([8]), bias: x([8]) },
    build: (g) => {
      ms(g, 'SkipLayerNormalization', ['x', 's', 'gamma', 'beta', 'bias'], { epsilon: 1e-5 }, [out(g, [2, 3, 8]), '', '', 'sum']);
      g.nodes.push({ opType: 'Mul', domain: '', name: 'use_sum', inputs: ['sum', 'y'], outputs: ['y2'], attrs: {} });
      g.outputs = [{ name: 'y2', dtype: 'float32', shape: [2, 3, 8] }];
    },
  },
  {
    name: 'SkipSimplifiedLayerNormalization',
    feeds: { x: x([2, 3, 8]), s: x([2, 3, 8]), gamma: x([8]) },
    build: (g) => ms(g, 'SkipSimplifiedLayerNormalization', ['x', 's', 'gamma'], { epsilon: 1e-6 }, [out(g, [2, 3, 8])]),
  },
  {
    name: 'SimplifiedLayerNormalization',
    feeds: { x: x([2, 3, 8]), gamma: x([8]) },
    build: (g) => ms(g, 'SimplifiedLayerNormalization', ['x', 'gamma'], { axis: -1, epsilon: 1e-6 }, [out(g, [2, 3, 8])]),
  },
  {
    name: 'RotaryEmbedding [B, N, S, h], position ids [B, S]',
    feeds: { x: x([2, 2, 5, 8]), pos: new ort.Tensor('int64', BigInt64Array.from([0, 1, 2, 3, 4, 3, 4, 5, 6, 7].map(BigInt)), [2, 5]) },
    build: (g) => {
      const angles = Array.from({ length: 16 * 4 }, (_, i) => Math.floor(i / 4) / 10 ** ((i % 4) / 4));
      const cos = g.constant(c('float32', [16, 4], Float32Array.from(angles, Math.cos)));
      const sin = g.constant(c('float32', [16, 4], Float32Array.from(angles, Math.sin)));
      ms(g, 'RotaryEmbedding', ['x', 'pos', cos, sin], {}, [out(g, [2, 2, 5, 8])]);
    },
  },
  {
    name: 'RotaryEmbedding [B, S, N*h] interleaved, num_heads, offset position',
    feeds: { x: x([2, 5, 16]), pos: new ort.Tensor('int64', BigInt64Array.from([3n]), [1]) },
    build: (g) => {
      const angles = Array.from({ length: 16 * 4 }, (_, i) => Math.floor(i / 4) * 0.3 / (1 + (i % 4)));
      const cos = g.constant(c('float32', [16, 4], Float32Array.from(angles, Math.cos)));
      const sin = g.constant(c('float32', [16, 4], Float32Array.from(angles, Math.sin)));
      ms(g, 'RotaryEmbedding', ['x', 'pos', cos, sin], { interleaved: 1, num_heads: 2 }, [out(g, [2, 5, 16])]);
    },
  },
  {
    name: 'MultiHeadAttention (bias, key padding mask, attention bias)',
    feeds: {
      q: x([2, 3, 8], -1, 1),
      k: x([2, 4, 8], -1, 1),
      v: x([2, 4, 8], -1, 1),
      mask: new ort.Tensor('int32', Int32Array.from([1, 1, 1, 1, 1, 1, 0, 0]), [2, 4]),
      ab: x([1, 2, 3, 4], -1, 1),
    },
    build: (g) => {
      const bias = g.constant(c('float32', [24], floats(24)));
      ms(g, 'MultiHeadAttention', ['q', 'k', 'v', bias, 'mask', 'ab'], { num_heads: 2 }, [out(g, [2, 3, 8])]);
    },
  },
  {
    name: 'MultiHeadAttention (plain, scale)',
    feeds: { q: x([1, 5, 8], -1, 1), k: x([1, 5, 8], -1, 1), v: x([1, 5, 8], -1, 1) },
    build: (g) => ms(g, 'MultiHeadAttention', ['q', 'k', 'v'], { num_heads: 4, scale: 0.3 }, [out(g, [1, 5, 8])]),
  },
  {
    name: 'Attention (packed weights, bias, raw [B, S] mask)',
    feeds: { xin: x([2, 4, 8], -1, 1), mask: new ort.Tensor('int32', Int32Array.from([1, 1, 1, 0, 1, 1, 1, 1]), [2, 4]) },
    build: (g) => {
      const w = g.constant(c('float32', [8, 24], floats(8 * 24, -0.5, 0.5)));
      const bias = g.constant(c('float32', [24], floats(24)));
      ms(g, 'Attention', ['xin', w, bias, 'mask'], { num_heads: 2 }, [out(g, [2, 4, 8])]);
    },
  },
];

describe('decomposition agrees with ONNX Runtime', () => {
  for (const k of CASES) {
    it(k.name, async () => {
      const r = await check(k);
      expect(r.ops.some((o) => o.startsWith('com.microsoft') || /Integer|Quantize|SimplifiedLayer/.test(o))).toBe(false);
      expect(r.scale).toBeGreaterThan(0);
      expect(r.diff).toBeLessThanOrEqual(1e-5 * r.scale);
    });
  }
});
