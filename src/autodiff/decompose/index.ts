/**
 * The decomposition pass that runs once when a model loads, before any gradient graph is
 * built: it rewrites what the backward rules do not know into standard float ops, so the
 * rules stay standard and weights are dequantized once (never per step).
 *
 * One file per pattern family: `quantized.ts` (8-bit: dynamic MatMulInteger / ConvInteger,
 * integer embedding tables, DequantizeLinear), `nbits.ts` (4-bit MatMulNBits, MatMulBnb4),
 * `float16.ts` (fp16 upcast), `fused.ts` (com.microsoft fused GELUs and layer norms),
 * `rotary.ts` (RotaryEmbedding), `attention.ts` (MultiHeadAttention, Attention), `gqa.ts` (GroupQueryAttention), `batch.ts` (a batch fixed to 1, applied by the loader).
 *
 * @example
 * const { model, explained } = decomposeModel(decodeModel(bytes));
 * // explained: 'as-shipped' | 'dequantized' | 'float32'
 *
 * @module
 */
import type { OnnxModel } from '../../onnx/model-io.js';
import { cloneGraph } from '../surgery.js';
import { decomposeAttention } from './attention.js';
import { DecomposeContext } from './context.js';
import { upcastFloat16 } from './float16.js';
import { decomposeFused } from './fused.js';
import { decomposeGqa } from './gqa.js';
import { decomposeNBits } from './nbits.js';
import { decomposeQuantized } from './quantized.js';
import { decomposeRotary } from './rotary.js';
import type { ExternalData } from './weights.js';

/**
 * Which function attributions and `delta` describe:
 * - `'as-shipped'`: the file's own function (fp32, or fused ops rewritten exactly);
 * - `'dequantized'`: the float network with the file's dequantized weights, activation
 *   quantization taken as the identity (straight-through);
 * - `'float32'`: an fp16 file computed in float32 with its float16 weights.
 *
 * Predictions are always the file's own (it runs as shipped).
 */
export type ExplainedFunction = 'as-shipped' | 'dequantized' | 'float32';

/** Result of {@link decomposeModel}. */
export interface DecomposedModel {
  /** The model to differentiate (the input model itself when nothing was rewritten). */
  model: OnnxModel;
  explained: ExplainedFunction;
  /** Rewritten patterns and how often each occurred (e.g. `{ MatMulNBits: 12 }`). */
  rewritten: Record<string, number>;
}

/** Options of {@link decomposeModel}. */
export interface DecomposeOptions {
  /** External-data files holding the model's weights (`model.onnx_data`). */
  externalData?: readonly ExternalData[];
}

const QUANTIZED = new Set(['MatMulInteger', 'ConvInteger', 'MatMulIntegerToFloat', 'Gather+DequantizeLinear', 'DequantizeLinear', 'QuantizeLinear+DequantizeLinear', 'MatMulNBits', 'MatMulBnb4']);

/**
 * Rewrites quantized, float16 and fused patterns into standard float32 ops.
 *
 * @throws {ModelError} (`code: 'unsupported-quantization'`) for a quantized pattern it does
 *   not recognise; (`code: 'unsupported-fused-op'`) for a fused com.microsoft op in a form it
 *   cannot rewrite exactly (naming the node and what is unsupported).
 */
export function decomposeModel(model: OnnxModel, opts: DecomposeOptions = {}): DecomposedModel {
  const g = cloneGraph(model.graph);
  const ctx = new DecomposeContext(g, opts.externalData ?? []);
  upcastFloat16(ctx);
  decomposeQuantized(ctx);
  decomposeNBits(ctx);
  decomposeFused(ctx);
  decomposeRotary(ctx);
  decomposeAttention(ctx);
  decomposeGqa(ctx);
  const rewritten = Object.fromEntries(ctx.counts);
  if (ctx.counts.size === 0) return { model, explained: 'as-shipped', rewritten };
  g.nodes = g.nodes.filter((n) => !ctx.removed.has(n));
  // Integer weights, scales and quantization nodes nothing reads any more go; inputs stay.
  g.removeDeadCode(g.inputs.map((v) => v.name));
  g.topoSort();
  const keys = Object.keys(rewritten);
  const explained: ExplainedFunction = keys.some((k) => QUANTIZED.has(k)) ? 'dequantized' : keys.includes('float16') ? 'float32' : 'as-shipped';
  return { model: { ...model, graph: g }, explained, rewritten };
}

export type { ExternalData };
