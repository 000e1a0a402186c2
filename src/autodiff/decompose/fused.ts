/**
 * Fused ops of ONNX Runtime's `com.microsoft` domain (what optimized Hub exports contain),
 * rewritten into their standard-op definitions so backward rules stay standard. These
 * rewrites are exact: the explained function is the file's own.
 *
 * - `Gelu(x)` = 0.5 x (1 + erf(x / sqrt 2)); `BiasGelu(a, b)` = Gelu(a + b);
 * - `FastGelu(x, bias?)` = 0.5 u (1 + tanh(sqrt(2/pi) (u + 0.044715 u^3))), u = x + bias;
 * - `QuickGelu(x)` = x sigmoid(alpha x), alpha default 1.702;
 * - `SkipLayerNormalization(x, skip, gamma, beta?, bias?)` = LayerNorm(x + skip + bias) over the
 *   last axis; its optional 4th output is x + skip + bias;
 * - `SkipSimplifiedLayerNormalization(x, skip, gamma, bias?)` and
 *   `SimplifiedLayerNormalization(x, gamma)` (RMSNorm) = s / sqrt(mean(s^2) + eps) * gamma.
 */
import { attrFloat, attrInt, type Attr, type Node } from '../../onnx/ir.js';
import { unsupportedForm, type DecomposeContext } from './context.js';

const MS = 'com.microsoft';
const float = (value: number): Attr => ({ type: 'float', value });

/** Emits a node with fresh output names (or `out` for the last one). */
function op(ctx: DecomposeContext, type: string, inputs: string[], attrs: Node['attrs'] = {}, out?: string): string {
  const o = out ?? ctx.fresh(type.toLowerCase());
  ctx.emit(type, inputs, o, attrs);
  return o;
}

function sumOf(ctx: DecomposeContext, terms: (string | undefined)[], out?: string): string {
  const present = terms.filter((t): t is string => Boolean(t));
  let acc = present[0];
  for (let i = 1; i < present.length; i++) acc = op(ctx, 'Add', [acc, present[i]], {}, i === present.length - 1 ? out : undefined);
  if (present.length === 1 && out) op(ctx, 'Identity', [acc], {}, out);
  return out ?? acc;
}

function gelu(ctx: DecomposeContext, x: string, out: string): void {
  const erf = op(ctx, 'Erf', [op(ctx, 'Div', [x, ctx.g.scalarF32(Math.SQRT2)])]);
  const half = op(ctx, 'Mul', [x, ctx.g.scalarF32(0.5)]);
  op(ctx, 'Mul', [half, op(ctx, 'Add', [erf, ctx.g.scalarF32(1)])], {}, out);
}

function fastGelu(ctx: DecomposeContext, u: string, out: string): void {
  const cube = op(ctx, 'Mul', [op(ctx, 'Mul', [u, u]), u]);
  const inner = op(ctx, 'Mul', [op(ctx, 'Add', [u, op(ctx, 'Mul', [cube, ctx.g.scalarF32(0.044715)])]), ctx.g.scalarF32(Math.sqrt(2 / Math.PI))]);
  const half = op(ctx, 'Mul', [u, ctx.g.scalarF32(0.5)]);
  op(ctx, 'Mul', [half, op(ctx, 'Add', [op(ctx, 'Tanh', [inner]), ctx.g.scalarF32(1)])], {}, out);
}

/** s / sqrt(mean(s^2 over the axes) + eps) * gamma. */
function rmsNorm(ctx: DecomposeContext, s: string, gamma: string, eps: number, axes: number[], out: string): void {
  const sq = op(ctx, 'Mul', [s, s]);
  // ReduceMean takes its axes as an input from opset 18 on.
  const mean = ctx.g.opset >= 18 ? op(ctx, 'ReduceMean', [sq, ctx.g.constI64(axes)], { keepdims: { type: 'int', value: 1 } }) : op(ctx, 'ReduceMean', [sq], { axes: { type: 'ints', value: axes }, keepdims: { type: 'int', value: 1 } });
  const rms = op(ctx, 'Sqrt', [op(ctx, 'Add', [mean, ctx.g.scalarF32(eps)])]);
  op(ctx, 'Mul', [op(ctx, 'Div', [s, rms]), gamma], {}, out);
}

