/**
 * The one gradient-check harness of the backward rules. A one-node ONNX model is built in
 * memory, its backward graph is built (by calling the op's rule directly with a hand-made
 * context, or through the builder's `buildGradientGraph`), run in float32 with
 * onnxruntime-node, and compared with central finite differences of
 * F = sum_k sum(out_k * proj_k) evaluated in float64.
 *
 * The float64 forward is a float64 copy of the same one-node model run on ORT's CPU EP; ops
 * without a double kernel there (Erf) pass a `forward64` written in the test instead, and ops
 * linear in the differentiated inputs without one (Conv, AveragePool) set `linearFloat32`.
 * Shapes the rule is told can differ from the concrete ones (`declared`, `declaredOutputs`,
 * or `symbolic` for all of them), as shape inference of a dynamic model would report them.
 */
import { mulberry32 } from '../../../src/attribution/noise-tunnel.js';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../../src/autodiff/build.js';
import { unbroadcast } from '../../../src/autodiff/broadcast.js';
import { vjpRules } from '../../../src/autodiff/rules/index.js';
import type { VjpContext, VjpRule } from '../../../src/autodiff/rule.js';
import { Graph, type AttrInput, type Dim, type TensorType } from '../../../src/onnx/ir.js';
import { encodeModel, type OnnxModel } from '../../../src/onnx/model-io.js';
import { bool, f32, i64, readNumbers, type ConstTensor, type DType } from '../../../src/onnx/tensor.js';

/** One input of the op under test. */
export interface InputSpec {
  /** '' marks an omitted optional input. */
  name: string;
  dims: number[];
  /** float32 (default), int64 or bool. */
  dtype?: 'float32' | 'int64' | 'bool';
  /** Values; float inputs without data are random. bigint for int64 sentinels (INT64_MAX). */
  data?: readonly (number | bigint)[];
  /** The shape the rule is told (symbols allowed); defaults to `dims`. */
  declared?: Dim[];
  /** An initializer instead of a graph input (exponents, axes, Clip bounds). */
  constant?: boolean;
  /** Range of random values, [-1, 1] by default. */
  range?: [number, number];
  /** Random values closer than this to any of `avoid` are redrawn (keeps FD off kinks). */
  avoid?: number[];
  margin?: number;
  /** Whether to check this input's gradient (default: float and not constant). */
  wrt?: boolean;
}

/** A one-op gradient check. */
export interface GradCase {
  op: string;
  inputs: InputSpec[];
  attrs?: Record<string, AttrInput>;
  opset?: number;
  /** Number of node outputs (default 1). */
  outputs?: number;
  /** dtypes of the outputs when not float32 (Cast). */
  outputDtypes?: DType[];
  /** Float64 forward written in the test, for ops ORT's CPU EP has no double kernel for. */
  forward64?: (inputs: Float64Array[], dims: number[][]) => Float64Array[];
  seed?: number;
  /** Rule mode only: hide every dim that is not 1 behind a symbol, as shape inference of a dynamic model would. */
  symbolic?: boolean;
  /** Finite-difference step (default 1e-4; 1 with `linearFloat32`). */
  h?: number;
  /** The rule under test; defaults to the registry's rule for `op`. */
  rule?: VjpRule;
  /** Output shapes the rule is told (symbols allowed); default: the concrete shapes. */
  declaredOutputs?: Dim[][];
  /** Outputs that get no gradient (the rule sees undefined) and are left out of F. */
  noGradOutputs?: number[];
  /**
   * For ops linear in the differentiated inputs that ORT has no float64 kernel for (Conv,
   * AveragePool): evaluate F with ORT's float32 kernels, which are the ground truth of the
   * op's semantics (padding, ceil_mode, count_include_pad), and difference with a step of 1.
   * Linearity makes the difference exact; F itself is accumulated in float64, so the error
   * is float32 rounding of the outputs (~1e-7 relative).
   */
  linearFloat32?: boolean;
  /** Random float inputs are a shuffled grid with gaps >> h (no ties, e.g. for MaxPool). */
  distinct?: boolean;
  /** Skip the 'webgpu' mode (forward nodes WebGPU cannot run, like MaxPool with Indices). */
  skipWebgpu?: boolean;
}

