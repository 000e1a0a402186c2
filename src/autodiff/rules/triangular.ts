/**
 * Backward rule of Trilu (causal masks, and triangles of activations): y keeps the upper or
 * lower triangle of x's last two axes and zeroes the rest, so dx = Trilu(gy) with the same
 * diagonal offset and side. The offset input k carries no gradient.
 */
import type { VjpRule } from '../rule.js';

/** Backward rules of triangular masking, by op type. */
export const triangularRules: Record<string, VjpRule> = {
  /** dx = Trilu(gy, k, upper) */
  Trilu: (ctx, [gy]) => {
    const { g, node } = ctx;
    if (!gy || !ctx.needsGrad(0)) return node.inputs.map(() => undefined);
    const inputs = node.inputs[1] ? [gy, node.inputs[1]] : [gy];
    return [g.op('Trilu', inputs, { ...(node.attrs.upper ? { upper: node.attrs.upper } : {}) }), undefined];
  },
};
