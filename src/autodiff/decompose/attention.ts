/**
 * `com.microsoft` MultiHeadAttention rewritten into standard ops (exact), for the form
 * optimized encoder exports use: separate 3-D query, key and value [B, S|L, D], an optional
 * fused projection bias [3D], an optional additive attention_bias [B|1, N|1, S, L], an
 * optional key_padding_mask [B, L] (1 keeps a key; 0 adds mask_filter_value, default -10000),
 * no past / present key-value cache, not unidirectional (those are refused with a typed error):
 *
 *   heads(t) = Transpose(Reshape(t, [B, len, N, h]), [0, 2, 1, 3])
 *   out = Reshape(Transpose(Softmax(heads(q) heads(k)^T * scale + biases) heads(v)), [B, S, D])
 *
 * scale defaults to 1 / sqrt(h).
 */
import { attrFloat, attrInt, type Node } from '../../onnx/ir.js';
import { unsupportedPattern, type DecomposeContext } from './context.js';

function rewriteMha(ctx: DecomposeContext, n: Node): void {
  const { g } = ctx;
  const [query, key, value, bias, keyPadding, attnBias, pastKey, pastValue] = n.inputs;
  const heads = attrInt(n, 'num_heads', 0);
  if (!key || !value || pastKey || pastValue || n.outputs.slice(1).some(Boolean)) throw unsupportedPattern(n, 'packed query/key/value or a key-value cache');
  if (attrInt(n, 'unidirectional', 0) !== 0) throw unsupportedPattern(n, 'unidirectional (causal) attention');
  const D = ctx.shape(query)?.[2];
  const Dk = ctx.shape(key)?.[2];
  const Dv = ctx.shape(value)?.[2];
  if (heads <= 0 || typeof D !== 'number' || D !== Dk || D !== Dv || ctx.shape(query)?.length !== 3 || ctx.shape(key)?.length !== 3) {
    throw unsupportedPattern(n, 'num_heads, and 3-D query / key / value of one static hidden size, are needed');
  }
  const h = D / heads;
  const i64 = (v: number[]): string => g.constI64(v);
  const op = (type: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string => g.op(type, inputs, attrs);
  const withBias = (t: string, k: number): string => (bias ? op('Add', [t, op('Slice', [bias, i64([k * D]), i64([(k + 1) * D]), i64([0])])]) : t);
  const split = (t: string, perm: number[]): string => op('Transpose', [op('Reshape', [t, i64([0, 0, heads, h])])], { perm });
  const q = split(withBias(query, 0), [0, 2, 1, 3]);
  const kT = split(withBias(key, 1), [0, 2, 3, 1]);
  const v = split(withBias(value, 2), [0, 2, 1, 3]);
  let scores = op('Mul', [op('MatMul', [q, kT]), g.scalarF32(attrFloat(n, 'scale', 0) || 1 / Math.sqrt(h))]);
  if (attnBias) scores = op('Add', [scores, attnBias]);
  if (keyPadding) {
    if (ctx.shape(keyPadding)?.length !== 2) throw unsupportedPattern(n, 'a key_padding_mask other than [batch, kv_length]');
    const keep = op('Cast', [keyPadding], { to: 1 });
    const add = op('Mul', [op('Sub', [g.scalarF32(1), keep]), g.scalarF32(attrFloat(n, 'mask_filter_value', -10000))]);
    scores = op('Add', [scores, op('Unsqueeze', [add, i64([1, 2])])]);
  }
  const ctxHeads = op('MatMul', [op('Softmax', [scores], { axis: -1 }), v]);
  ctx.emit('Reshape', [op('Transpose', [ctxHeads], { perm: [0, 2, 1, 3] }), i64([0, 0, D])], n.outputs[0]);
  ctx.replace('MultiHeadAttention', [n]);
}

/** Rewrites every `com.microsoft` MultiHeadAttention node of the supported form. */
export function decomposeAttention(ctx: DecomposeContext): void {
  for (const n of [...ctx.g.nodes]) if (n.domain === 'com.microsoft' && n.opType === 'MultiHeadAttention') rewriteMha(ctx, n);
}
