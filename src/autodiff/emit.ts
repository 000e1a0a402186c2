/**
 * Emitters shared by the builder, the heads and the backward rules. ONNX moved `axes` from an
 * attribute to an input at different opsets per op (ReduceSum and Squeeze/Unsqueeze at 13, the
 * other reductions at 18), and emitted nodes must match the graph's opset, so every axis-taking
 * op goes through here.
 */
import type { Graph } from '../onnx/ir.js';
import type { VjpContext } from './rule.js';

/** Reductions the backward rules emit. */
export type ReduceOp = 'ReduceSum' | 'ReduceMean' | 'ReduceMax';

/** Whether Squeeze/Unsqueeze take axes as an input (opset 13+) rather than an attribute. */
function unsqueezeAxesAsInput(g: Graph): boolean {
  return g.opset >= 13;
}

/**
 * `op(x)` over `axes` (undefined: every axis). An empty axes list is the identity here,
 * whereas an empty axes input means "all axes" to ONNX: callers compute axes from shapes
 * and may end up with none to reduce.
 */
export function reduce(g: Graph, op: ReduceOp, x: string, axes: readonly number[] | undefined, keepdims: boolean): string {
  if (axes && axes.length === 0) return x;
  const k = keepdims ? 1 : 0;
  if (axes === undefined) return g.op(op, [x], { keepdims: k });
  const axesAsInput = op === 'ReduceSum' ? g.opset >= 13 : g.opset >= 18;
  return axesAsInput ? g.op(op, [x, g.constI64([...axes])], { keepdims: k }) : g.op(op, [x], { axes: [...axes], keepdims: k });
}

/** `op(x)` over axes given as a run-time int64 tensor (only valid where axes is an input). */
export function reduceDynamic(g: Graph, op: ReduceOp, x: string, axes: string, keepdims: boolean): string {
  return g.op(op, [x, axes], { keepdims: keepdims ? 1 : 0 });
}

/** Unsqueeze at `axes` (positions in the output). */
export function unsqueeze(g: Graph, x: string, axes: readonly number[]): string {
  if (axes.length === 0) return x;
  if (unsqueezeAxesAsInput(g)) return g.op('Unsqueeze', [x, g.constI64([...axes])]);
  return g.op('Unsqueeze', [x], { axes: [...axes] });
}

/** Swaps the last two axes of a rank-`rank` tensor (the transpose of a batched matrix). */
export function transposeLast2(g: Graph, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return g.op('Transpose', [x], { perm });
}

/**
 * A float32 scalar constant, one initializer per value and graph: a backward graph of a
 * 12-layer model would otherwise carry hundreds of identical `0`, `1` and `0.5` initializers.
 */
const scalarCache = new WeakMap<Graph, Map<string, string>>();
export function scalar(g: Graph, value: number): string {
  let cache = scalarCache.get(g);
  if (!cache) {
    cache = new Map();
    scalarCache.set(g, cache);
  }
  // String(-0) is "0": keep -0 apart so a cached 0 never stands in for it.
  const key = Object.is(value, -0) ? '-0' : String(value);
  let name = cache.get(key);
  if (name === undefined || !g.initializers.has(name)) {
    name = g.scalarF32(value);
    cache.set(key, name);
  }
  return name;
}

/** ONNX dtype code of float32, for Cast(to=...). */
export const FLOAT32 = 1;

/** Cast(bool mask) -> float32 0/1. */
export function maskToFloat(g: Graph, mask: string): string {
  return g.op('Cast', [mask], { to: FLOAT32 });
}

/** The static size of a tensor when every dim is a number, else undefined (no throw). */
export function staticSize(ctx: VjpContext, name: string): number | undefined {
  const shape = ctx.type(name)?.shape;
  if (!shape || shape.some((d) => typeof d !== 'number')) return undefined;
  return (shape as number[]).reduce((a, b) => a * b, 1);
}

/** Product of the static dims of `name` at `axes` (normalised), or undefined if any is symbolic. */
export function staticProduct(ctx: VjpContext, name: string, axes: readonly number[]): number | undefined {
  const shape = ctx.type(name)?.shape;
  if (!shape) return undefined;
  let n = 1;
  for (const a of axes) {
    const d = shape[a];
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

/**
 * The float32 scalar numel(big) / numel(small): the number of elements a reduction from `big`
 * to `small` averaged over, for when the dims are symbolic. It is computed from the Shape
 * vectors (int64 math on a few elements, run on the CPU EP) rather than with Size, whose CPU
 * kernel would copy the whole activation off the GPU.
 */
export function sizeRatio(ctx: VjpContext, big: string, small: string): string {
  const { g } = ctx;
  const numel = (t: string): string => g.op('ReduceProd', [ctx.shapeOf(t)], { keepdims: 0 });
  return g.op('Cast', [g.op('Div', [numel(big), numel(small)])], { to: FLOAT32 });
}

/** Whether optional input `i` of the node is present. */
export function hasInput(ctx: VjpContext, i: number): boolean {
  const inputs = ctx.node.inputs;
  return i < inputs.length && inputs[i] !== '';
}

/** Sorted, normalised, de-duplicated axes. */
export function normAxes(axes: readonly number[], rank: number): number[] {
  return [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}
