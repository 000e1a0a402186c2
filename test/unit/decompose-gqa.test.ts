/**
 * GroupQueryAttention's decomposition against onnxruntime-node running the com.microsoft op
 * itself, on small random cases: every output (attention, present key, present value) must
 * agree within 1e-5 x max |output|. Then the decomposed graph's backward, built by the
 * gradient builder, against central finite differences of the op as ORT runs it.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/attribution/noise-tunnel.js';
import { buildGradientGraph } from '../../src/autodiff/build.js';
import { decomposeModel } from '../../src/autodiff/decompose/index.js';
import { ModelError } from '../../src/errors.js';
import { Graph, type AttrInput } from '../../src/onnx/ir.js';
import { encodeModel, type OnnxModel } from '../../src/onnx/model-io.js';
import { f32 } from '../../src/onnx/tensor.js';

const rand = mulberry32(23);
const floats = (n: number, lo = -1, hi = 1): Float32Array => Float32Array.from({ length: n }, () => lo + rand() * (hi - lo));
const x = (dims: number[]): ort.Tensor => new ort.Tensor('float32', floats(dims.reduce((a, b) => a * b, 1)), dims);
const i32 = (v: number[], dims: number[]): ort.Tensor => new ort.Tensor('int32', Int32Array.from(v), dims);

interface Gqa {
  name: string;
  B: number;
  S: number;
  /** Past length (0: an empty past input; undefined: no past input). */
  P?: number;
  N: number;
  Nkv: number;
  h: number;
  packed?: boolean;
  /** Rotary width (cos cache columns x 2); undefined: no rotary. */
  rotary?: number;
  interleaved?: boolean;
  seqlens?: number[];
  /** Explicit rotary position ids [B, S]. */
  positions?: number[];
  /** An additive attention bias of this shape. */
  bias?: number[];
  attrs?: Record<string, AttrInput>;
}

function build(k: Gqa): { m: OnnxModel; feeds: Record<string, ort.Tensor> } {
  const { B, S, N, Nkv, h } = k;
  const P = k.P ?? 0;
  const feeds: Record<string, ort.Tensor> = {};
  const g = new Graph();
  g.opset = 17;
  const input = (name: string, t: ort.Tensor): string => {
    feeds[name] = t;
    g.inputs.push({ name, dtype: t.type === 'int32' ? 'int32' : t.type === 'int64' ? 'int64' : 'float32', shape: [...t.dims] });
    return name;
  };
  const q = input('q', x([B, S, k.packed ? (N + 2 * Nkv) * h : N * h]));
  const kk = k.packed ? '' : input('k', x([B, S, Nkv * h]));
  const v = k.packed ? '' : input('v', x([B, S, Nkv * h]));
  const pk = k.P === undefined ? '' : input('past_k', x([B, Nkv, P, h]));
  const pv = k.P === undefined ? '' : input('past_v', x([B, Nkv, P, h]));
  const seqlens = input('seqlens', i32(k.seqlens ?? Array.from({ length: B }, () => P + S - 1), [B]));
  const total = input('total', i32([P + S], []));
  const inputs = [q, kk, v, pk, pv, seqlens, total];
  if (k.rotary) {
    const half = k.rotary / 2;
    const angles = Array.from({ length: 32 * half }, (_, i) => Math.floor(i / half) * 0.37 / (1 + (i % half)));
    inputs.push(g.constant(f32(Float32Array.from(angles, Math.cos), [32, half]), 'cos'), g.constant(f32(Float32Array.from(angles, Math.sin), [32, half]), 'sin'));
  }
  if (k.positions || k.bias) {
    if (!k.rotary) inputs.push('', '');
    inputs.push(k.positions ? input('pos', new ort.Tensor('int64', BigInt64Array.from(k.positions.map(BigInt)), [B, S])) : '');
    if (k.bias) inputs.push(input('bias', x(k.bias)));
  }
  const outputs = ['y', 'present_k', 'present_v'];
  g.add('GroupQueryAttention', inputs, { num_heads: N, kv_num_heads: Nkv, do_rotary: k.rotary ? 1 : 0, rotary_interleaved: k.interleaved ? 1 : 0, ...k.attrs }, 3, 'com.microsoft');
  g.nodes[g.nodes.length - 1].outputs = outputs;
  g.outputs.push({ name: 'y', dtype: 'float32', shape: [B, S, N * h] });
  for (const o of outputs.slice(1)) g.outputs.push({ name: o, dtype: 'float32', shape: [B, Nkv, P + S, h] });
  g.reserveNames();
  return { m: { graph: g, irVersion: 8, producerName: 'test', otherOpsets: [{ domain: 'com.microsoft', version: 1 }], source: new Uint8Array() }, feeds };
}

