/**
 * Backward rules of Softmax, LogSoftmax and the normalisation layers, with respect to the
 * activation X only (scales, biases and running statistics are weights).
 *
 * Softmax/LogSoftmax before opset 13 normalise over the input coerced to 2-D at `axis`
 * (default 1), i.e. jointly over every axis >= axis; from 13 over the single `axis`
 * (default -1). Both become "sum over these axes" below, so no Reshape is needed.
 */
import { attrFloat, attrInt } from '../../onnx/ir.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from '../rule.js';
import { hasInput, normAxes, reduce, scalar, sizeRatio, staticProduct } from '../emit.js';

/** The axes a softmax-like node normalises over (sorted, non-negative). */
function softmaxAxes(ctx: VjpContext): number[] {
  const { node, g } = ctx;
  const rank = ctx.rank(node.inputs[0]);
  if (g.opset >= 13) return normAxes([attrInt(node, 'axis', -1)], rank);
  const axis = normAxes([attrInt(node, 'axis', 1)], rank)[0];
  return Array.from({ length: rank - axis }, (_, i) => axis + i);
}

/** The normalised axes of LayerNormalization: axis .. rank-1. */
function layerNormAxes(ctx: VjpContext): number[] {
  const rank = ctx.rank(ctx.node.inputs[0]);
  const axis = normAxes([attrInt(ctx.node, 'axis', -1)], rank)[0];
  return Array.from({ length: rank - axis }, (_, i) => axis + i);
}

/** Whether optional output `k` of the node exists. */
function hasOutput(ctx: VjpContext, k: number): boolean {
  return k < ctx.node.outputs.length && ctx.node.outputs[k] !== '';
}

/** dx = gy - Sum(gy) * exp(y)  (the backward of y = x - logsumexp(x), without LogSoftmax) */
const logSoftmax: VjpRule = (ctx, [gy]) => {
  const { g, node } = ctx;
  if (!gy || !ctx.needsGrad(0)) return [undefined];
  const s = reduce(g, 'ReduceSum', gy, softmaxAxes(ctx), true);
  return [g.op('Sub', [gy, g.op('Mul', [g.op('Exp', [node.outputs[0]]), s])])];
};

/** Backward rules of softmax and normalisation layers, by op type. */
export const normalizationRules: Record<string, VjpRule> = {
  /** dx = y * gy - y * Sum(y * gy) over the softmax axes */
  Softmax: (ctx, [gy]) => {
    const { g, node } = ctx;
    if (!gy || !ctx.needsGrad(0)) return [undefined];
    const y = node.outputs[0];
    const yg = g.op('Mul', [y, gy]);
    const s = reduce(g, 'ReduceSum', yg, softmaxAxes(ctx), true);
    return [g.op('Sub', [yg, g.op('Mul', [y, s])])];
  },

  /** dx = gy - exp(y) * Sum(gy) over the softmax axes */
  LogSoftmax: logSoftmax,

  /**
   * With xh = (x - mean) * r, r = 1/sqrt(var + eps), gh = gy * scale, means over the normalised axes:
   * dx = r * (gh - mean(gh) - xh * mean(gh * xh)) + gMean / N - gR * r^3 * (x - mean) / N
   */
  LayerNormalization: (ctx, gys) => {
    const { g, node } = ctx;
    const none = node.inputs.map(() => undefined);
    const [gy, gMean, gInv] = gys;
    if (!ctx.needsGrad(0) || (!gy && !gMean && !gInv)) return none;
    const [x, scale] = node.inputs;
    const axes = layerNormAxes(ctx);
    const eps = attrFloat(node, 'epsilon', 1e-5);
    const mean = hasOutput(ctx, 1) ? node.outputs[1] : reduce(g, 'ReduceMean', x, axes, true);
    const d = g.op('Sub', [x, mean]);
    const r = hasOutput(ctx, 2)
      ? node.outputs[2]
      : g.op('Div', [scalar(g, 1), g.op('Sqrt', [g.op('Add', [reduce(g, 'ReduceMean', g.op('Mul', [d, d]), axes, true), scalar(g, eps)])])]);
    const terms: string[] = [];
    if (gy) {
      const xh = g.op('Mul', [d, r]);
      const gh = g.op('Mul', [gy, scale]);
      const m1 = reduce(g, 'ReduceMean', gh, axes, true);
      const m2 = reduce(g, 'ReduceMean', g.op('Mul', [gh, xh]), axes, true);
      terms.push(g.op('Mul', [r, g.op('Sub', [g.op('Sub', [gh, m1]), g.op('Mul', [xh, m2])])]));
    }
    if (gMean || gInv) {
      const n = staticProduct(ctx, x, axes);
      // N from the keepdims statistic's shape when the normalised dims are symbolic.
      const invN = n !== undefined ? scalar(g, 1 / n) : g.op('Div', [scalar(g, 1), sizeRatio(ctx, x, gMean ?? gInv ?? '')]);
      if (gMean) terms.push(g.op('Expand', [g.op('Mul', [gMean, invN]), ctx.shapeOf(x)]));
      if (gInv) {
        const r3 = g.op('Mul', [r, g.op('Mul', [r, r])]);
        terms.push(g.op('Mul', [d, g.op('Neg', [g.op('Mul', [g.op('Mul', [gInv, r3]), invN])])]));
      }
    }
    return [terms.reduce((acc, t) => g.op('Add', [acc, t])), ...none.slice(1)];
  },

  /** Inference mode, y = (x - mean) / sqrt(var + eps) * scale + B:  dx = gy * scale / sqrt(var + eps) (per channel, axis 1) */
  BatchNormalization: (ctx, [gy]) => {
    const { g, node } = ctx;
    const none = node.inputs.map(() => undefined);
    if (!gy || !ctx.needsGrad(0)) return none;
    if (attrInt(node, 'training_mode', 0) !== 0 || node.outputs.filter((o) => o !== '').length > 1) {
      throw new UnsupportedGradientError(node.opType, node.name, 'only inference mode (one output, training_mode = 0) is supported');
    }
    // spatial = 0 (opset < 9) normalises per activation, with [C, D1, ...] statistics.
    if (attrInt(node, 'spatial', 1) === 0) throw new UnsupportedGradientError(node.opType, node.name, 'spatial = 0 is not supported');
    if (!hasInput(ctx, 4)) throw new UnsupportedGradientError(node.opType, node.name, 'the variance input is missing');
    const [x, scale, , , variance] = node.inputs;
    const rank = ctx.rank(x);
    const eps = attrFloat(node, 'epsilon', 1e-5);
    const factor = g.op('Div', [scale, g.op('Sqrt', [g.op('Add', [variance, scalar(g, eps)])])]); // [C]
    // [C] -> [C, 1, ..., 1] so it broadcasts along axis 1 of [N, C, D1, ...].
    const perChannel = rank > 2 ? g.op('Reshape', [factor, g.constI64([-1, ...Array<number>(rank - 2).fill(1)])]) : factor;
    return [g.op('Mul', [gy, perChannel]), ...none.slice(1)];
  },
};
