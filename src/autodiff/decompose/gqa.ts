/**
 * `com.microsoft` GroupQueryAttention rewritten into standard ops (exact for the forms below).
 * Query [B, S, N*h] with key / value [B, S, Nkv*h], or one packed query [B, S, (N + 2 Nkv) h];
 * optional past key / value [B, Nkv, P, h] (P may be 0) concatenated in front of the new keys
 * and values, which become present_key / present_value [B, Nkv, P + S, h]:
 *
 *   q, k = rotary(q, k) at positions P + i                          when do_rotary
 *   K, V = repeat each of the Nkv heads N / Nkv times (query head n reads kv head n / (N / Nkv))
 *   s    = q K^T * scale (1 / sqrt(h) by default), softcap * tanh(s / softcap) when softcap > 0
 *   key j is visible to query i iff j <= P + i (causal), j <= seqlens_k[b] (padding) and,
 *   with a local window w > 0, j > P + i - w
 *   out  = Softmax(s + attention_bias, masked) V, heads merged back to [B, S, N*h]
 *
 * Assumed, as single-pass exports feed it: a non-empty past is unpadded (seqlens_k[b] =
 * P + S - 1) and total_sequence_length = P + S (no shared past / present buffer). Smooth
 * softmax, head sinks, position_ids, a QK output and other extra outputs are refused with a
 * typed error naming the node.
 */
import { attrFloat, attrInt, type Node } from '../../onnx/ir.js';
import { unsupportedForm, type DecomposeContext } from './context.js';

/** Lowest float32: masked scores, as onnxruntime fills them. */
const MASKED = -3.4028234663852886e38;

