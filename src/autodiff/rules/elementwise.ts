/**
 * Backward rules of element-wise ops. `gy` is dL/dY; every rule returns dL/d(input i).
 * Binary ops broadcast (numpy rules), so every operand gradient goes through
 * `ctx.unbroadcast`. Only ops the WebGPU EP runs on float32 are emitted (no Sign, Sum,
 * ConstantOfShape): signs and masks are built from Greater/Less/Equal + Where or Cast.
 *
 * Conventions at non-differentiable points (all match PyTorch autograd):
 * - Relu'(0) = 0; Abs'(0) = 0.
 * - Clip: the gradient passes where min <= x <= max (boundaries included, as torch.clamp).
 * - Min/Max: on ties the gradient is split evenly among the tied inputs (torch.maximum gives
 *   grad/2 to each of two equal operands; this generalises it to n inputs).
 * - Pow: d/dB (A^B) is 0 where A == 0 (torch masks the log(0) term the same way).
 */
import { attrFloat, attrInt } from '../../onnx/ir.js';
import { dtypeToOnnx, isFloat } from '../../onnx/tensor.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from '../rule.js';
import { FLOAT32, hasInput, maskToFloat, scalar } from '../emit.js';

type Grads = (string | undefined)[];

/** Gradient of input i, computed only if the builder asks for it. */
function grads(ctx: VjpContext, n: number, f: (i: number) => string | undefined): Grads {
  return Array.from({ length: n }, (_, i) => (ctx.needsGrad(i) ? f(i) : undefined));
}

/** A unary rule `dx = local(gy)`; no gradient in means none out. */
function unary(local: (ctx: VjpContext, gy: string, x: string, y: string) => string): VjpRule {
  return (ctx, [gy]) => {
    if (!gy || !ctx.needsGrad(0)) return [undefined];
    return [local(ctx, gy, ctx.node.inputs[0], ctx.node.outputs[0])];
  };
}

/** Ops that pass the gradient through unchanged. Extra inputs (Dropout's ratio) get none. */
const passThrough: VjpRule = (ctx, [gy]) => ctx.node.inputs.map((_, i) => (i === 0 && gy && ctx.needsGrad(0) ? gy : undefined));

/** Min and Max: dx_i = gy * [x_i == y] / #{j : x_j == y} (ties split evenly). */
const extremum: VjpRule = (ctx, [gy]) => {
  const { g, node } = ctx;
  const n = node.inputs.length;
  if (!gy) return node.inputs.map(() => undefined);
  if (n === 1) return [ctx.needsGrad(0) ? gy : undefined];
  const y = node.outputs[0];
  const masks = node.inputs.map((x) => maskToFloat(g, g.op('Equal', [x, y])));
  const count = masks.reduce((acc, m) => g.op('Add', [acc, m]));
  const share = g.op('Div', [gy, count]);
  return grads(ctx, n, (i) => ctx.unbroadcast(g.op('Mul', [share, masks[i]]), node.inputs[i], y));
};

/** Whether two tensors have the same statically known shape. */
function sameShape(ctx: VjpContext, a: string, b: string): boolean {
  const sa = ctx.type(a)?.shape;
  const sb = ctx.type(b)?.shape;
  return sa !== undefined && sb !== undefined && sa.length === sb.length && sa.every((d, i) => d === sb[i]);
}

/** Whether a tensor statically has exactly one element. */
function isOneElement(ctx: VjpContext, t: string): boolean {
  const s = ctx.type(t)?.shape;
  return s !== undefined && s.every((d) => d === 1);
}

/** dA of Pow: gy * B * A^(B-1); a scalar constant exponent gets cheaper special cases. */
function powGradBase(ctx: VjpContext, gy: string): string {
  const { g, node } = ctx;
  const [a, b] = node.inputs;
  const c = ctx.constFloats(b) ?? ctx.constInts(b);
  if (c && c.length === 1) {
    const e = c[0];
    if (e === 0) return g.op('Mul', [gy, scalar(g, 0)]);
    if (e === 1) return gy;
    if (e === 2) return g.op('Mul', [gy, g.op('Mul', [a, scalar(g, 2)])]);
    return g.op('Mul', [gy, g.op('Mul', [g.op('Pow', [a, scalar(g, e - 1)]), scalar(g, e)])]);
  }
  // An integer exponent tensor is cast so the arithmetic stays in float32.
  const bf = isFloat(ctx.type(b)?.dtype) ? b : g.op('Cast', [b], { to: FLOAT32 });
  let bm1 = g.op('Sub', [bf, scalar(g, 1)]);
  // ORT's WebGPU Pow fails at run time ("raw_hash_map::at") when the exponent is broadcast
  // along some axes (e.g. [2,3,4] ^ [1,3,1]); an exponent of the output's shape is safe.
  if (!sameShape(ctx, b, node.outputs[0]) && !isOneElement(ctx, b)) bm1 = g.op('Expand', [bm1, ctx.shapeOf(node.outputs[0])]);
  const local = g.op('Mul', [bf, g.op('Pow', [a, bm1])]);
  return g.op('Mul', [gy, local]);
}

