/**
 * Gradient check of one backward rule, called directly with a hand-made VjpContext (no
 * builder): the forward node plus the rule's backward nodes run in onnxruntime-node (float32),
 * and the result is compared with central finite differences of F = sum_k <y_k, p_k> computed
 * in float64, either by ORT's CPU EP on a float64 copy of the one-node model or by a float64
 * reference supplied by the test (ORT has no float64 Conv/AveragePool kernels).
 *
 * Set GS_WEBGPU=1 (with LD_LIBRARY_PATH=/usr/lib/chromium
 * VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, see notes/runtime-facts.md §8)
 * to also run every backward graph on the WebGPU EP and compare it with the CPU result.
 */
import { mulberry32 } from '../../../src/attribution/noise-tunnel.js';
import * as ort from 'onnxruntime-node';
import { unbroadcast } from '../../../src/autodiff/broadcast.js';
import type { VjpContext, VjpRule } from '../../../src/autodiff/rule.js';
import { Graph, type AttrInput, type Dim, type TensorType } from '../../../src/onnx/ir.js';
import { encodeModel } from '../../../src/onnx/model-io.js';
import { readNumbers, sizeOf, type ConstTensor } from '../../../src/onnx/tensor.js';

/** One input of the forward node. */
export interface GcInput {
  /** Concrete dims of the test value. */
  dims: number[];
  /**
   * float: differentiated float32 graph input. weight: float constant (not differentiated).
   * const-int: int64 initializer. runtime-int: int64 graph input (known only at run time).
   */
  kind: 'float' | 'weight' | 'const-int' | 'runtime-int';
  /** Values (floats random in [-1, 1) when absent). bigint for int64 sentinels. */
  values?: readonly (number | bigint)[];
  /** The shape the rule is told (symbols allowed); defaults to `dims`. */
  declared?: Dim[];
}

/** What to check. */
export interface GcSpec {
  op: string;
  /** Inputs in order; '' for an omitted optional input. */
  inputs: (GcInput | '')[];
  attrs?: Record<string, AttrInput>;
  nOutputs?: number;
  /** Output shapes the rule is told (symbols allowed); default: the concrete shapes. */
  declaredOutputs?: Dim[][];
  /** Outputs that get no gradient (the rule sees undefined). */
  noGradOutputs?: number[];
  /** Skip the GS_WEBGPU=1 run (for forward nodes WebGPU cannot run, like MaxPool with Indices). */
  skipWebgpu?: boolean;
  /** Outputs of type int64 (e.g. MaxPool's Indices); they must be in noGradOutputs. */
  int64Outputs?: number[];
  rule: VjpRule;
  /** Float64 forward reference: inputs by index (floats and weights) -> flattened outputs. */
  reference?: (inputs: Float64Array[]) => Float64Array[];
  /**
   * For ops linear in the differentiated inputs that ORT has no float64 kernel for (Conv,
   * AveragePool): evaluate F with ORT's float32 kernels, which are the ground truth of the
   * op's semantics (padding, ceil_mode, count_include_pad), and difference with a step of 1.
   * Linearity makes the difference exact; F itself is accumulated in float64, so the error
   * is float32 rounding of the outputs (~1e-7 relative).
   */
  linearFloat32?: boolean;
  /** Finite-difference step (the ops checked here are piecewise linear: tiny steps are exact). */
  eps?: number;
  /** Values for float inputs are a shuffled grid with gaps >> eps (no ties, e.g. for MaxPool). */
  distinct?: boolean;
}

/** Result of a check. */
export interface GcResult {
  /** max |analytic - finite difference| over every differentiated element. */
  maxAbsErr: number;
  /** max |fd| (scale of the gradient, to judge the error). */
  maxAbsGrad: number;
  /** Op types the rule emitted. */
  emittedOps: string[];
  /** The analytic gradient per differentiated input index (float32, from the CPU EP). */
  grads: Map<number, Float32Array>;
  /** max |webgpu - cpu| of the backward outputs when GS_WEBGPU=1, else undefined. */
  webgpuMaxDiff?: number;
  /**
   * With GS_WEBGPU=1: whether the WebGPU EP claims every node of the forward+backward graph
   * (a session with CPU fallback disabled can be created). int64 shape math always falls back.
   */
  webgpuOnly?: boolean;
}