/**
 * How the backward graph is built and run: 'rule' calls the rule with a hand-made context,
 * 'builder' goes through `buildGradientGraph`, 'webgpu' runs the rule's backward nodes alone
 * (forward outputs fed as inputs) on ORT's WebGPU EP with CPU fallback disabled, so session
 * creation fails if any emitted node would run on the CPU. 'webgpu' needs a WebGPU adapter:
 * LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
 * (runtime-facts §8).
 */
export type GradMode = 'rule' | 'builder' | 'webgpu';

/**
 * Whether to also run the 'webgpu' checks: opt-in, as they need the SwiftShader Vulkan driver
 * in the environment (see {@link GradMode}) and take seconds per case. Example:
 * GS_WEBGPU=1 LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx vitest run test/unit/rules-
 */
export const WEBGPU_CHECKS = process.env.GS_WEBGPU === '1';

/** Per checked input: the largest errors of the float32 graph gradient against float64 finite differences. */
export interface InputError {
  maxAbs: number;
  /** max |g - fd| / (1 + |fd|): absolute for small gradients, relative for large ones. */
  maxScaled: number;
  maxFd: number;
}

/** Outcome of a check. */
export interface GradResult {
  errors: Record<string, InputError>;
  /** Largest `maxScaled` over inputs (and outputs, in builder mode). */
  worst: number;
  /** Largest `maxAbs` over inputs: max |analytic - finite difference|. */
  maxAbs: number;
  /** Largest |finite difference| (the scale of the gradient, to judge `maxAbs`). */
  maxFd: number;
  /** Op types of the emitted backward nodes (rule mode). */
  backwardOps: string[];
}

/** Ops a backward graph may emit on float32 (all run on the native WebGPU EP, runtime-facts §5). */
export const WEBGPU_OPS = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Pow', 'Sqrt', 'Exp', 'Log', 'Erf', 'Tanh', 'Sigmoid', 'Relu', 'Where',
  'Equal', 'Greater', 'Less', 'Cast', 'MatMul', 'Transpose', 'Reshape', 'Expand', 'ReduceSum', 'ReduceMean',
  'ReduceMax', 'Softmax', 'CumSum', 'Gather', 'GatherElements', 'ScatterElements', 'Concat', 'Slice', 'Pad', 'Tile',
  'Unsqueeze', 'Squeeze', 'Identity', 'Shape', 'Einsum', 'Trilu',
]);

/**
 * Ops allowed on tiny int64 tensors only (they run on the CPU EP): ReduceProd of a Shape
 * counts the elements a ReduceMean/LayerNorm averaged over when the dims are symbolic.
 */
export const SCALAR_INT_OPS = new Set(['ReduceProd']);

/** Whether every emitted backward op runs on WebGPU, or is scalar int64 shape math. */
export function offGpuOps(ops: readonly string[]): string[] {
  return ops.filter((op) => !WEBGPU_OPS.has(op) && !SCALAR_INT_OPS.has(op));
}

/** A seeded generator so failures reproduce. */
const rng = mulberry32;

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Float32-rounded values, so the float64 forward sees exactly what the float32 graph sees. */
function randomValues(spec: InputSpec, next: () => number): number[] {
  const [lo, hi] = spec.range ?? [-1, 1];
  const margin = spec.margin ?? 0.05;
  return Array.from({ length: size(spec.dims) }, () => {
    for (;;) {
      const v = Math.fround(lo + (hi - lo) * next());
      if (!(spec.avoid ?? []).some((k) => Math.abs(v - k) < margin)) return v;
    }
  });
}