function rewrite(ctx: DecomposeContext, n: Node): boolean {
  const [x, second, third, fourth, fifth] = n.inputs;
  const y = n.outputs[0];
  const eps = attrFloat(n, 'epsilon', 1e-5);
  const extraOutputs = n.outputs.slice(1).filter(Boolean);
  switch (n.opType) {
    case 'Gelu':
      gelu(ctx, x, y);
      break;
    case 'BiasGelu':
      gelu(ctx, sumOf(ctx, [x, second]), y);
      break;
    case 'FastGelu':
      fastGelu(ctx, second ? sumOf(ctx, [x, second]) : x, y);
      break;
    case 'QuickGelu':
      op(ctx, 'Mul', [x, op(ctx, 'Sigmoid', [op(ctx, 'Mul', [x, ctx.g.scalarF32(attrFloat(n, 'alpha', 1.702))])])], {}, y);
      break;
    case 'SkipLayerNormalization': {
      // Outputs: output, mean, inv_std_var, input_skip_bias_sum; only the first and last are rebuilt.
      if (n.outputs[1] || n.outputs[2]) throw unsupportedForm(n, 'its mean / inverse-std outputs are used');
      const s = sumOf(ctx, [x, second, fifth], n.outputs[3] || undefined);
      ctx.g.opset = Math.max(ctx.g.opset, 17);
      const beta = fourth || ctx.g.constant({ dtype: 'float32', dims: [1], values: new Float32Array(1) }, 'beta');
      op(ctx, 'LayerNormalization', [s, third, beta], { axis: { type: 'int', value: -1 }, epsilon: float(eps) }, y);
      break;
    }
    case 'SkipSimplifiedLayerNormalization': {
      if (n.outputs[1] || n.outputs[2]) throw unsupportedForm(n, 'its mean / inverse-std outputs are used');
      rmsNorm(ctx, sumOf(ctx, [x, second, fourth], n.outputs[3] || undefined), third, eps, [-1], y);
      break;
    }
    case 'SimplifiedLayerNormalization': {
      if (n.outputs[1]) throw unsupportedForm(n, 'its inverse-std output is used');
      const axis = attrInt(n, 'axis', -1);
      const rank = ctx.g.valueInfo.get(x)?.shape?.length;
      if (axis !== -1 && rank === undefined) throw unsupportedForm(n, `axis ${axis} on a tensor of unknown rank`);
      const first = rank === undefined ? 0 : axis < 0 ? axis + rank : axis;
      const axes = axis === -1 ? [-1] : Array.from({ length: (rank ?? 0) - first }, (_, i) => first + i);
      rmsNorm(ctx, x, second, eps, axes, y);
      break;
    }
    default:
      return false;
  }
  if (extraOutputs.length > 0 && !n.opType.startsWith('Skip')) throw unsupportedForm(n, 'it has extra outputs');
  ctx.replace(n.opType, [n]);
  return true;
}

/** Fused op types this pass rewrites. */
export const FUSED_OPS = ['Gelu', 'BiasGelu', 'FastGelu', 'QuickGelu', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization', 'SimplifiedLayerNormalization'] as const;

/** Rewrites every fused op of {@link FUSED_OPS} (`SimplifiedLayerNormalization` in either domain: ORT registers it in the default one). */
export function decomposeFused(ctx: DecomposeContext): void {
  for (const n of [...ctx.g.nodes]) {
    if (n.domain === MS || (n.domain === '' && n.opType === 'SimplifiedLayerNormalization')) rewrite(ctx, n);
  }
}
