/**
 * The files a transformers.js repository ships beside `model.onnx`, written from the
 * regenerated fp32 weights of distilbert-base (bench/weights.ts) into the gitignored
 * `bench/.cache/models/distilbert-base-dtypes/onnx/`, never committed:
 *
 * - `model_quantized.onnx` (q8): onnxruntime's dynamic pattern: every MatMul with a constant
 *   weight becomes DynamicQuantizeLinear -> MatMulInteger (uint8 weights, per-column scale and
 *   zero point) -> Cast -> Mul(activation scale * weight scales); embedding tables become uint8
 *   Gather + DequantizeLinear (per tensor);
 * - `model_q4.onnx` (q4): every MatMul with a constant weight becomes com.microsoft
 *   MatMulNBits (4 bits, block 32, uint8 zero points), as transformers.js's q4 files;
 * - `model_fp16.onnx` (fp16): every float32 weight stored as float16 and cast back to float32
 *   where it is read. The download is that of a real fp16 file; the graph computes in float32
 *   (a real fp16 export computes in float16; gradscope upcasts it to this form at load anyway).
 *
 * Quantization uses round-to-nearest asymmetric min/max ranges, as onnxruntime's quantizers.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rawBytes, readWeight } from '../src/autodiff/decompose/weights.js';
import type { Graph } from '../src/onnx/ir.js';
import { decodeModel, encodeModel, type OnnxModel } from '../src/onnx/model-io.js';
import type { ConstTensor } from '../src/onnx/tensor.js';
import { CACHE, ensureModel } from './weights.js';

/** The folder holding all dtypes of distilbert-base. */
export const DTYPE_MODEL = join(CACHE, 'distilbert-base-dtypes');

function u8(values: Uint8Array, dims: number[]): ConstTensor {
  return { dtype: 'uint8', dims, values };
}

/** uint8 asymmetric quantization of `w` per column (last axis, `cols` columns) or per tensor. */
function quantizeU8(w: Float32Array, cols: number): { q: Uint8Array; scale: Float32Array; zp: Uint8Array } {
  const min = new Float32Array(cols).fill(0);
  const max = new Float32Array(cols).fill(0);
  for (let i = 0; i < w.length; i++) {
    const c = i % cols;
    if (w[i] < min[c]) min[c] = w[i];
    if (w[i] > max[c]) max[c] = w[i];
  }
  const scale = Float32Array.from(min, (lo, c) => (max[c] - lo) / 255 || 1);
  const zp = Uint8Array.from(min, (lo, c) => Math.min(255, Math.max(0, Math.round(-lo / scale[c]))));
  const q = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const c = i % cols;
    q[i] = Math.min(255, Math.max(0, Math.round(w[i] / scale[c]) + zp[c]));
  }
  return { q, scale, zp };
}

/** MatMul nodes whose second input is a constant 2-D weight. */
function weightMatMuls(g: Graph): { node: Graph['nodes'][number]; w: ConstTensor }[] {
  return g.nodes.flatMap((n) => {
    const w = n.opType === 'MatMul' ? g.initializers.get(n.inputs[1]) : undefined;
    return w && w.dims.length === 2 && w.dtype === 'float32' ? [{ node: n, w }] : [];
  });
}

function toQ8(model: OnnxModel, external: { path: string; data: Uint8Array }[]): OnnxModel {
  const g = model.graph;
  for (const { node, w } of weightMatMuls(g)) {
    const [K, N] = w.dims;
    const { q, scale, zp } = quantizeU8(readWeight(w, external), N);
    const [xq, xs, xzp] = g.add('DynamicQuantizeLinear', [node.inputs[0]], {}, 3);
    const mm = g.op('MatMulInteger', [xq, g.constant(u8(q, [K, N]), 'w_q8'), xzp, g.constant(u8(zp, [N]), 'w_zp')]);
    const f = g.op('Cast', [mm], { to: 1 });
    const sc = g.op('Mul', [xs, g.constant({ dtype: 'float32', dims: [N], values: scale }, 'w_scale')]);
    Object.assign(node, { opType: 'Mul', inputs: [f, sc] });
  }
  for (const n of [...g.nodes]) {
    const table = n.opType === 'Gather' ? g.initializers.get(n.inputs[0]) : undefined;
    if (!table || table.dtype !== 'float32' || table.dims.length !== 2) continue;
    const { q, scale, zp } = quantizeU8(readWeight(table, external), 1);
    const out = n.outputs[0];
    n.outputs = [g.fresh('gather_q8')];
    n.inputs[0] = g.constant(u8(q, table.dims), 'table_q8');
    g.nodes.push({ opType: 'DequantizeLinear', domain: '', name: g.fresh('dq'), inputs: [n.outputs[0], g.constant({ dtype: 'float32', dims: [], values: scale }, 's'), g.constant(u8(zp, []), 'zp')], outputs: [out], attrs: {} });
  }
  g.removeDeadCode();
  g.topoSort();
  return model;
}