/** A shuffled grid: every pair differs by >= 2/n, so no finite-difference step flips a max. */
function distinctValues(spec: InputSpec, next: () => number): number[] {
  const n = size(spec.dims);
  const v = Array.from({ length: n }, (_, k) => -1 + (2 * k) / n);
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(next() * (k + 1));
    [v[k], v[j]] = [v[j], v[k]];
  }
  return v.map((x) => Math.fround(x));
}

function isWrt(s: InputSpec | undefined): boolean {
  if (s === undefined || s.name === '') return false;
  return s.wrt ?? ((s.dtype ?? 'float32') === 'float32' && !s.constant);
}

function constOf(s: InputSpec, values: Values, dtype: DType): ConstTensor {
  if (s.dtype === 'int64') return i64(values.map(Number), s.dims);
  const nums = values.map(Number);
  if (s.dtype === 'bool') return bool(nums, s.dims);
  return dtype === 'float64' ? { dtype: 'float64', dims: s.dims, values: Float64Array.from(nums) } : f32(nums, s.dims);
}

/** Values of one input: numbers, or bigints for int64 sentinels. */
type Values = (number | bigint)[];

function feedOf(s: InputSpec, values: Values, float: 'float32' | 'float64'): ort.Tensor {
  // i64 clamps INT64_MAX, which a plain BigInt64Array would wrap to INT64_MIN.
  if (s.dtype === 'int64') return new ort.Tensor('int64', i64(values.map(Number), s.dims).values as BigInt64Array, s.dims);
  const values64 = values.map(Number);
  if (s.dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(values64), s.dims);
  return float === 'float64' ? new ort.Tensor('float64', Float64Array.from(values64), s.dims) : new ort.Tensor('float32', Float32Array.from(values64), s.dims);
}

/** The one-node forward graph, its float inputs/outputs in `float` precision. */
function forwardGraph(c: GradCase, values: Values[], float: 'float32' | 'float64', outTypes?: TensorType[]): { g: Graph; outs: string[] } {
  const g = new Graph();
  g.opset = c.opset ?? 17;
  c.inputs.forEach((s, i) => {
    const dtype: DType = s.dtype ?? float;
    if (s.name === '') return;
    if (s.constant) g.initializers.set(s.name, constOf(s, values[i], float));
    else g.inputs.push({ name: s.name, dtype, shape: s.dims });
  });
  const n = c.outputs ?? 1;
  const outs = Array.from({ length: n }, (_, k) => `y${k}`);
  g.nodes.push({ opType: c.op, domain: '', name: 'node_under_test', inputs: c.inputs.map((s) => s.name), outputs: outs, attrs: {} });
  // Reuse Graph.add's attribute tagging, then move the tags onto the fixed-name node.
  const tmp = new Graph();
  tmp.add(c.op, [], c.attrs ?? {});
  g.nodes[0].attrs = tmp.nodes[0].attrs;
  // Without known types (the first run), outputs are declared float unless the case says otherwise.
  g.outputs = outs.map((o, k) => ({ name: o, dtype: outTypes?.[k].dtype ?? c.outputDtypes?.[k] ?? float, shape: outTypes?.[k].shape }));
  g.reserveNames();
  return { g, outs };
}

function modelOf(g: Graph): OnnxModel {
  return { graph: g, irVersion: 8, producerName: 'gradcheck', otherOpsets: [], source: new Uint8Array(0) };
}

async function session(g: Graph): Promise<ort.InferenceSession> {
  const { bytes } = encodeModel(modelOf(g));
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
}

function ortDtype(t: ort.Tensor): DType {
  switch (t.type) {
    case 'float32': return 'float32';
    case 'float64': return 'float64';
    case 'int64': return 'int64';
    case 'bool': return 'bool';
    default: return 'other';
  }
}

