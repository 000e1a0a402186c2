/**
 * Backward rules of shape and data-movement ops: Transpose, Reshape, Flatten, Squeeze,
 * Unsqueeze, Expand, Tile, Concat, Split, Slice, Gather, GatherElements, Pad.
 *
 * These ops move values without arithmetic, so every gradient is the output gradient moved
 * back: a permutation, a reshape, a sum over copies, or a scatter into zeros. Only gradients
 * of the data input are produced; index, shape, axes and pads inputs get none.
 *
 * WebGPU constraints that shape the emitted graphs (notes/runtime-facts.md §5, §10):
 * - Slice with a negative step is wrong on both EPs, so reversed slices are undone with
 *   ScatterND, never with a negative-step Slice.
 * - ConstantOfShape runs on the CPU EP: zeros are `Expand(0, shape)`.
 * - int64 ops run on the CPU EP: shape and index arithmetic stays on small tensors, and is a
 *   constant whenever shape inference knows the dims.
 * Forward attributes are read in both their old (attribute) and new (input) forms, told apart
 * by which one the node carries, so models below opset 13 differentiate too.
 */
import { attrInt, attrInts, attrString, type Dim, type Graph } from '../../onnx/ir.js';
import { i64 } from '../../onnx/tensor.js';
import { normAxis } from '../../onnx/arrays.js';
import { UnsupportedGradientError, dataInputRule, type VjpContext, type VjpRule } from '../rule.js';
import { hasInput, reduce, scalar, unsqueeze } from '../emit.js';

type Grads = (string | undefined)[];

// ---------------------------------------------------------------------------------------------
// Helpers (also used by conv.ts)
// ---------------------------------------------------------------------------------------------

/**
 * The largest magnitude of an emitted int64 constant. ONNX's INT64_MAX "to the end" sentinel
 * reads as 2^63 in JS, which would wrap to INT64_MIN when written back; 2^62 clamps the same.
 */
export const BIG = 2 ** 62;

/** A part of a shape vector: a static dim, or the name of a 1-D int64 tensor of dims. */
export type ShapePart = number | string;

/** 0, 1, ..., n-1. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** The inverse of a permutation. */
export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

function isIdentityPerm(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

/** Concatenates parts into a 1-D int64 shape tensor: a constant when every part is a number. */
export function shapeVector(g: Graph, parts: readonly ShapePart[]): string {
  const pieces: string[] = [];
  let run: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') {
      run.push(p);
      continue;
    }
    if (run.length > 0) pieces.push(g.constI64(run));
    run = [];
    pieces.push(p);
  }
  if (run.length > 0 || pieces.length === 0) pieces.push(g.constI64(run));
  return pieces.length === 1 ? pieces[0] : g.op('Concat', pieces, { axis: 0 });
}

/**
 * Dims [from, to) of `x` as shape parts: static dims as numbers, each run of symbolic dims as
 * one Slice of Shape(x).
 */
export function dimParts(ctx: VjpContext, x: string, from: number, to: number): ShapePart[] {
  const dims = ctx.shape(x);
  const out: ShapePart[] = [];
  let i = from;
  while (i < to) {
    const d = dims[i];
    if (typeof d === 'number') {
      out.push(d);
      i++;
      continue;
    }
    let j = i;
    while (j < to && typeof dims[j] !== 'number') j++;
    out.push(ctx.g.op('Slice', [ctx.shapeOf(x), ctx.g.constI64([i]), ctx.g.constI64([j])]));
    i = j;
  }
  return out;
}

/** Dim `axis` of `x`: a number when static, else a [1] int64 tensor. */
export function dimPart(ctx: VjpContext, x: string, axis: number): ShapePart {
  return dimParts(ctx, x, axis, axis + 1)[0];
}

/** The shape of `x` as an int64 tensor: a constant when static, else Shape(x). */
export function shapeTensor(ctx: VjpContext, x: string): string {
  const s = ctx.type(x)?.shape;
  if (s && s.every((d) => typeof d === 'number')) return ctx.g.constI64(s as number[]);
  return ctx.shapeOf(x);
}

/** Float32 zeros of the given int64 shape tensor (Expand of a scalar: ConstantOfShape is CPU-only). */
export function zerosOfShape(g: Graph, shape: string): string {
  return g.op('Expand', [scalar(g, 0), shape]);
}

/** A part as a [1] int64 tensor (constants for numbers). */
function partTensor(g: Graph, p: ShapePart): string {
  return typeof p === 'number' ? g.constI64([p]) : p;
}