function rewriteGqa(ctx: DecomposeContext, n: Node): void {
  const { g } = ctx;
  const [query, key, value, pastKey, pastValue, seqlensK, , cosCache, sinCache, positionIds, attnBias, headSink] = n.inputs;
  const N = attrInt(n, 'num_heads', 0);
  const Nkv = attrInt(n, 'kv_num_heads', 0);
  const softcap = attrFloat(n, 'softcap', 0);
  const window = attrInt(n, 'local_window_size', -1);
  const rotary = attrInt(n, 'do_rotary', 0) !== 0;
  const interleaved = attrInt(n, 'rotary_interleaved', 0) !== 0;
  if (attrInt(n, 'smooth_softmax', 0) !== 0 || headSink || attrInt(n, 'qk_output', 0) !== 0 || n.outputs.slice(3).some(Boolean)) {
    throw unsupportedForm(n, 'smooth softmax, head sinks or a QK output');
  }
  // onnxruntime's kernels disagree on position_ids (its CPU kernel ignored them on a first
  // prompt in our checks), so there is no one function to rewrite.
  if (positionIds) throw unsupportedForm(n, 'a position_ids input (onnxruntime applies it differently per execution provider)');
  if (N <= 0 || Nkv <= 0 || N % Nkv !== 0) throw unsupportedForm(n, `num_heads (${N}) must be a positive multiple of kv_num_heads (${Nkv})`);
  if (!seqlensK) throw unsupportedForm(n, 'seqlens_k is missing');
  if (Boolean(key) !== Boolean(value) || Boolean(pastKey) !== Boolean(pastValue)) throw unsupportedForm(n, 'key without value, or past_key without past_value');
  const qShape = ctx.shape(query);
  const Dq = qShape?.[2];
  if (qShape?.length !== 3 || typeof Dq !== 'number') throw unsupportedForm(n, 'a 3-D query of static hidden size is needed');
  const packed = !key;
  const h = packed ? Dq / (N + 2 * Nkv) : Dq / N;
  if (!Number.isInteger(h)) throw unsupportedForm(n, `a hidden size (${Dq}) that is not a whole number of heads`);

  const i64 = (v: number[], dims?: number[]): string => g.constI64(v, dims);
  const op = (type: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string => g.op(type, inputs, attrs);
  const last = (t: string, s: number, e: number): string => op('Slice', [t, i64([s]), i64([e]), i64([-1])]);
  const dim = (t: string, axis: number): string => op('Slice', [op('Shape', [t]), i64([axis]), i64([axis + 1])]);

  // [B, S, heads, h] per input.
  const [q, k, v] = packed
    ? [last(query, 0, N * h), last(query, N * h, (N + Nkv) * h), last(query, (N + Nkv) * h, (N + 2 * Nkv) * h)]
    : [query, key, value];
  let q4 = op('Reshape', [q, i64([0, 0, N, h])]);
  let k4 = op('Reshape', [k, i64([0, 0, Nkv, h])]);
  const v4 = op('Reshape', [v, i64([0, 0, Nkv, h])]);

  // Positions of the new tokens: P + 0 .. P + S - 1 ([S], shared by the batch rows).
  const S = dim(query, 1);
  const P = pastKey ? dim(pastKey, 2) : i64([0]);
  const scalar = (t: string): string => op('Squeeze', [t, i64([0])]);
  const qpos = op('Range', [scalar(P), scalar(op('Add', [P, S])), i64([1], [])]);

  if (rotary) {
    if (!cosCache || !sinCache) throw unsupportedForm(n, 'do_rotary without cos / sin caches');
    const half = ctx.shape(cosCache)?.[1];
    if (typeof half !== 'number' || 2 * half > h) throw unsupportedForm(n, 'a cos cache of unknown width, or wider than the head');
    // cos / sin [S, 1, half]: broadcast over the batch and the heads.
    const angle = (c: string): string => op('Unsqueeze', [op('Gather', [c, qpos], { axis: 0 }), i64([-2])]);
    const cos = angle(cosCache);
    const sin = angle(sinCache);
    const rotate = (x: string, heads: number): string => {
      const d = 2 * half;
      const part = d < h ? last(x, 0, d) : x;
      let out: string;
      if (!interleaved) {
        const x1 = last(part, 0, half);
        const x2 = last(part, half, d);
        out = op('Concat', [op('Sub', [op('Mul', [x1, cos]), op('Mul', [x2, sin])]), op('Add', [op('Mul', [x2, cos]), op('Mul', [x1, sin])])], { axis: -1 });
      } else {
        const pairs = op('Reshape', [part, i64([0, 0, heads, half, 2])]);
        const x0 = last(pairs, 0, 1);
        const x1 = last(pairs, 1, 2);
        const c = op('Unsqueeze', [cos, i64([-1])]);
        const s = op('Unsqueeze', [sin, i64([-1])]);
        const both = op('Concat', [op('Sub', [op('Mul', [x0, c]), op('Mul', [x1, s])]), op('Add', [op('Mul', [x1, c]), op('Mul', [x0, s])])], { axis: -1 });
        out = op('Reshape', [both, i64([0, 0, heads, d])]);
      }
      return d < h ? op('Concat', [out, last(x, d, h)], { axis: -1 }) : out;
    };
    q4 = rotate(q4, N);
    k4 = rotate(k4, Nkv);
  }

  const toHeads = (t: string): string => op('Transpose', [t], { perm: [0, 2, 1, 3] });
  const present = (past: string | undefined, t: string, out: string | undefined): string => {
    const name = out || ctx.fresh('present');
    ctx.emit('Identity', [past ? op('Concat', [past, toHeads(t)], { axis: 2 }) : toHeads(t)], name);
    return name;
  };
  const presentK = present(pastKey || undefined, k4, n.outputs[1]);
  const presentV = present(pastValue || undefined, v4, n.outputs[2]);
  const group = N / Nkv;
  const repeat = (t: string): string =>
    group === 1 ? t : op('Reshape', [op('Expand', [op('Unsqueeze', [t, i64([2])]), i64([1, 1, group, 1, 1])]), i64([0, N, -1, h])]);
  const K = repeat(presentK);
  const V = repeat(presentV);

  let scores = op('Mul', [op('MatMul', [toHeads(q4), op('Transpose', [K], { perm: [0, 1, 3, 2] })]), g.scalarF32(attrFloat(n, 'scale', 0) || 1 / Math.sqrt(h))]);
  if (softcap > 0) scores = op('Mul', [op('Tanh', [op('Div', [scores, g.scalarF32(softcap)])]), g.scalarF32(softcap)]);
  if (attnBias) scores = op('Add', [scores, attnBias]);

  // Visibility [B, 1, S, T] from positions only (no gradient flows through it).
  const T = dim(presentK, 2);
  const kpos = op('Range', [i64([0], []), scalar(T), i64([1], [])]);
  const qcol = op('Unsqueeze', [qpos, i64([1])]);
  let visible = op('Not', [op('Greater', [kpos, qcol])]);
  if (window > 0) visible = op('And', [visible, op('Greater', [kpos, op('Sub', [qcol, i64([window], [])])])]);
  const lastKey = op('Reshape', [op('Cast', [seqlensK], { to: 7 }), i64([-1, 1, 1, 1])]);
  visible = op('And', [visible, op('Not', [op('Greater', [kpos, lastKey])])]);
  scores = op('Where', [visible, scores, g.scalarF32(MASKED)]);

  const heads = op('MatMul', [op('Softmax', [scores], { axis: -1 }), V]);
  ctx.emit('Reshape', [op('Transpose', [heads], { perm: [0, 2, 1, 3] }), i64([0, 0, N * h])], n.outputs[0]);
  ctx.replace('GroupQueryAttention', [n]);
}

/** Rewrites every `com.microsoft` GroupQueryAttention node of the supported forms. */
export function decomposeGqa(ctx: DecomposeContext): void {
  for (const n of [...ctx.g.nodes]) if (n.domain === 'com.microsoft' && n.opType === 'GroupQueryAttention') rewriteGqa(ctx, n);
}