function toNumbers(t: ort.Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/**
 * Builds the backward graph by calling the op's rule with a context made from the known
 * shapes. All outputs are projected at once, so multi-output rules see every `gy`.
 */
function ruleBackward(c: GradCase, values: Values[], outTypes: TensorType[]): { g: Graph; grads: Record<string, string>; projs: (string | undefined)[]; backwardOps: string[] } {
  const { g, outs } = forwardGraph(c, values, 'float32', outTypes);
  const node = g.nodes[0];
  const types = new Map<string, TensorType>();
  c.inputs.forEach((s) => {
    if (s.name !== '') types.set(s.name, { dtype: s.dtype ?? 'float32', shape: s.declared ?? s.dims });
  });
  for (const v of g.inputs) v.shape = types.get(v.name)?.shape ?? v.shape;
  outs.forEach((o, k) => types.set(o, { ...outTypes[k], shape: c.declaredOutputs?.[k] ?? outTypes[k].shape }));
  const shown = (t: TensorType | undefined): TensorType | undefined =>
    t && c.symbolic && t.shape ? { ...t, shape: t.shape.map((d) => (d === 1 ? 1 : `d${String(d)}`)) } : t;
  const shape = (name: string): Dim[] => {
    const s = shown(types.get(name))?.shape;
    if (!s) throw new Error(`gradcheck: unknown shape of ${name}`);
    return s;
  };
  const shapeNodes = new Map<string, string>();
  const ctx: VjpContext = {
    g,
    node,
    needsGrad: (i) => isWrt(c.inputs[i]),
    type: (name) => shown(types.get(name)),
    shape,
    rank: (name) => shape(name).length,
    shapeOf: (name) => {
      let s = shapeNodes.get(name);
      if (!s) {
        s = g.op('Shape', [name]);
        shapeNodes.set(name, s);
      }
      return s;
    },
    unbroadcast: (grad, inName, outName) => unbroadcast(g, grad, shape(inName), shape(outName), node),
    constInts: (name) => {
      const t = g.initializers.get(name);
      return t && t.dtype !== 'float32' && t.dtype !== 'float64' ? readNumbers(t) : undefined;
    },
    constFloats: (name) => {
      const t = g.initializers.get(name);
      return t ? readNumbers(t) : undefined;
    },
  };
  // Only float outputs that get a gradient are projected (an int64 output such as MaxPool's Indices gets none).
  const projs = outs.map((_o, k) => {
    const t = outTypes[k];
    if (!(t.dtype === 'float32' || t.dtype === 'float64') || c.noGradOutputs?.includes(k)) return undefined;
    const p = `proj${k}`;
    g.inputs.push({ name: p, dtype: t.dtype, shape: types.get(outs[k])?.shape });
    return p;
  });
  const rule = c.rule ?? vjpRules[c.op];
  if (!rule) throw new Error(`gradcheck: no rule for ${c.op}`);
  const gx = rule(ctx, projs);
  const backwardOps = g.nodes.slice(1).map((n) => n.opType);
  const grads: Record<string, string> = {};
  c.inputs.forEach((s, i) => {
    if (!isWrt(s)) return;
    const gi = gx[i];
    if (gi === undefined) throw new Error(`gradcheck: rule of ${c.op} gave no gradient for input ${s.name}`);
    const name = `grad_${s.name}`;
    g.nodes.push({ opType: 'Identity', domain: '', name: `out_${name}`, inputs: [gi], outputs: [name], attrs: {} });
    g.outputs.push({ name, dtype: s.dtype ?? 'float32' });
  });
  g.topoSort();
  return { g, grads, projs, backwardOps };
}

/** F = sum_k sum(out_k * proj_k) in float64, for the outputs in `which`. */
function projected(outputs: Float64Array[], projections: number[][], which: number[]): number {
  let f = 0;
  for (const k of which) {
    const o = outputs[k];
    const p = projections[k];
    for (let j = 0; j < o.length; j++) f += o[j] * p[j];
  }
  return f;
}

/**
 * Runs one gradient check. In rule mode all outputs are projected together; in builder mode
 * (the builder's projection head takes one output) each float output is checked in turn.
 */
export async function gradcheck(c: GradCase, mode: GradMode = 'rule'): Promise<GradResult> {
  const next = rng(c.seed ?? 1234);
  const values: Values[] = c.inputs.map((s) => {
    if (s.data) return [...s.data];
    if (s.name === '') return [];
    return c.distinct && (s.dtype ?? 'float32') === 'float32' ? distinctValues(s, next) : randomValues(s, next);
  });

  // Output types and shapes from a float32 forward run.
  const fwd = forwardGraph(c, values, 'float32');
  const fwdSession = await session(fwd.g);
  const feeds32: Record<string, ort.Tensor> = {};
  c.inputs.forEach((s, i) => {
    if (!s.constant && s.name !== '') feeds32[s.name] = feedOf(s, values[i], 'float32');
  });
  const fwdOut = await fwdSession.run(feeds32);
  const outTypes: TensorType[] = fwd.outs.map((o) => ({ dtype: ortDtype(fwdOut[o]), shape: [...fwdOut[o].dims] }));
  const floatOuts = outTypes.map((t, k) => ((t.dtype === 'float32' || t.dtype === 'float64') && !c.noGradOutputs?.includes(k) ? k : -1)).filter((k) => k >= 0);
  const projections = outTypes.map((t) => Array.from({ length: size(t.shape as number[]) }, () => Math.fround(2 * next() - 1)));

  // Float64 forward for the finite differences.
  const wrtIdx = c.inputs.map((s, i) => (isWrt(s) ? i : -1)).filter((i) => i >= 0);
  let forward64: (vals: Values[]) => Promise<Float64Array[]>;
  if (c.forward64) {
    const f = c.forward64;
    forward64 = (vals) => Promise.resolve(f(vals.map((v) => Float64Array.from(v, Number)), c.inputs.map((s) => s.dims)));
  } else {
    const float = c.linearFloat32 ? 'float32' : 'float64';
    const s64 = await session(forwardGraph(c, values, float, outTypes.map((t) => ({ ...t, dtype: t.dtype === 'float32' ? float : t.dtype }))).g);
    forward64 = async (vals) => {
      const feeds: Record<string, ort.Tensor> = {};
      c.inputs.forEach((s, i) => {
        if (!s.constant && s.name !== '') feeds[s.name] = feedOf(s, vals[i], float);
      });
      const out = await s64.run(feeds);
      return fwd.outs.map((o) => Float64Array.from(toNumbers(out[o])));
    };
  }
  const h = c.h ?? (c.linearFloat32 ? 1 : 1e-4);
  const fdGrads = async (which: number[]): Promise<Map<number, number[]>> => {
    const res = new Map<number, number[]>();
    for (const i of wrtIdx) {
      const fd: number[] = [];
      for (let j = 0; j < values[i].length; j++) {
        const plus = values.map((v) => v.slice());
        const minus = values.map((v) => v.slice());
        plus[i][j] = Number(plus[i][j]) + h;
        minus[i][j] = Number(minus[i][j]) - h;
        const fp = projected(await forward64(plus), projections, which);
        const fm = projected(await forward64(minus), projections, which);
        fd.push((fp - fm) / (2 * h));
      }
      res.set(i, fd);
    }
    return res;
  };

  const errors: Record<string, InputError> = {};
  const record = (key: string, got: number[], fd: number[]): void => {
    const e: InputError = errors[key] ?? { maxAbs: 0, maxScaled: 0, maxFd: 0 };
    if (got.length !== fd.length) throw new Error(`gradcheck: gradient of ${key} has ${got.length} elements, expected ${fd.length}`);
    got.forEach((v, j) => {
      const d = Math.abs(v - fd[j]);
      e.maxAbs = Math.max(e.maxAbs, Number.isNaN(d) ? Infinity : d);
      e.maxScaled = Math.max(e.maxScaled, Number.isNaN(d) ? Infinity : d / (1 + Math.abs(fd[j])));
      e.maxFd = Math.max(e.maxFd, Math.abs(fd[j]));
    });
    errors[key] = e;
  };

  let backwardOps: string[] = [];
  if (mode === 'rule' || mode === 'webgpu') {
    const built = ruleBackward(c, values, outTypes);
    backwardOps = built.backwardOps;
    const feeds: Record<string, ort.Tensor> = { ...feeds32 };
    let sess: ort.InferenceSession;
    if (mode === 'webgpu') {
      const g = built.g;
      g.nodes = g.nodes.filter((n) => n.name !== 'node_under_test');
      g.outputs = g.outputs.filter((o) => !fwd.outs.includes(o.name));
      fwd.outs.forEach((o, k) => {
        g.inputs.push({ name: o, ...outTypes[k] });
        feeds[o] = fwdOut[o];
      });
      const { bytes } = encodeModel(modelOf(g));
      sess = await ort.InferenceSession.create(bytes, {
        executionProviders: ['webgpu'],
        graphOptimizationLevel: 'disabled',
        extra: { session: { disable_cpu_ep_fallback: '1' } },
      });
    } else {
      sess = await session(built.g);
    }
    built.projs.forEach((p, k) => {
      if (!p) return;
      feeds[p] = new ort.Tensor('float32', Float32Array.from(projections[k]), outTypes[k].shape as number[]);
      if (outTypes[k].dtype === 'float64') feeds[p] = new ort.Tensor('float64', Float64Array.from(projections[k]), outTypes[k].shape as number[]);
    });
    const out = await sess.run(feeds);
    const fd = await fdGrads(floatOuts);
    for (const i of wrtIdx) record(c.inputs[i].name, toNumbers(out[`grad_${c.inputs[i].name}`]), fd.get(i) ?? []);
  } else {
    for (const k of floatOuts) {
      const { g } = forwardGraph(c, values, 'float32', outTypes);
      const wrt = wrtIdx.map((i) => c.inputs[i].name);
      const gg = buildGradientGraph(modelOf(g), { wrt, head: { kind: 'projection', output: `y${k}` } });
      const { bytes } = encodeModel(gg.model);
      const sess = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
      const feeds: Record<string, ort.Tensor> = {};
      for (const inp of gg.inputs) {
        if (inp.name === 'gs_projection') feeds[inp.name] = new ort.Tensor('float32', Float32Array.from(projections[k]), outTypes[k].shape as number[]);
        else if (feeds32[inp.name]) feeds[inp.name] = feeds32[inp.name];
      }
      const out = await sess.run(feeds);
      const fd = await fdGrads([k]);
      for (const i of wrtIdx) record(c.inputs[i].name, toNumbers(out[gg.grads[c.inputs[i].name]]), fd.get(i) ?? []);
    }
  }
  const errs = Object.values(errors);
  const worst = Math.max(0, ...errs.map((e) => e.maxScaled));
  return { errors, worst, maxAbs: Math.max(0, ...errs.map((e) => e.maxAbs)), maxFd: Math.max(0, ...errs.map((e) => e.maxFd)), backwardOps };
}

/**
 * Runs the backward graph of a case on given inputs and projections and returns the
 * gradients (rule mode): for exact checks at kinks and ties, where finite differences are
 * meaningless.
 */
export async function ruleGradients(c: GradCase, projections: number[][]): Promise<Record<string, number[]>> {
  const values: Values[] = c.inputs.map((s) => [...(s.data ?? [])]);
  const fwd = forwardGraph(c, values, 'float32');
  const feeds: Record<string, ort.Tensor> = {};
  c.inputs.forEach((s, i) => {
    if (!s.constant && s.name !== '') feeds[s.name] = feedOf(s, values[i], 'float32');
  });
  const fwdOut = await (await session(fwd.g)).run(feeds);
  const outTypes: TensorType[] = fwd.outs.map((o) => ({ dtype: ortDtype(fwdOut[o]), shape: [...fwdOut[o].dims] }));
  const built = ruleBackward(c, values, outTypes);
  built.projs.forEach((p, k) => {
    if (!p) return;
    feeds[p] = new ort.Tensor('float32', Float32Array.from(projections[k]), outTypes[k].shape as number[]);
  });
  const out = await (await session(built.g)).run(feeds);
  const res: Record<string, number[]> = {};
  c.inputs.forEach((s) => {
    if (isWrt(s)) res[s.name] = toNumbers(out[`grad_${s.name}`]);
  });
  return res;
}

/** Names a case's inputs by position (`in0`, `in1`, ...; an omitted '' input stays omitted). */
export function namedByPosition(c: GradCase): GradCase {
  return { ...c, inputs: c.inputs.map((inp, i) => (inp.name === '' ? inp : { ...inp, name: `in${i}` })) };
}

/**
 * The absolute check (rule mode): max |analytic - fd| under `tol` and a non-zero gradient (so
 * the check can fail); with GS_WEBGPU=1 also the backward nodes alone on the WebGPU EP.
 */
export async function expectCloseToFd(c: GradCase, tol: number): Promise<GradResult> {
  const r = await gradcheck(c);
  expect(r.maxFd).toBeGreaterThan(0);
  expect(r.maxAbs).toBeLessThan(tol);
  if (WEBGPU_CHECKS && !c.skipWebgpu) expect((await gradcheck(c, 'webgpu')).maxAbs).toBeLessThan(tol);
  return r;
}

/** Running record of the worst error per op, printed by the test files' afterAll. */
export const worstByOp = new Map<string, number>();

/** Records a result under a label (usually the op type). */
export function noteWorst(label: string, r: GradResult): void {
  worstByOp.set(label, Math.max(worstByOp.get(label) ?? 0, ...Object.values(r.errors).map((e) => e.maxAbs)));
}

/**
 * The standard checks of a family of rules: every case through the rule alone and through the
 * builder, the rule again with dims hidden behind symbols, and (opt-in, GS_WEBGPU=1) the backward
 * nodes alone on the WebGPU EP with CPU fallback disabled. Prints the worst error per op.
 */
export function describeRuleChecks(title: string, cases: [string, GradCase][], opts: { tol: number; symbolicCases?: [string, GradCase][] }): void {
  describe(title, () => {
    for (const mode of ['rule', 'builder'] as GradMode[]) {
      // The builder's projection head multiplies by a float32 input, so only float32 outputs go through it.
      const modeCases = mode === 'builder' ? cases.filter(([, c]) => !c.outputDtypes) : cases;
      it.each(modeCases)(`%s (${mode})`, async (_name, c) => {
        const r = await gradcheck(c, mode);
        noteWorst(c.op, r);
        expect(r.worst).toBeLessThan(opts.tol);
        expect(offGpuOps(r.backwardOps)).toEqual([]);
      });
    }
    it.each(opts.symbolicCases ?? cases)('%s (rule, symbolic dims)', async (_name, c) => {
      const r = await gradcheck({ ...c, symbolic: true }, 'rule');
      expect(r.worst).toBeLessThan(opts.tol);
      expect(offGpuOps(r.backwardOps)).toEqual([]);
    });
    it.runIf(WEBGPU_CHECKS).each(cases.filter(([, c]) => !c.outputDtypes && !c.skipWebgpu))('%s (webgpu, no CPU fallback)', async (_name, c) => {
      const r = await gradcheck(c, 'webgpu');
      expect(r.worst).toBeLessThan(opts.tol);
    });
  });
  afterAll(() => {
    console.log(`max |g - fd| per op: ${JSON.stringify(Object.fromEntries([...worstByOp].map(([k, v]) => [k, Number(v.toExponential(2))])))}`);
  });
}