/** ONNX float dtype codes: float, float16, double, bfloat16. */
const FLOAT_CODES = new Set([1, 10, 11, 16]);

/** Backward rules of element-wise ops, by op type. */
export const elementwiseRules: Record<string, VjpRule> = {
  /** dA = unbroadcast(gy), dB = unbroadcast(gy) */
  Add: (ctx, [gy]) => {
    if (!gy) return [undefined, undefined];
    const [a, b] = ctx.node.inputs;
    const y = ctx.node.outputs[0];
    return grads(ctx, 2, (i) => ctx.unbroadcast(gy, i === 0 ? a : b, y));
  },

  /** dA = unbroadcast(gy), dB = unbroadcast(-gy) */
  Sub: (ctx, [gy]) => {
    if (!gy) return [undefined, undefined];
    const [a, b] = ctx.node.inputs;
    const y = ctx.node.outputs[0];
    return grads(ctx, 2, (i) => (i === 0 ? ctx.unbroadcast(gy, a, y) : ctx.unbroadcast(ctx.g.op('Neg', [gy]), b, y)));
  },

  /** dA = unbroadcast(gy * B), dB = unbroadcast(gy * A) */
  Mul: (ctx, [gy]) => {
    if (!gy) return [undefined, undefined];
    const [a, b] = ctx.node.inputs;
    const y = ctx.node.outputs[0];
    return grads(ctx, 2, (i) => ctx.unbroadcast(ctx.g.op('Mul', [gy, i === 0 ? b : a]), i === 0 ? a : b, y));
  },

  /** dA = unbroadcast(gy / B), dB = unbroadcast(-gy * Y / B)  (Y / B = A / B^2) */
  Div: (ctx, [gy]) => {
    if (!gy) return [undefined, undefined];
    const { g } = ctx;
    const [a, b] = ctx.node.inputs;
    const y = ctx.node.outputs[0];
    return grads(ctx, 2, (i) =>
      i === 0
        ? ctx.unbroadcast(g.op('Div', [gy, b]), a, y)
        : ctx.unbroadcast(g.op('Neg', [g.op('Mul', [gy, g.op('Div', [y, b])])]), b, y),
    );
  },

  /** dx = -gy */
  Neg: unary((ctx, gy) => ctx.g.op('Neg', [gy])),

  /** dA = unbroadcast(gy * B * A^(B-1)), dB = unbroadcast(gy * Y * log A), 0 where A == 0 */
  Pow: (ctx, [gy]) => {
    if (!gy) return [undefined, undefined];
    const { g } = ctx;
    const [a, b] = ctx.node.inputs;
    const y = ctx.node.outputs[0];
    return grads(ctx, 2, (i) => {
      if (i === 0) return ctx.unbroadcast(powGradBase(ctx, gy), a, y);
      if (!isFloat(ctx.type(b)?.dtype)) return undefined;
      const full = g.op('Mul', [gy, g.op('Mul', [y, g.op('Log', [a])])]);
      const masked = g.op('Where', [g.op('Equal', [a, scalar(g, 0)]), scalar(g, 0), full]);
      return ctx.unbroadcast(masked, b, y);
    });
  },

  /** dx = gy * 0.5 / Y */
  Sqrt: unary((ctx, gy, _x, y) => ctx.g.op('Div', [ctx.g.op('Mul', [gy, scalar(ctx.g, 0.5)]), y])),

  /** dx = gy * Y */
  Exp: unary((ctx, gy, _x, y) => ctx.g.op('Mul', [gy, y])),

  /** dx = gy / x */
  Log: unary((ctx, gy, x) => ctx.g.op('Div', [gy, x])),

  /** dx = gy * 2/sqrt(pi) * exp(-x^2) */
  Erf: unary((ctx, gy, x) => {
    const { g } = ctx;
    const e = g.op('Exp', [g.op('Neg', [g.op('Mul', [x, x])])]);
    return g.op('Mul', [gy, g.op('Mul', [e, scalar(g, 2 / Math.sqrt(Math.PI))])]);
  }),

  /** dx = gy * (1 - Y^2) */
  Tanh: unary((ctx, gy, _x, y) => {
    const { g } = ctx;
    return g.op('Mul', [gy, g.op('Sub', [scalar(g, 1), g.op('Mul', [y, y])])]);
  }),

  /** dx = gy * Y * (1 - Y) */
  Sigmoid: unary((ctx, gy, _x, y) => {
    const { g } = ctx;
    return g.op('Mul', [gy, g.op('Mul', [y, g.op('Sub', [scalar(g, 1), y])])]);
  }),

  /** dx = gy * [x > 0] */
  Relu: unary((ctx, gy, x) => {
    const { g } = ctx;
    return g.op('Where', [g.op('Greater', [x, scalar(g, 0)]), gy, scalar(g, 0)]);
  }),

  /** dx = gy * [min <= x <= max]; dmin = sum(gy * [x < min]), dmax = sum(gy * [x > max]) */
  Clip: (ctx, [gy]) => {
    const { g, node } = ctx;
    const none = node.inputs.map(() => undefined);
    if (!gy) return none;
    const x = node.inputs[0];
    const y = node.outputs[0];
    // Opset < 11 carries the bounds as attributes; absent means unbounded on that side.
    const bound = (i: number, attr: 'min' | 'max'): string | undefined => {
      if (g.opset >= 11) return hasInput(ctx, i) ? node.inputs[i] : undefined;
      return attr in node.attrs ? scalar(g, attrFloat(node, attr, 0)) : undefined;
    };
    const lo = bound(1, 'min');
    const hi = bound(2, 'max');
    const below = lo ? g.op('Less', [x, lo]) : undefined;
    const above = hi ? g.op('Greater', [x, hi]) : undefined;
    const zero = scalar(g, 0);
    return grads(ctx, node.inputs.length, (i) => {
      if (i === 0) {
        let gx = gy;
        if (below) gx = g.op('Where', [below, zero, gx]);
        if (above) gx = g.op('Where', [above, zero, gx]);
        return gx;
      }
      const side = i === 1 ? below : above;
      const boundName = node.inputs[i];
      if (!side) return undefined;
      return ctx.unbroadcast(g.op('Where', [side, gy, zero]), boundName, y);
    });
  },

  /** dx_i = gy * [x_i == Y] / (number of inputs equal to Y) */
  Max: extremum,

  /** dx_i = gy * [x_i == Y] / (number of inputs equal to Y) */
  Min: extremum,

  /** dx = gy * sign(x), with sign(0) = 0 */
  Abs: unary((ctx, gy, x) => {
    const { g } = ctx;
    const zero = scalar(g, 0);
    const pos = g.op('Where', [g.op('Greater', [x, zero]), gy, zero]);
    return g.op('Where', [g.op('Less', [x, zero]), g.op('Neg', [gy]), pos]);
  }),

  /** dX = unbroadcast(Where(c, gy, 0)), dY = unbroadcast(Where(c, 0, gy)); the condition gets none */
  Where: (ctx, [gy]) => {
    const { g, node } = ctx;
    if (!gy) return [undefined, undefined, undefined];
    const [cond, xa, xb] = node.inputs;
    const out = node.outputs[0];
    const zero = scalar(g, 0);
    return grads(ctx, 3, (i) => {
      if (i === 1) return ctx.unbroadcast(g.op('Where', [cond, gy, zero]), xa, out);
      if (i === 2) return ctx.unbroadcast(g.op('Where', [cond, zero, gy]), xb, out);
      return undefined;
    });
  },

  /** dx = Cast(gy, to = dtype(x)) when both sides are float; a cast to an integer type has none */
  Cast: (ctx, [gy]) => {
    const { g, node } = ctx;
    if (!gy || !ctx.needsGrad(0)) return [undefined];
    if (!FLOAT_CODES.has(attrInt(node, 'to', 0))) return [undefined];
    const x = node.inputs[0];
    const dtype = ctx.type(x)?.dtype;
    if (!dtype) throw new UnsupportedGradientError(node.opType, node.name, `the dtype of input "${x}" is unknown`);
    if (!isFloat(dtype)) return [undefined];
    return [g.op('Cast', [gy], { to: dtypeToOnnx(dtype) })];
  },

  /** dx = gy */
  Identity: passThrough,

  /** dx = gy (inference: Dropout is the identity; training_mode = true is refused) */
  Dropout: (ctx, gy) => {
    const { node } = ctx;
    const training = hasInput(ctx, 2) ? ctx.constInts(node.inputs[2]) : [0];
    if (!training || training[0] !== 0) {
      throw new UnsupportedGradientError(node.opType, node.name, 'training_mode must be a constant false (inference graphs only)');
    }
    return passThrough(ctx, gy);
  },
};