async function run(m: OnnxModel, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(encodeModel(m).bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  const out = await s.run(feeds);
  await s.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
}

const CASES: Gqa[] = [
  { name: 'separate QKV, N 4 / Nkv 2, empty past', B: 2, S: 5, P: 0, N: 4, Nkv: 2, h: 8 },
  { name: 'no past inputs, N 2 / Nkv 2', B: 1, S: 4, N: 2, Nkv: 2, h: 8 },
  { name: 'packed QKV, N 4 / Nkv 1, rotary', B: 2, S: 4, P: 0, N: 4, Nkv: 1, h: 16, packed: true, rotary: 16 },
  { name: 'rotary interleaved, N 6 / Nkv 2, right padding (seqlens_k 4 and 2)', B: 2, S: 5, P: 0, N: 6, Nkv: 2, h: 16, rotary: 16, interleaved: true, seqlens: [4, 2] },
  { name: 'partial rotary (16 of 32), N 2 / Nkv 1', B: 1, S: 3, P: 0, N: 2, Nkv: 1, h: 32, rotary: 16 },
  { name: 'past of length 3, S 2, N 4 / Nkv 2, rotary', B: 1, S: 2, P: 3, N: 4, Nkv: 2, h: 16, rotary: 16 },
  { name: 'one new token after a past of length 4, batch 2, N 2 / Nkv 1, rotary interleaved', B: 2, S: 1, P: 4, N: 2, Nkv: 1, h: 16, rotary: 16, interleaved: true },
  { name: 'attention bias [B, N, S, T]', B: 2, S: 3, P: 0, N: 2, Nkv: 1, h: 8, bias: [2, 2, 3, 3] },
  { name: 'attention bias [1, 1, S, T]', B: 2, S: 3, P: 0, N: 2, Nkv: 1, h: 8, bias: [1, 1, 3, 3] },
  { name: 'scale, softcap and local window 2', B: 1, S: 6, P: 0, N: 2, Nkv: 1, h: 8, attrs: { scale: 0.7, softcap: 2.5, local_window_size: 2 } },
];

describe('GroupQueryAttention decomposition agrees with ONNX Runtime', () => {
  for (const k of CASES) {
    it(k.name, async () => {
      const { m, feeds } = build(k);
      const before = await run(m, feeds);
      const d = decomposeModel(m);
      expect(d.rewritten).toEqual({ GroupQueryAttention: 1 });
      expect(d.model.graph.nodes.some((n) => n.domain === 'com.microsoft')).toBe(false);
      const after = await run(d.model, feeds);
      for (const o of ['y', 'present_k', 'present_v']) {
        let diff = 0;
        let scale = 0;
        for (let i = 0; i < before[o].length; i++) {
          diff = Math.max(diff, Math.abs(before[o][i] - after[o][i]));
          scale = Math.max(scale, Math.abs(before[o][i]));
        }
        expect(after[o].length, o).toBe(before[o].length);
        expect(scale, o).toBeGreaterThan(0);
        expect(diff, `${o}: ${diff} vs scale ${scale}`).toBeLessThanOrEqual(1e-5 * scale);
      }
    });
  }

  it('refuses forms it cannot rewrite exactly, naming the node', () => {
    const { m } = build({ name: '', B: 1, S: 2, P: 0, N: 2, Nkv: 1, h: 8, attrs: { smooth_softmax: 1 } });
    m.graph.nodes[0].name = 'layers.0.attn';
    expect(() => decomposeModel(m)).toThrow(ModelError);
    expect(() => decomposeModel(m)).toThrow(/layers\.0\.attn.*smooth softmax/);
    // ORT's CPU kernel ignores these position ids (a first prompt), other kernels may not.
    const withIds = build({ name: '', B: 1, S: 3, P: 0, N: 2, Nkv: 1, h: 16, rotary: 16, positions: [0, 2, 4] }).m;
    expect(() => decomposeModel(withIds)).toThrow(/position_ids/);
  });
});

describe('GroupQueryAttention decomposition has a backward', () => {
  it('gradient of sum(y * proj) w.r.t. query, key and value matches finite differences of the op', async () => {
    const k: Gqa = { name: '', B: 1, S: 3, P: 0, N: 2, Nkv: 1, h: 16, rotary: 16 };
    const { m, feeds } = build(k);
    m.graph.outputs = m.graph.outputs.slice(0, 1);
    const proj = floats(k.B * k.S * k.N * k.h);
    const wrt = ['q', 'k', 'v'];
    const gg = buildGradientGraph(decomposeModel(m).model, { wrt, head: { kind: 'projection', output: 'y' } });
    const s = await ort.InferenceSession.create(encodeModel(gg.model).bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    const gf: Record<string, ort.Tensor> = { gs_projection: new ort.Tensor('float32', proj, [k.B, k.S, k.N * k.h]) };
    for (const inp of gg.inputs) if (feeds[inp.name]) gf[inp.name] = feeds[inp.name];
    const grads = await s.run(gf);
    // F through the com.microsoft op itself, in float32, differenced with a step where
    // rounding (~1e-7 / h) and truncation (~h^2) are both below 1e-4.
    const ref = await ort.InferenceSession.create(encodeModel(m).bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    const F = async (f: Record<string, ort.Tensor>): Promise<number> => {
      const y = (await ref.run(f)).y.data as Float32Array;
      let sum = 0;
      for (let i = 0; i < y.length; i++) sum += y[i] * proj[i];
      return sum;
    };
    const step = 1e-2;
    let worst = 0;
    let maxFd = 0;
    for (const name of wrt) {
      const base = feeds[name].data as Float32Array;
      const analytic = grads[gg.grads[name]].data as Float32Array;
      for (let i = 0; i < base.length; i++) {
        const at = (d: number): Record<string, ort.Tensor> => {
          const v = Float32Array.from(base);
          v[i] += d;
          return { ...feeds, [name]: new ort.Tensor('float32', v, feeds[name].dims) };
        };
        const fd = ((await F(at(step))) - (await F(at(-step)))) / (2 * step);
        worst = Math.max(worst, Math.abs(analytic[i] - fd) / (1 + Math.abs(fd)));
        maxFd = Math.max(maxFd, Math.abs(fd));
      }
    }
    await s.release();
    await ref.release();
    expect(maxFd).toBeGreaterThan(1e-2);
    expect(worst).toBeLessThan(1e-3);
  });
});