/** Deterministic PRNG. */
export const rng = mulberry32;

function toBigInts(values: readonly (number | bigint)[]): BigInt64Array {
  return BigInt64Array.from(values.map((v) => (typeof v === 'bigint' ? v : BigInt(v))));
}

const inName = (i: number): string => `in${i}`;
const outName = (k: number): string => `y${k}`;

/** The one-node forward graph, float inputs as `dtype`. */
function forwardGraph(spec: GcSpec, floats: Map<number, Float64Array>, dtype: 'float32' | 'float64', declare: boolean): Graph {
  const g = new Graph();
  g.opset = 17;
  spec.inputs.forEach((inp, i) => {
    if (inp === '') return;
    const name = inName(i);
    const shape = declare ? inp.declared ?? inp.dims : inp.dims;
    if (inp.kind === 'float') g.inputs.push({ name, dtype, shape });
    else if (inp.kind === 'runtime-int') g.inputs.push({ name, dtype: 'int64', shape });
    else if (inp.kind === 'const-int') g.initializers.set(name, { dtype: 'int64', dims: inp.dims, values: toBigInts(inp.values ?? []) });
    else {
      const v = floats.get(i) as Float64Array;
      g.initializers.set(name, { dtype, dims: inp.dims, values: dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v) });
    }
  });
  const outs = Array.from({ length: spec.nOutputs ?? 1 }, (_, k) => outName(k));
  g.nodes.push({
    opType: spec.op,
    domain: '',
    name: 'forward',
    inputs: spec.inputs.map((inp, i) => (inp === '' ? '' : inName(i))),
    outputs: outs,
    attrs: {},
  });
  // Tag attributes the way Graph.add does (via a throwaway node).
  const tmp = new Graph();
  tmp.add(spec.op, [], spec.attrs ?? {});
  g.nodes[0].attrs = tmp.nodes[0].attrs;
  g.reserveNames();
  return g;
}

function encode(g: Graph): Uint8Array {
  return encodeModel({ graph: g, irVersion: 8, producerName: 'gradcheck', otherOpsets: [], source: new Uint8Array() }).bytes;
}

