/**
 * Pad in `reflect` and `edge` modes (image models pad convolutions this way); `constant`
 * stays with the rule in shape.ts. The padded values are copies of input elements, so their
 * gradients fold back onto those elements, one padded axis at a time:
 *
 * - edge: everything padded before an axis is a copy of element 0, after it of element n-1:
 *   their gradients are summed onto those elements;
 * - reflect: the element at distance k before the start copies element k (k = 1..b), the one
 *   at distance k after the end copies element n-1-k: their gradients are gathered in that
 *   order (Gather, not negative-step Slice, which the WebGPU EPs get wrong) and added.
 *
 * Pads must be constant and non-negative. Slices count from the axis's start or end and are
 * joined with Concat, so symbolic axis sizes work.
 */
import { attrInts, attrString } from '../../onnx/ir.js';
import { normAxis } from '../../onnx/arrays.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from '../rule.js';
import { reduce } from '../emit.js';
import { shapeRules } from './shape.js';

function fail(ctx: VjpContext, why: string): never {
  throw new UnsupportedGradientError('Pad', ctx.node.name, why);
}

/** Far past any axis end, for "to the end" slices. */
const END = 2 ** 62;

/**
 * The gradient of one padded axis folded back: G has b + n + a entries along `axis`. Every
 * index is counted from the start or from the end, so n need not be known when building.
 */
function foldAxis(ctx: VjpContext, G: string, axis: number, b: number, a: number, mode: string): string {
  const { g } = ctx;
  const slice = (t: string, s: number, e: number): string => g.op('Slice', [t, g.constI64([s]), g.constI64([e]), g.constI64([axis])]);
  const concat = (parts: string[]): string => g.op('Concat', parts, { axis });
  /** t with `add` added to its entries [s, e) along the axis (e may count from the end). */
  const addAt = (t: string, add: string, s: number, e: number): string => concat([slice(t, 0, s), g.op('Add', [slice(t, s, e), add]), slice(t, e, END)]);
  let dx = slice(G, b, a > 0 ? -a : END);
  if (mode === 'edge') {
    if (b > 0) dx = addAt(dx, reduce(g, 'ReduceSum', slice(G, 0, b), [axis], true), 0, 1);
    if (a > 0) dx = addAt(dx, reduce(g, 'ReduceSum', slice(G, -a, END), [axis], true), -1, END);
    return dx;
  }
  const gather = (idx: number[]): string => g.op('Gather', [G, g.constI64(idx)], { axis });
  // Elements 1..b receive G[b-1], ..., G[0]; elements n-1-a..n-2 receive G[-1], ..., G[-a].
  if (b > 0) dx = addAt(dx, gather(Array.from({ length: b }, (_, i) => b - 1 - i)), 1, 1 + b);
  if (a > 0) dx = addAt(dx, gather(Array.from({ length: a }, (_, i) => -1 - i)), -1 - a, -1);
  return dx;
}

const padModes: VjpRule = (ctx, gys) => {
  const { node } = ctx;
  const mode = attrString(node, 'mode', 'constant');
  if (mode === 'constant') return shapeRules.Pad(ctx, gys);
  const [gy] = gys;
  const out = node.inputs.map(() => undefined as string | undefined);
  if (!gy || !ctx.needsGrad(0)) return out;
  if (mode !== 'reflect' && mode !== 'edge') fail(ctx, `Pad mode "${mode}" has no gradient rule (constant, reflect and edge do)`);
  const x = node.inputs[0];
  const shape = ctx.shape(x);
  const rank = shape.length;
  const pads = ctx.g.opset >= 11 ? ctx.constInts(node.inputs[1]) : attrInts(node, 'pads');
  if (!pads || pads.some((p) => p < 0)) fail(ctx, 'reflect / edge pads must be constant and non-negative');
  const axes = (node.inputs[3] ? ctx.constInts(node.inputs[3]) : undefined) ?? Array.from({ length: rank }, (_, i) => i);
  const k = axes.length;
  let G = gy;
  axes.forEach((ax, j) => {
    const axis = normAxis(ax, rank);
    const [b, a] = [pads[j], pads[j + k]];
    if (b === 0 && a === 0) return;
    const n = shape[axis];
    if (mode === 'reflect' && typeof n === 'number' && (b > n - 1 || a > n - 1)) fail(ctx, `reflect pads (${b}, ${a}) exceed the axis size ${n} minus 1`);
    G = foldAxis(ctx, G, axis, b, a, mode);
  });
  out[0] = G;
  return out;
};

/** Pad with reflect / edge modes (constant delegated to shape.ts). */
export const padModeRules: Record<string, VjpRule> = { Pad: padModes };
