/**
 * Backward rules of the smooth reductions ReduceL2 and ReduceLogSumExp (axes handling is
 * shared with reduce.ts):
 *
 * - ReduceL2: y = sqrt(sum x^2), dx = gy * x / y (0 where y = 0, as torch.linalg.norm's
 *   subgradient at 0);
 * - ReduceLogSumExp: y = log(sum exp x), dx = gy * exp(x - y) (softmax over the slice).
 */
import type { VjpRule } from '../rule.js';
import { scalar } from '../emit.js';
import { keepdimsForm, reducedAxes } from './reduce.js';

/** dx = keepdims(gy) * local(x, keepdims(y)) */
function smooth(local: (g: Parameters<VjpRule>[0]['g'], x: string, y: string) => string): VjpRule {
  return (ctx, [gy]) => {
    const { g, node } = ctx;
    const none = node.inputs.map(() => undefined);
    if (!gy || !ctx.needsGrad(0)) return none;
    const axes = reducedAxes(ctx);
    const x = node.inputs[0];
    if (axes.kind === 'noop') {
      // No axes with noop_with_empty_axes: element-wise, y = |x| (L2) or x (LogSumExp); the same formulas hold.
      const y = node.outputs[0];
      return [g.op('Mul', [gy, local(g, x, y)]), ...none.slice(1)];
    }
    const y = keepdimsForm(g, node, node.outputs[0], axes);
    return [g.op('Mul', [keepdimsForm(g, node, gy, axes), local(g, x, y)]), ...none.slice(1)];
  };
}

/** Backward rules of smooth reductions, by op type. */
export const smoothReduceRules: Record<string, VjpRule> = {
  /** dx = gy * x / y, 0 where y = 0 */
  ReduceL2: smooth((g, x, y) => {
    const zero = g.op('Equal', [y, scalar(g, 0)]);
    const safe = g.op('Where', [zero, scalar(g, 1), y]);
    return g.op('Where', [zero, scalar(g, 0), g.op('Div', [x, safe])]);
  }),

  /** dx = gy * exp(x - y) */
  ReduceLogSumExp: smooth((g, x, y) => g.op('Exp', [g.op('Sub', [x, y])])),
};
