/**
 * `com.microsoft` MultiHeadAttention and Attention rewritten into standard ops (exact).
 * MultiHeadAttention in the form
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
import { unsupportedForm, type DecomposeContext } from './context.js';

function rewriteMha(ctx: DecomposeContext, n: Node): void {
  const [query, key, value, bias, keyPadding, attnBias, pastKey, pastValue] = n.inputs;
  const heads = attrInt(n, 'num_heads', 0);
  if (!key || !value || pastKey || pastValue || n.outputs.slice(1).some(Boolean)) throw unsupportedForm(n, 'packed query/key/value or a key-value cache');
  if (attrInt(n, 'unidirectional', 0) !== 0) throw unsupportedForm(n, 'unidirectional (causal) attention');
  const D = ctx.shape(query)?.[2];
  const Dk = ctx.shape(key)?.[2];
  const Dv = ctx.shape(value)?.[2];
  if (heads <= 0 || typeof D !== 'number' || D !== Dk || D !== Dv || ctx.shape(query)?.length !== 3 || ctx.shape(key)?.length !== 3) {
    throw unsupportedForm(n, 'num_heads, and 3-D query / key / value of one static hidden size, are needed');
  }
  attend(ctx, n, { query, key, value, bias: bias || undefined, keyPadding: keyPadding || undefined, attnBias: attnBias || undefined, heads, D });
  ctx.replace('MultiHeadAttention', [n]);
}

interface Attend {
  query: string;
  key: string;
  value: string;
  bias: string | undefined;
  keyPadding: string | undefined;
  attnBias: string | undefined;
  heads: number;
  D: number;
}

/** The attention both ops compute, written to the node's first output. */
function attend(ctx: DecomposeContext, n: Node, a: Attend): void {
  const { g } = ctx;
  const { heads, D } = a;
  const h = D / heads;
  const i64 = (v: number[]): string => g.constI64(v);
  const op = (type: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string => g.op(type, inputs, attrs);
  const withBias = (t: string, k: number): string => (a.bias ? op('Add', [t, op('Slice', [a.bias, i64([k * D]), i64([(k + 1) * D]), i64([0])])]) : t);
  const split = (t: string, perm: number[]): string => op('Transpose', [op('Reshape', [t, i64([0, 0, heads, h])])], { perm });
  const q = split(withBias(a.query, 0), [0, 2, 1, 3]);
  const kT = split(withBias(a.key, 1), [0, 2, 3, 1]);
  const v = split(withBias(a.value, 2), [0, 2, 1, 3]);
  let scores = op('Mul', [op('MatMul', [q, kT]), g.scalarF32(attrFloat(n, 'scale', 0) || 1 / Math.sqrt(h))]);
  if (a.attnBias) scores = op('Add', [scores, a.attnBias]);
  if (a.keyPadding) {
    if (ctx.shape(a.keyPadding)?.length !== 2) throw unsupportedForm(n, 'a key padding mask other than [batch, kv_length]');
    const keep = op('Cast', [a.keyPadding], { to: 1 });
    const add = op('Mul', [op('Sub', [g.scalarF32(1), keep]), g.scalarF32(attrFloat(n, 'mask_filter_value', -10000))]);
    scores = op('Add', [scores, op('Unsqueeze', [add, i64([1, 2])])]);
  }
  const ctxHeads = op('MatMul', [op('Softmax', [scores], { axis: -1 }), v]);
  ctx.emit('Reshape', [op('Transpose', [ctxHeads], { perm: [0, 2, 1, 3] }), i64([0, 0, D])], n.outputs[0]);
}

/**
 * Attention (BERT's fused self-attention): input [B, S, D] times one packed weight [D, 3D]
 * (+ bias [3D]) gives q, k, v; mask_index as a raw [B, S] mask of 1 / 0. Past state,
 * unidirectional, unequal qkv_hidden_sizes and other mask layouts are refused.
 */
function rewriteAttention(ctx: DecomposeContext, n: Node): void {
  const { g } = ctx;
  const [input, weights, bias, maskIndex, past, attnBias] = n.inputs;
  const heads = attrInt(n, 'num_heads', 0);
  const W = ctx.shape(weights);
  const D = ctx.shape(input)?.[2];
  if (past || n.outputs.slice(1).some(Boolean) || attrInt(n, 'unidirectional', 0) !== 0 || n.attrs.qkv_hidden_sizes) throw unsupportedForm(n, 'past state, unidirectional or qkv_hidden_sizes');
  if (heads <= 0 || typeof D !== 'number' || W?.length !== 2 || W[1] !== 3 * D) throw unsupportedForm(n, 'num_heads, a 3-D input and a [D, 3D] weight are needed');
  const qkv = g.op('MatMul', [input, weights]);
  const part = (k: number): string => g.op('Slice', [qkv, g.constI64([k * D]), g.constI64([(k + 1) * D]), g.constI64([-1])]);
  attend(ctx, n, { query: part(0), key: part(1), value: part(2), bias: bias || undefined, keyPadding: maskIndex || undefined, attnBias: attnBias || undefined, heads, D });
  ctx.replace('Attention', [n]);
}

/** Rewrites every `com.microsoft` MultiHeadAttention and Attention node of the supported forms. */
export function decomposeAttention(ctx: DecomposeContext): void {
  for (const n of [...ctx.g.nodes]) {
    if (n.domain !== 'com.microsoft') continue;
    if (n.opType === 'MultiHeadAttention') rewriteMha(ctx, n);
    else if (n.opType === 'Attention') rewriteAttention(ctx, n);
  }
}