/** Whether every dim is static. */
function allStatic(dims: readonly Dim[]): dims is number[] {
  return dims.every((d) => typeof d === 'number');
}

/** Throws the rule error for a node. */
function unsupported(ctx: VjpContext, detail: string): never {
  throw new UnsupportedGradientError(ctx.node.opType, ctx.node.name, detail);
}

/**
 * Reads an int list that is an input from some opset on (`inputIndex`) and an attribute
 * before: a number[] when known at build time, the tensor name when only known at run time,
 * undefined when absent.
 */
function intsInputOrAttr(ctx: VjpContext, inputIndex: number, attr: string): number[] | string | undefined {
  if (hasInput(ctx, inputIndex)) return ctx.constInts(ctx.node.inputs[inputIndex]) ?? ctx.node.inputs[inputIndex];
  return attrInts(ctx.node, attr);
}

/** Like {@link intsInputOrAttr} but the list must be a build-time constant. */
function constIntsInputOrAttr(ctx: VjpContext, inputIndex: number, attr: string, what: string): number[] | undefined {
  const v = intsInputOrAttr(ctx, inputIndex, attr);
  if (typeof v === 'string') unsupported(ctx, `${what} must be a constant (it is computed at run time)`);
  return v;
}

/**
 * Indices with negative entries wrapped (i < 0 -> i + dim), int64: ScatterND/ScatterElements
 * kernels do not all accept negative indices. Constant indices are normalised at build time.
 */
