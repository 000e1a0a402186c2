/** Shape rules of reductions (Reduce*, ArgMax, ArgMin). */
import { normAxis } from '../arrays.js';
import { attrInt, attrInts, type Dim } from '../ir.js';
import type { DType } from '../tensor.js';
import type { RuleCtx, ShapeRule, ShapeRules } from './context.js';

/** Reads the axes of a Reduce* node: attribute before the opset where it became an input. */
function reduceAxes(c: RuleCtx, inputFrom: number): { axes: number[] | undefined; known: boolean; count?: number } {
  if (c.opset >= inputFrom) {
    if (!c.has(1)) return { axes: undefined, known: true };
    const a = c.ints(1);
    return a ? { axes: a, known: true } : { axes: undefined, known: false, count: c.len(1) };
  }
  return { axes: attrInts(c.node, 'axes'), known: true };
}

function reduceRule(inputFrom: number, outDtype?: DType): ShapeRule {
  return (c) => {
    const s = c.shape(0);
    const keep = attrInt(c.node, 'keepdims', 1) !== 0;
    const dtype = outDtype ?? c.dtype(0);
    if (!s) return c.set(0, dtype, undefined);
    const { axes, known, count } = reduceAxes(c, inputFrom);
    if (!known) {
      // Axes computed at run time: rank is still known when keepdims or the axes count is static.
      if (keep) return c.set(0, dtype, c.freshDims(s.length));
      return c.set(0, dtype, count === undefined ? undefined : c.freshDims(s.length - count));
    }
    let ax = axes;
    if (!ax || ax.length === 0) {
      if (attrInt(c.node, 'noop_with_empty_axes', 0) !== 0) return c.set(0, dtype, s);
      ax = s.map((_, i) => i);
    }
    const set = new Set(ax.map((a) => normAxis(a, s.length)));
    const out: Dim[] = [];
    s.forEach((d, i) => {
      if (!set.has(i)) out.push(d);
      else if (keep) out.push(1);
    });
    c.set(0, dtype, out);
  };
}

function argReduce(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, 'int64', undefined);
  const axis = normAxis(attrInt(c.node, 'axis', 0), s.length);
  const keep = attrInt(c.node, 'keepdims', 1) !== 0;
  c.set(0, 'int64', keep ? s.map((d, i) => (i === axis ? 1 : d)) : s.filter((_, i) => i !== axis));
}

/** Shape rules of reductions, by op type. The number is the opset where `axes` became an input. */
export const reduceShapeRules: ShapeRules = {
  ReduceSum: reduceRule(13),
  ReduceMean: reduceRule(18),
  ReduceMax: reduceRule(18),
  ReduceMin: reduceRule(18),
  ReduceProd: reduceRule(18),
  ReduceSumSquare: reduceRule(18),
  ReduceLogSumExp: reduceRule(18),
  ReduceLogSum: reduceRule(18),
  ReduceL1: reduceRule(18),
  ReduceL2: reduceRule(18),
  ArgMax: argReduce,
  ArgMin: argReduce,
};
