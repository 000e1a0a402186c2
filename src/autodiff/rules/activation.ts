/**
 * Backward rules of activation functions real exports contain beyond Relu / Sigmoid / Tanh /
 * Erf (those live in elementwise.ts). Each is dx = gy * f'(x), with f' written in ops the
 * WebGPU EP runs on float32.
 *
 * Conventions at kinks match PyTorch autograd: LeakyRelu and Elu take the negative branch at
 * x = 0 (torch: `x > 0`); HardSigmoid's slope is alpha strictly inside (0, 1) of its affine
 * part; HardSwish's derivative is x/3 + 1/2 on [-3, 3] (torch's `x <= 3` branch), 0 below, 1
 * above.
 */
import { attrFloat, attrString } from '../../onnx/ir.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from '../rule.js';
import { scalar } from '../emit.js';

/** A unary rule dx = gy * local(x, y). */
function unary(local: (ctx: VjpContext, x: string, y: string) => string): VjpRule {
  return (ctx, [gy]) => {
    if (!gy || !ctx.needsGrad(0)) return ctx.node.inputs.map(() => undefined);
    return [ctx.g.op('Mul', [gy, local(ctx, ctx.node.inputs[0], ctx.node.outputs[0])])];
  };
}

/** Where(cond, a, b) with scalar branches given as numbers. */
function where(ctx: VjpContext, cond: string, a: string | number, b: string | number): string {
  const s = (v: string | number): string => (typeof v === 'number' ? scalar(ctx.g, v) : v);
  return ctx.g.op('Where', [cond, s(a), s(b)]);
}

const SQRT_2_PI = Math.sqrt(2 / Math.PI);

/** Backward rules of activations, by op type. */
export const activationRules: Record<string, VjpRule> = {
  /**
   * Gelu (opset 20). 'none': Phi(x) + x phi(x); 'tanh': 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi)
   * (1 + 3 * 0.044715 x^2), t = tanh(sqrt(2/pi) (x + 0.044715 x^3)).
   */
  Gelu: unary((ctx, x) => {
    const { g } = ctx;
    const approx = attrString(ctx.node, 'approximate', 'none');
    const x2 = g.op('Mul', [x, x]);
    if (approx === 'tanh') {
      const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [g.op('Mul', [x2, x]), scalar(g, 0.044715)])]), scalar(g, SQRT_2_PI)]);
      const t = g.op('Tanh', [inner]);
      const left = g.op('Mul', [g.op('Add', [t, scalar(g, 1)]), scalar(g, 0.5)]);
      const dInner = g.op('Mul', [g.op('Add', [g.op('Mul', [x2, scalar(g, 3 * 0.044715)]), scalar(g, 1)]), scalar(g, SQRT_2_PI)]);
      const sech2 = g.op('Sub', [scalar(g, 1), g.op('Mul', [t, t])]);
      return g.op('Add', [left, g.op('Mul', [g.op('Mul', [g.op('Mul', [x, scalar(g, 0.5)]), sech2]), dInner])]);
    }
    if (approx !== 'none') throw new UnsupportedGradientError('Gelu', ctx.node.name, `unknown approximate="${approx}"`);
    const cdf = g.op('Mul', [g.op('Add', [g.op('Erf', [g.op('Mul', [x, scalar(g, Math.SQRT1_2)])]), scalar(g, 1)]), scalar(g, 0.5)]);
    const pdf = g.op('Mul', [g.op('Exp', [g.op('Mul', [x2, scalar(g, -0.5)])]), scalar(g, 1 / Math.sqrt(2 * Math.PI))]);
    return g.op('Add', [cdf, g.op('Mul', [x, pdf])]);
  }),

  /** dx = -gy * y^2 */
  Reciprocal: unary((ctx, _x, y) => ctx.g.op('Neg', [ctx.g.op('Mul', [y, y])])),

  /** dx = gy * (x > 0 ? 1 : alpha) */
  LeakyRelu: unary((ctx, x) => where(ctx, ctx.g.op('Greater', [x, scalar(ctx.g, 0)]), 1, attrFloat(ctx.node, 'alpha', 0.01))),

  /** dx = gy * (x > 0 ? 1 : y + alpha) */
  Elu: unary((ctx, x, y) => {
    const alpha = attrFloat(ctx.node, 'alpha', 1);
    return where(ctx, ctx.g.op('Greater', [x, scalar(ctx.g, 0)]), 1, ctx.g.op('Add', [y, scalar(ctx.g, alpha)]));
  }),

  /** dx = gy * sigmoid(x) */
  Softplus: unary((ctx, x) => ctx.g.op('Sigmoid', [x])),

  /** dx = gy * alpha where 0 < alpha x + beta < 1, else 0 */
  HardSigmoid: unary((ctx, x) => {
    const { g } = ctx;
    const alpha = attrFloat(ctx.node, 'alpha', 0.2);
    const u = g.op('Add', [g.op('Mul', [x, scalar(g, alpha)]), scalar(g, attrFloat(ctx.node, 'beta', 0.5))]);
    // Nested Where, not And: And has no float32-path kernel on the WebGPU EP.
    return where(ctx, g.op('Greater', [u, scalar(g, 0)]), where(ctx, g.op('Less', [u, scalar(g, 1)]), alpha, 0), 0);
  }),

  /** dx = gy * (x < -3 ? 0 : x <= 3 ? x/3 + 1/2 : 1) */
  HardSwish: unary((ctx, x) => {
    const { g } = ctx;
    const mid = g.op('Add', [g.op('Mul', [x, scalar(g, 1 / 3)]), scalar(g, 0.5)]);
    return where(ctx, g.op('Less', [x, scalar(g, -3)]), 0, where(ctx, g.op('Greater', [x, scalar(g, 3)]), 1, mid));
  }),

  /**
   * dx = gy * (tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x)), sp = softplus(x), with
   * tanh(softplus(x)) = n / (n + 2), n = e^x (e^x + 2) (no Softplus kernel needed; x is capped
   * at 20, where the ratio is 1 in float32, so e^x cannot overflow).
   */
  Mish: unary((ctx, x) => {
    const { g } = ctx;
    const capped = g.op('Where', [g.op('Greater', [x, scalar(g, 20)]), scalar(g, 20), x]);
    const e = g.op('Exp', [capped]);
    const n = g.op('Mul', [e, g.op('Add', [e, scalar(g, 2)])]);
    const t = g.op('Div', [n, g.op('Add', [n, scalar(g, 2)])]);
    const sech2 = g.op('Sub', [scalar(g, 1), g.op('Mul', [t, t])]);
    return g.op('Add', [t, g.op('Mul', [g.op('Mul', [x, sech2]), g.op('Sigmoid', [x])])]);
  }),
};
