/**
 * Backward rules of reductions and CumSum.
 *
 * Axes come from the `axes` input (ReduceSum from opset 13, the others from 18) or the `axes`
 * attribute before that; none (or an empty list) means every axis unless
 * `noop_with_empty_axes` = 1, which makes the op the identity. The gradient is brought back to
 * keepdims form (Unsqueeze at the reduced axes) and broadcast with Expand / broadcasting.
 *
 * ReduceMax/ReduceMin tie convention: the gradient is split evenly among the elements equal
 * to the extremum (torch.amax/amin do the same; torch.max(dim) instead picks one index).
 */
import { attrInt, attrInts, type Graph, type Node } from '../../onnx/ir.js';
import { UnsupportedGradientError, dataInputRule, type VjpContext, type VjpRule } from '../rule.js';
import { hasInput, maskToFloat, normAxes, reduce, reduceDynamic, scalar, sizeRatio, staticProduct, unsqueeze } from '../emit.js';

/** Which axes a reduction node reduces. */
export type Axes =
  | { kind: 'all' }
  | { kind: 'noop' }
  | { kind: 'const'; axes: number[] }
  /** Axes known only at run time; only possible in the input form, where Unsqueeze takes them too. */
  | { kind: 'dynamic'; tensor: string };

/** Opset from which the op takes axes as an input. */
function axesInputSince(op: string): number {
  return op === 'ReduceSum' ? 13 : 18;
}

export function reducedAxes(ctx: VjpContext): Axes {
  const { node, g } = ctx;
  const rank = ctx.rank(node.inputs[0]);
  if (g.opset >= axesInputSince(node.opType)) {
    const noop = attrInt(node, 'noop_with_empty_axes', 0) !== 0;
    if (!hasInput(ctx, 1)) return noop ? { kind: 'noop' } : { kind: 'all' };
    const axes = ctx.constInts(node.inputs[1]);
    if (!axes) return { kind: 'dynamic', tensor: node.inputs[1] };
    if (axes.length === 0) return noop ? { kind: 'noop' } : { kind: 'all' };
    return { kind: 'const', axes: normAxes(axes, rank) };
  }
  const axes = attrInts(node, 'axes');
  if (!axes || axes.length === 0) return { kind: 'all' };
  return { kind: 'const', axes: normAxes(axes, rank) };
}

/** Puts the reduced axes back as size-1 dims so `t` (shaped like Y) broadcasts against X. */
export function keepdimsForm(g: Graph, node: Node, t: string, axes: Axes): string {
  if (attrInt(node, 'keepdims', 1) !== 0) return t;
  // Reducing every axis without keepdims leaves a scalar, which broadcasts as it is.
  if (axes.kind === 'const') return unsqueeze(g, t, axes.axes);
  if (axes.kind === 'dynamic') return g.op('Unsqueeze', [t, axes.tensor]);
  return t;
}

/** Sum of `t` over the reduced axes, keepdims. */
function sumOver(g: Graph, t: string, axes: Axes): string {
  if (axes.kind === 'const') return reduce(g, 'ReduceSum', t, axes.axes, true);
  if (axes.kind === 'dynamic') return reduceDynamic(g, 'ReduceSum', t, axes.tensor, true);
  return reduce(g, 'ReduceSum', t, undefined, true);
}

/**
 * What every reduction's rule shares: only the data input gets a gradient, and a no-op
 * reduction (`noop_with_empty_axes`) passes `gy` through; `body` handles the real reductions.
 */
function reductionRule(body: (ctx: VjpContext, gy: string, axes: Axes) => string): VjpRule {
  return dataInputRule((ctx, gy) => {
    const axes = reducedAxes(ctx);
    return axes.kind === 'noop' ? gy : body(ctx, gy, axes);
  });
}

/** dx = Expand(keepdims(gy), shape(x)) */
const reduceSum = reductionRule((ctx, gy, axes) => {
  const { g, node } = ctx;
  const x = node.inputs[0];
  return g.op('Expand', [keepdimsForm(g, node, gy, axes), ctx.shapeOf(x)]);
});

/** dx = Expand(keepdims(gy) / N, shape(x)), N = number of elements averaged */
const reduceMean = reductionRule((ctx, gy, axes) => {
  const { g, node } = ctx;
  const x = node.inputs[0];
  const rank = ctx.rank(x);
  const counted = axes.kind === 'const' ? axes.axes : axes.kind === 'all' ? Array.from({ length: rank }, (_, i) => i) : undefined;
  const n = counted ? staticProduct(ctx, x, counted) : undefined;
  // Scaling before the Expand touches |Y| elements instead of |X|.
  const scaled = n !== undefined ? g.op('Mul', [gy, scalar(g, 1 / n)]) : g.op('Div', [gy, sizeRatio(ctx, x, node.outputs[0])]);
  return g.op('Expand', [keepdimsForm(g, node, scaled, axes), ctx.shapeOf(x)]);
});

/** dx = [x == y] * keepdims(gy) / (number of elements equal to y in the slice) */
const reduceExtremum = reductionRule((ctx, gy, axes) => {
  const { g, node } = ctx;
  const x = node.inputs[0];
  const mask = maskToFloat(g, g.op('Equal', [x, keepdimsForm(g, node, node.outputs[0], axes)]));
  const count = sumOver(g, mask, axes);
  const share = g.op('Div', [keepdimsForm(g, node, gy, axes), count]);
  return g.op('Mul', [mask, share]);
});

/** Backward rules of reductions, by op type. */
export const reduceRules: Record<string, VjpRule> = {
  /** dx = broadcast(gy) over the reduced axes */
  ReduceSum: reduceSum,

  /** dx = broadcast(gy) / N over the reduced axes */
  ReduceMean: reduceMean,

  /** dx = gy routed to the maximal elements, split evenly among ties */
  ReduceMax: reduceExtremum,

  /** dx = gy routed to the minimal elements, split evenly among ties */
  ReduceMin: reduceExtremum,

  /** dx = CumSum(gy, axis, same exclusive, reverse flipped): the adjoint of a prefix sum is a suffix sum */
  CumSum: (ctx, [gy]) => {
    const { g, node } = ctx;
    if (!gy || !ctx.needsGrad(0)) return [undefined, undefined];
    if (!hasInput(ctx, 1)) throw new UnsupportedGradientError(node.opType, node.name, 'CumSum needs its axis input');
    const exclusive = attrInt(node, 'exclusive', 0) !== 0 ? 1 : 0;
    const reverse = attrInt(node, 'reverse', 0) !== 0 ? 1 : 0;
    return [g.op('CumSum', [gy, node.inputs[1]], { exclusive, reverse: 1 - reverse }), undefined];
  },
};