/** Runs the gradient check. */
export async function gradcheck(spec: GcSpec, seed = 1): Promise<GcResult> {
  const rand = rng(seed);
  const floats = new Map<number, Float64Array>();
  spec.inputs.forEach((inp, i) => {
    if (inp === '' || (inp.kind !== 'float' && inp.kind !== 'weight')) return;
    const n = sizeOf(inp.dims);
    let v: Float64Array;
    if (inp.values) v = Float64Array.from(inp.values, Number);
    else if (spec.distinct) {
      // A shuffled grid: every pair differs by >= 2/n, so no finite-difference step flips a max.
      v = Float64Array.from({ length: n }, (_, k) => -1 + (2 * k) / n);
      for (let k = n - 1; k > 0; k--) {
        const j = Math.floor(rand() * (k + 1));
        [v[k], v[j]] = [v[j], v[k]];
      }
    } else v = Float64Array.from({ length: n }, () => rand() * 2 - 1);
    // Round to float32 so the float32 graph and the float64 reference see the same point.
    floats.set(i, Float64Array.from(Float32Array.from(v)));
  });
  const feeds32 = (): Record<string, ort.Tensor> => {
    const f: Record<string, ort.Tensor> = {};
    spec.inputs.forEach((inp, i) => {
      if (inp === '') return;
      if (inp.kind === 'float') f[inName(i)] = new ort.Tensor('float32', Float32Array.from(floats.get(i) as Float64Array), inp.dims);
      if (inp.kind === 'runtime-int') f[inName(i)] = new ort.Tensor('int64', toBigInts(inp.values ?? []), inp.dims);
    });
    return f;
  };

  // 1. Forward in float32 for the output shapes.
  const fwd = forwardGraph(spec, floats, 'float32', false);
  const nOut = spec.nOutputs ?? 1;
  const outType = (k: number, dtype: 'float32' | 'float64'): 'float32' | 'float64' | 'int64' => (spec.int64Outputs?.includes(k) ? 'int64' : dtype);
  fwd.outputs = Array.from({ length: nOut }, (_, k) => ({ name: outName(k), dtype: outType(k, 'float32') }));
  const fwdSession = await ort.InferenceSession.create(encode(fwd));
  const fwdOut = await fwdSession.run(feeds32());
  const outDims = Array.from({ length: nOut }, (_, k) => fwdOut[outName(k)].dims.map(Number));
  const projections = outDims.map((d) => Float64Array.from(Float32Array.from({ length: sizeOf(d) }, () => rand() * 2 - 1)));

  // 2. Backward graph: forward node + projection inputs + the rule's nodes.
  const g = forwardGraph(spec, floats, 'float32', true);
  const types = new Map<string, TensorType>();
  spec.inputs.forEach((inp, i) => {
    if (inp === '') return;
    types.set(inName(i), { dtype: inp.kind === 'float' || inp.kind === 'weight' ? 'float32' : 'int64', shape: inp.declared ?? inp.dims });
  });
  outDims.forEach((d, k) => types.set(outName(k), { dtype: 'float32', shape: spec.declaredOutputs?.[k] ?? d }));
  const gy: (string | undefined)[] = outDims.map((d, k) => {
    if (spec.noGradOutputs?.includes(k)) return undefined;
    g.inputs.push({ name: `p${k}`, dtype: 'float32', shape: spec.declaredOutputs?.[k] ?? d });
    return `p${k}`;
  });
  const shapeCache = new Map<string, string>();
  const node = g.nodes[0];
  const shape = (name: string): Dim[] => {
    const s = types.get(name)?.shape;
    if (!s) throw new Error(`gradcheck: no shape for ${name}`);
    return s;
  };
  const constOf = (name: string): ConstTensor | undefined => g.initializers.get(name);
  const ctx: VjpContext = {
    g,
    node,
    needsGrad: (i) => {
      const inp = spec.inputs[i];
      return inp !== undefined && inp !== '' && inp.kind === 'float';
    },
    type: (name) => types.get(name),
    rank: (name) => shape(name).length,
    shape,
    shapeOf: (name) => {
      let s = shapeCache.get(name);
      if (!s) {
        s = g.op('Shape', [name]);
        shapeCache.set(name, s);
      }
      return s;
    },
    unbroadcast: (grad, a, b) => unbroadcast(g, grad, shape(a), shape(b), node),
    constInts: (name) => {
      const t = constOf(name);
      return t && t.dtype !== 'float32' && t.dtype !== 'float64' ? readNumbers(t) : undefined;
    },
    constFloats: (name) => {
      const t = constOf(name);
      return t ? readNumbers(t) : undefined;
    },
  };
  const nBefore = g.nodes.length;
  const grads = spec.rule(ctx, gy);
  const emittedOps = [...new Set(g.nodes.slice(nBefore).map((n) => n.opType))];
  const wrt = spec.inputs.map((inp, i) => (inp !== '' && inp.kind === 'float' ? i : -1)).filter((i) => i >= 0);
  g.outputs = wrt.map((i) => {
    const gi = grads[i];
    if (!gi) throw new Error(`gradcheck: rule returned no gradient for input ${i}`);
    const name = `grad${i}`;
    g.nodes.push({ opType: 'Identity', domain: '', name: `out_${name}`, inputs: [gi], outputs: [name], attrs: {} });
    return { name, dtype: 'float32' as const };
  });
  const bytes = encode(g);
  const bwdFeeds = feeds32();
  gy.forEach((p, k) => {
    if (p) bwdFeeds[p] = new ort.Tensor('float32', Float32Array.from(projections[k]), outDims[k]);
  });
  const bwd = await (await ort.InferenceSession.create(bytes)).run(bwdFeeds);

  let webgpuMaxDiff: number | undefined;
  let webgpuOnly: boolean | undefined;
  if (process.env.GS_WEBGPU === '1' && !spec.skipWebgpu) {
    webgpuOnly = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], logSeverityLevel: 4, extra: { session: { disable_cpu_ep_fallback: '1' } } }).then(
      () => true,
      () => false,
    );
    const gpu = await (await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] })).run(bwdFeeds);
    webgpuMaxDiff = 0;
    for (const i of wrt) {
      const a = bwd[`grad${i}`].data as Float32Array;
      const b = gpu[`grad${i}`].data as Float32Array;
      for (let k = 0; k < a.length; k++) webgpuMaxDiff = Math.max(webgpuMaxDiff, Math.abs(a[k] - b[k]));
    }
  }

  // 3. Central finite differences of F in float64.
  const evalF = spec.reference
    ? referenceF(spec.reference, projections, spec.noGradOutputs)
    : await ortForwardF(spec, floats, projections, spec.linearFloat32 ? 'float32' : 'float64');
  return { ...(await finish(spec, floats, wrt, bwd, evalF, emittedOps, webgpuMaxDiff)), webgpuOnly };
}