function toQ4(model: OnnxModel, external: { path: string; data: Uint8Array }[]): OnnxModel {
  const g = model.graph;
  const BLOCK = 32;
  for (const { node, w } of weightMatMuls(g)) {
    const [K, N] = w.dims;
    const v = readWeight(w, external);
    const blocks = Math.ceil(K / BLOCK);
    const B = new Uint8Array(N * blocks * (BLOCK / 2));
    const scales = new Float32Array(N * blocks);
    const zps = new Uint8Array(N * Math.ceil(blocks / 2));
    for (let n = 0; n < N; n++) {
      for (let b = 0; b < blocks; b++) {
        let lo = 0;
        let hi = 0;
        for (let k = b * BLOCK; k < Math.min(K, (b + 1) * BLOCK); k++) {
          lo = Math.min(lo, v[k * N + n]);
          hi = Math.max(hi, v[k * N + n]);
        }
        const s = (hi - lo) / 15 || 1;
        const zp = Math.min(15, Math.max(0, Math.round(-lo / s)));
        scales[n * blocks + b] = s;
        zps[n * Math.ceil(blocks / 2) + (b >> 1)] |= zp << ((b & 1) * 4);
        for (let j = 0; j < BLOCK && b * BLOCK + j < K; j++) {
          const code = Math.min(15, Math.max(0, Math.round(v[(b * BLOCK + j) * N + n] / s) + zp));
          B[(n * blocks + b) * (BLOCK / 2) + (j >> 1)] |= code << ((j & 1) * 4);
        }
      }
    }
    Object.assign(node, {
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      inputs: [node.inputs[0], g.constant(u8(B, [N, blocks, BLOCK / 2]), 'w_q4'), g.constant({ dtype: 'float32', dims: [N * blocks], values: scales }, 'w_scales'), g.constant(u8(zps, [zps.length]), 'w_zp')],
      attrs: { K: { type: 'int', value: K }, N: { type: 'int', value: N }, bits: { type: 'int', value: 4 }, block_size: { type: 'int', value: BLOCK } },
    });
  }
  if (!model.otherOpsets.some((o) => o.domain === 'com.microsoft')) model.otherOpsets = [...model.otherOpsets, { domain: 'com.microsoft', version: 1 }];
  g.removeDeadCode();
  g.topoSort();
  return model;
}

/** float32 -> IEEE half bits (round to nearest even; overflow to infinity). */
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
function toHalf(f: number): number {
  F32[0] = f;
  const x = U32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  const h = sign | (exp << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  return rest > 0x1000 || (rest === 0x1000 && (h & 1)) ? h + 1 : h;
}

function toFp16(model: OnnxModel, external: { path: string; data: Uint8Array }[]): OnnxModel {
  const g = model.graph;
  const consumers = g.consumers();
  for (const [name, t] of [...g.initializers]) {
    if (t.dtype !== 'float32' || !(consumers.get(name)?.length)) continue;
    const v = readWeight(t, external);
    const half = new Uint16Array(v.length);
    for (let i = 0; i < v.length; i++) half[i] = toHalf(v[i]);
    const stored = g.constant({ dtype: 'float16', dims: t.dims, values: new Uint8Array(half.buffer) }, 'w_fp16');
    g.initializers.delete(name);
    g.nodes.push({ opType: 'Cast', domain: '', name: g.fresh('cast'), inputs: [stored], outputs: [name], attrs: { to: { type: 'int', value: 1 } } });
  }
  g.topoSort();
  return model;
}

/** Every weight still stored in the fp32 file's `model.onnx_data` copied into the model itself. */
function inlineExternal(model: OnnxModel, external: { path: string; data: Uint8Array }[]): OnnxModel {
  for (const [name, t] of model.graph.initializers) {
    if (t.proto?.dataLocation !== 1) continue;
    const bytes = rawBytes(t, external);
    model.graph.initializers.set(name, { ...t, proto: { ...t.proto, dataLocation: 0, externalData: [], rawData: bytes ?? new Uint8Array() } });
  }
  return model;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Writes the dtype files (once; later calls find them) and returns the folder. */
export async function ensureDtypeFiles(log: (line: string) => void): Promise<string> {
  const base = await ensureModel('distilbert-base-random', log);
  const onnxDir = join(DTYPE_MODEL, 'onnx');
  await mkdir(onnxDir, { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']) {
    if (await exists(join(base, f))) await writeFile(join(DTYPE_MODEL, f), await readFile(join(base, f)));
  }
  const graph = new Uint8Array(await readFile(join(base, 'onnx/model.onnx')));
  const data = new Uint8Array(await readFile(join(base, 'onnx/model.onnx_data')));
  const external = [{ path: 'model.onnx_data', data }];
  const jobs: [string, (m: OnnxModel) => OnnxModel][] = [
    ['model.onnx', (m) => m],
    ['model_quantized.onnx', (m) => toQ8(m, external)],
    ['model_q4.onnx', (m) => toQ4(m, external)],
    ['model_fp16.onnx', (m) => toFp16(m, external)],
  ];
  for (const [file, make] of jobs) {
    const path = join(onnxDir, file);
    if (await exists(path)) continue;
    const t0 = performance.now();
    if (file === 'model.onnx') {
      await writeFile(path, graph);
      await writeFile(join(onnxDir, 'model.onnx_data'), data);
    } else {
      await writeFile(path, encodeModel(inlineExternal(make(decodeModel(graph)), external)).bytes);
    }
    log(`wrote ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return DTYPE_MODEL;
}