function normalizedIndices(ctx: VjpContext, idx: string, data: string, axis: number): string {
  const { g } = ctx;
  const dim = ctx.shape(data)[axis];
  const values = ctx.constInts(idx);
  if (values && (typeof dim === 'number' || values.every((v) => v >= 0))) {
    const dims = ctx.shape(idx);
    if (!allStatic(dims)) unsupported(ctx, 'constant indices of unknown shape');
    return g.constant(i64(values.map((v) => (v < 0 ? v + (dim as number) : v)), dims), 'indices');
  }
  const asI64 = ctx.type(idx)?.dtype === 'int64' ? idx : g.op('Cast', [idx], { to: 7 });
  // A rank-0 dim broadcasts against indices of any rank, scalar indices included.
  const d = typeof dim === 'number' ? g.constant(i64([dim], []), 'dim') : g.op('Gather', [ctx.shapeOf(data), g.constant(i64([axis], []), 'axis')]);
  const neg = g.op('Less', [asI64, g.constant(i64([0], []), 'zero')]);
  return g.op('Where', [neg, g.op('Add', [asI64, d]), asI64]);
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/** dx = Reshape(gy, Shape(x)): for ops that only reinterpret the layout (Reshape, Flatten, Squeeze, Unsqueeze). */
const reshapeBack: VjpRule = (ctx, [gy]) => {
  const out: Grads = ctx.node.inputs.map(() => undefined);
  if (gy && ctx.needsGrad(0)) out[0] = ctx.g.op('Reshape', [gy, shapeTensor(ctx, ctx.node.inputs[0])]);
  return out;
};

/** Transpose: dx = Transpose(gy, perm^-1); the default perm reverses the axes. */
const transpose: VjpRule = (ctx, [gy]) => {
  if (!gy || !ctx.needsGrad(0)) return [undefined];
  const x = ctx.node.inputs[0];
  const perm = attrInts(ctx.node, 'perm') ?? range(0, ctx.rank(x)).reverse();
  return [ctx.g.op('Transpose', [gy], { perm: invertPerm(perm) })];
};

/** Expand: dx = gy summed over the broadcast axes. */
const expand = dataInputRule((ctx, gy) => ctx.unbroadcast(gy, ctx.node.inputs[0], ctx.node.outputs[0]));

/**
 * Tile: y = x repeated r_i times along axis i, so y viewed as [r0, d0, r1, d1, ...] has x at
 * every (k0, k1, ...): dx = ReduceSum(Reshape(gy, [r0, d0, r1, d1, ...]), axes of the r_i).
 */
const tile = dataInputRule((ctx, gy) => {
  const { g, node } = ctx;
  const [x, repeatsName] = node.inputs;
  const rank = ctx.rank(x);
  const repeats = ctx.constInts(repeatsName);
  const target: ShapePart[] = [];
  const sumAxes: number[] = [];
  for (let i = 0; i < rank; i++) {
    // Run-time repeats still work: the reshape target is a run-time vector and the summed
    // axes (even positions) only depend on the rank.
    const rep: ShapePart = repeats ? repeats[i] : g.op('Slice', [repeatsName, g.constI64([i]), g.constI64([i + 1])]);
    const dim = dimPart(ctx, x, i);
    if (rep !== 1) {
      sumAxes.push(target.length);
      target.push(rep);
    }
    target.push(dim);
  }
  const viewed = g.op('Reshape', [gy, shapeVector(g, target)]);
  return reduce(g, 'ReduceSum', viewed, sumAxes, false);
});

/** Concat: dx_i = the i-th block of gy along the axis (one Split with the inputs' sizes). */
const concat: VjpRule = (ctx, [gy]) => {
  const { g, node } = ctx;
  const n = node.inputs.length;
  if (!gy) return node.inputs.map(() => undefined);
  if (n === 1) return [ctx.needsGrad(0) ? gy : undefined];
  const axis = normAxis(attrInt(node, 'axis', 0), ctx.rank(node.outputs[0]));
  const sizes = node.inputs.map((x) => dimPart(ctx, x, axis));
  const blocks = g.add('Split', [gy, shapeVector(g, sizes)], { axis }, n);
  return blocks.map((b, i) => (ctx.needsGrad(i) ? b : undefined));
};

/** Split: dx = Concat(gy_0, ..., gy_k) along the axis, zeros for outputs no gradient reached. */
const split: VjpRule = (ctx, gys) => {
  const { g, node } = ctx;
  const out: Grads = node.inputs.map(() => undefined);
  if (!ctx.needsGrad(0) || gys.every((x) => x === undefined)) return out;
  const axis = normAxis(attrInt(node, 'axis', 0), ctx.rank(node.inputs[0]));
  const parts = node.outputs.map((y, k) => gys[k] ?? zerosOfShape(g, shapeTensor(ctx, y)));
  out[0] = parts.length === 1 ? parts[0] : g.op('Concat', parts, { axis });
  return out;
};

/**
 * Where one sliced axis of Slice starts and how long it is. Numbers when known at build time,
 * else [1] int64 tensors.
 */
interface SlicedAxis {
  axis: number;
  step: number;
  /** First taken index, after ONNX's negative-index and clamping rules. */
  begin: ShapePart;
  /** Number of taken elements (the output dim). */
  count: ShapePart;
  /** The input dim. */
  dim: ShapePart;
}

/** ONNX Slice semantics for one axis with static numbers: the first taken index and the count. */
function resolveSliceStatic(start: number, end: number, step: number, dim: number): { begin: number; count: number } {
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  return { begin: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/**
 * The resolved begin of a sliced axis at run time, as a [1] int64 tensor:
 * begin = clamp(start < 0 ? start + dim : start, 0, step > 0 ? dim : dim - 1).
 */
function resolveBeginRuntime(g: Graph, start: string, dim: string, step: number): string {
  const zero = g.constI64([0]);
  const wrapped = g.op('Where', [g.op('Less', [start, zero]), g.op('Add', [start, dim]), start]);
  const hi = step > 0 ? dim : g.op('Sub', [dim, g.constI64([1])]);
  return g.op('Max', [g.op('Min', [wrapped, hi]), zero]);
}

/**
 * Slice (any steps, negative indices, INT64_MAX ends): the taken elements go back to where
 * they came from, zeros elsewhere. Step-1 axes are undone together by one Pad; every other
 * axis (|step| > 1 or negative) by a ScatterND into zeros along that axis, since a
 * negative-step Slice is wrong on WebGPU.
 */
const slice: VjpRule = (ctx, [gy]) => {
  const { g, node } = ctx;
  const out: Grads = node.inputs.map(() => undefined);
  if (!gy || !ctx.needsGrad(0)) return out;
  const x = node.inputs[0];
  const y = node.outputs[0];
  const rank = ctx.rank(x);
  const xDims = ctx.shape(x);
  const yDims = ctx.shape(y);
  // Opset >= 10 takes starts/ends/axes/steps as inputs, opset 1-9 as attributes.
  const starts = intsInputOrAttr(ctx, 1, 'starts');
  if (starts === undefined) unsupported(ctx, 'no starts');
  const nAxes = typeof starts === 'string' ? ctx.shape(starts)[0] : starts.length;
  if (typeof nAxes !== 'number') unsupported(ctx, 'starts of unknown length');
  const axes = (constIntsInputOrAttr(ctx, 3, 'axes', 'axes') ?? range(0, nAxes)).map((a) => normAxis(a, rank));
  const steps = constIntsInputOrAttr(ctx, 4, 'steps', 'steps') ?? axes.map(() => 1);
  const ends = intsInputOrAttr(ctx, 2, 'ends');
  if (ends === undefined) unsupported(ctx, 'no ends');

  const sliced: SlicedAxis[] = axes.map((axis, j) => {
    const step = steps[j];
    if (step === 0) unsupported(ctx, 'step 0');
    const dim = xDims[axis];
    const yDim = yDims[axis];
    if (typeof starts !== 'string' && typeof dim === 'number') {
      if (typeof ends !== 'string') return { axis, step, dim, ...resolveSliceStatic(starts[j], ends[j], step, dim) };
      if (typeof yDim === 'number') return { axis, step, dim, begin: resolveSliceStatic(starts[j], BIG, step, dim).begin, count: yDim };
    }
    // Run-time resolution: only the begin needs computing, the count is the output's dim.
    const dimT = partTensor(g, dimPart(ctx, x, axis));
    const startT = typeof starts === 'string' ? g.op('Slice', [starts, g.constI64([j]), g.constI64([j + 1])]) : g.constI64([Math.max(-BIG, Math.min(BIG, starts[j]))]);
    return { axis, step, dim: dimT, begin: resolveBeginRuntime(g, startT, dimT, step), count: dimPart(ctx, y, axis) };
  });

  // Axes with step != 1: scatter the rows back one axis at a time. `cur` tracks the static
  // dims of the running gradient (y's dims, turning into x's as axes are undone).
  let grad = gy;
  const cur: Dim[] = [...yDims];
  for (const s of sliced.filter((a) => a.step !== 1)) {
    const perm = [s.axis, ...range(0, rank).filter((i) => i !== s.axis)];
    const moved = isIdentityPerm(perm) ? grad : g.op('Transpose', [grad], { perm });
    const rest = perm.slice(1).map((i) => cur[i]);
    const zerosShape = shapeVector(g, [s.dim, ...(allStatic(rest) ? rest : [g.op('Slice', [g.op('Shape', [moved]), g.constI64([1]), g.constI64([rank])])])]);
    let positions: string;
    if (typeof s.begin === 'number' && typeof s.count === 'number') {
      positions = g.constant(i64(range(0, s.count).map((k) => (s.begin as number) + k * s.step), [s.count, 1]), 'positions');
    } else {
      // positions[k] = begin + k * step, k < count (Range wants scalars: reshape [1] -> []).
      const toScalar = (p: ShapePart): string => g.op('Reshape', [partTensor(g, p), g.constI64([], [0])]);
      const ks = g.op('Range', [g.constant(i64([0], []), 'zero'), toScalar(s.count), g.constant(i64([1], []), 'one')]);
      const pos = g.op('Add', [g.op('Mul', [ks, g.constant(i64([s.step], []), 'step')]), toScalar(s.begin)]);
      positions = unsqueeze(g, pos, [1]);
    }
    const scattered = g.op('ScatterND', [zerosOfShape(g, zerosShape), positions, moved]);
    grad = isIdentityPerm(perm) ? scattered : g.op('Transpose', [scattered], { perm: invertPerm(perm) });
    cur[s.axis] = xDims[s.axis];
  }

  // Step-1 axes: pad the block back with begin zeros before and dim - begin - count after.
  const unit = sliced.filter((a) => a.step === 1);
  if (unit.length > 0) {
    const before: ShapePart[] = range(0, rank).map(() => 0);
    const after: ShapePart[] = range(0, rank).map(() => 0);
    for (const s of unit) {
      before[s.axis] = s.begin;
      if (typeof s.dim === 'number' && typeof s.begin === 'number' && typeof s.count === 'number') {
        after[s.axis] = s.dim - s.begin - s.count;
      } else {
        const used = g.op('Add', [partTensor(g, s.begin), partTensor(g, s.count)]);
        after[s.axis] = g.op('Sub', [partTensor(g, s.dim), used]);
      }
    }
    if ([...before, ...after].some((p) => p !== 0)) grad = g.op('Pad', [grad, shapeVector(g, [...before, ...after])], { mode: 'constant' });
  }
  out[0] = grad;
  return out;
};

/**
 * Gather: y[..., i..., ...] = x[..., idx[i...], ...] along `axis`, so dx accumulates gy at
 * idx (repeated indices add up): ScatterND(reduction add) into zeros, with the indexed axis
 * moved to the front of x and the index axes to the front of gy.
 */
const gather = dataInputRule((ctx, gy) => {
  const { g, node } = ctx;
  const [data, idx] = node.inputs;
  const r = ctx.rank(data);
  const q = ctx.rank(idx);
  const axis = normAxis(attrInt(node, 'axis', 0), r);
  // gy's axes: data[:axis], idx's q axes, data[axis+1:].
  const gyPerm = [...range(axis, axis + q), ...range(0, axis), ...range(axis + q, r + q - 1)];
  const moved = isIdentityPerm(gyPerm) ? gy : g.op('Transpose', [gy], { perm: gyPerm });
  const dataPerm = [axis, ...range(0, axis), ...range(axis + 1, r)];
  const dataDims = ctx.shape(data);
  const permutedDims = dataPerm.map((i) => dataDims[i]);
  const zerosShape = allStatic(permutedDims) ? g.constI64(permutedDims) : g.op('Gather', [ctx.shapeOf(data), g.constI64(dataPerm)]);
  const indices = unsqueeze(g, normalizedIndices(ctx, idx, data, axis), [q]);
  const acc = g.op('ScatterND', [zerosOfShape(g, zerosShape), indices, moved], { reduction: 'add' });
  return isIdentityPerm(dataPerm) ? acc : g.op('Transpose', [acc], { perm: invertPerm(dataPerm) });
});

/** GatherElements: y[i] = x[..., idx[i], ...] elementwise, so dx = ScatterElements(0, idx, gy, add). */
const gatherElements = dataInputRule((ctx, gy) => {
  const { g, node } = ctx;
  const [data, idx] = node.inputs;
  const axis = normAxis(attrInt(node, 'axis', 0), ctx.rank(data));
  const indices = normalizedIndices(ctx, idx, data, axis);
  return g.op('ScatterElements', [zerosOfShape(g, shapeTensor(ctx, data)), indices, gy], { axis, reduction: 'add' });
});

/**
 * Pad (constant mode): y = x with pads around it (negative pads crop), so dx = gy with the
 * pads removed (and cropped parts restored as zeros). Reflect and edge are pad-modes.ts's,
 * which hands constant Pads back here.
 */
const pad: VjpRule = (ctx, [gy]) => {
  const { g, node } = ctx;
  const out: Grads = node.inputs.map(() => undefined);
  if (!gy || !ctx.needsGrad(0)) return out;
  const mode = attrString(node, 'mode', 'constant');
  if (mode !== 'constant') unsupported(ctx, `Pad mode "${mode}" has no gradient rule (only "constant" is supported)`);
  const x = node.inputs[0];
  const rank = ctx.rank(x);
  // Opset >= 11: pads (and, from 18, axes) are inputs; before: the `pads` attribute.
  const pads = intsInputOrAttr(ctx, 1, 'pads');
  if (pads === undefined) unsupported(ctx, 'no pads');
  const axes = (constIntsInputOrAttr(ctx, 3, 'axes', 'axes') ?? range(0, rank)).map((a) => normAxis(a, rank));
  if (typeof pads === 'string') {
    // Run-time pads: Pad with the negated pads crops what the forward added.
    const inputs = [gy, g.op('Neg', [pads]), ''];
    if (hasInput(ctx, 3)) inputs.push(node.inputs[3]);
    else inputs.pop();
    out[0] = g.op('Pad', inputs, { mode: 'constant' });
    return out;
  }
  const k = axes.length;
  if (pads.every((p) => p >= 0)) {
    // The usual case: one Slice, no shapes needed (a negative end counts from the end).
    const cut = axes.map((a, j) => ({ a, b: pads[j], e: pads[j + k] })).filter((p) => p.b !== 0 || p.e !== 0);
    if (cut.length === 0) {
      out[0] = gy;
      return out;
    }
    out[0] = g.op('Slice', [gy, g.constI64(cut.map((p) => p.b)), g.constI64(cut.map((p) => (p.e > 0 ? -p.e : BIG))), g.constI64(cut.map((p) => p.a))]);
    return out;
  }
  const full = range(0, 2 * rank).map(() => 0);
  axes.forEach((a, j) => {
    full[a] = -pads[j];
    full[a + rank] = -pads[j + k];
  });
  out[0] = g.op('Pad', [gy, g.constI64(full)], { mode: 'constant' });
  return out;
};

/** Backward rules of the shape and data-movement ops, keyed by op type. */
export const shapeRules: Record<string, VjpRule> = {
  Transpose: transpose,
  Reshape: reshapeBack,
  Flatten: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Expand: expand,
  Tile: tile,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  GatherElements: gatherElements,
  Pad: pad,
};