type EvalF = (xs: Float64Array[]) => Promise<number>;

/** F from the test's float64 reference. */
function referenceF(reference: (xs: Float64Array[]) => Float64Array[], projections: Float64Array[], skip: number[] | undefined): EvalF {
  return async (xs) => dotF(reference(xs), projections, skip);
}

/** F from ORT's CPU EP on the one-node model (a float64 copy, or float32 for linear ops). */
async function ortForwardF(spec: GcSpec, floats: Map<number, Float64Array>, projections: Float64Array[], dtype: 'float32' | 'float64'): Promise<EvalF> {
  const nOut = spec.nOutputs ?? 1;
  const g64 = forwardGraph(spec, floats, dtype, false);
  g64.outputs = Array.from({ length: nOut }, (_, k) => ({ name: outName(k), dtype: spec.int64Outputs?.includes(k) ? ('int64' as const) : dtype }));
  const s64 = await ort.InferenceSession.create(encode(g64));
  return async (xs) => {
    const f: Record<string, ort.Tensor> = {};
    spec.inputs.forEach((inp, i) => {
      if (inp === '') return;
      if (inp.kind === 'float') f[inName(i)] = dtype === 'float64' ? new ort.Tensor('float64', xs[i], inp.dims) : new ort.Tensor('float32', Float32Array.from(xs[i]), inp.dims);
      if (inp.kind === 'runtime-int') f[inName(i)] = new ort.Tensor('int64', toBigInts(inp.values ?? []), inp.dims);
    });
    const r = await s64.run(f);
    const outs = Array.from({ length: nOut }, (_, k) => (spec.noGradOutputs?.includes(k) ? new Float64Array(0) : Float64Array.from(r[outName(k)].data as Float64Array | Float32Array)));
    return dotF(outs, projections, spec.noGradOutputs);
  };
}

function dotF(outs: Float64Array[], projections: Float64Array[], skip: number[] | undefined): number {
  let f = 0;
  outs.forEach((o, k) => {
    if (skip?.includes(k)) return;
    const p = projections[k];
    if (o.length !== p.length) throw new Error(`gradcheck: reference output ${k} has ${o.length} elements, expected ${p.length}`);
    for (let j = 0; j < o.length; j++) f += o[j] * p[j];
  });
  return f;
}

async function finish(
  spec: GcSpec,
  floats: Map<number, Float64Array>,
  wrt: number[],
  bwd: ort.InferenceSession.OnnxValueMapType,
  evalF: EvalF,
  emittedOps: string[],
  webgpuMaxDiff: number | undefined,
): Promise<GcResult> {
  const eps = spec.eps ?? (spec.linearFloat32 ? 1 : 1e-6);
  const xs: Float64Array[] = spec.inputs.map((_, i) => Float64Array.from(floats.get(i) ?? []));
  let maxAbsErr = 0;
  let maxAbsGrad = 0;
  for (const i of wrt) {
    const analytic = bwd[`grad${i}`].data as Float32Array;
    const x = xs[i];
    if (analytic.length !== x.length) throw new Error(`gradcheck: gradient of input ${i} has ${analytic.length} elements, expected ${x.length}`);
    for (let j = 0; j < x.length; j++) {
      const x0 = x[j];
      x[j] = x0 + eps;
      const fp = await evalF(xs);
      x[j] = x0 - eps;
      const fm = await evalF(xs);
      x[j] = x0;
      const fd = (fp - fm) / (2 * eps);
      maxAbsGrad = Math.max(maxAbsGrad, Math.abs(fd));
      maxAbsErr = Math.max(maxAbsErr, Math.abs(fd - analytic[j]));
    }
  }
  const grads = new Map(wrt.map((i) => [i, bwd[`grad${i}`].data as Float32Array]));
  return { maxAbsErr, maxAbsGrad, emittedOps, webgpuMaxDiff, grads };
}
