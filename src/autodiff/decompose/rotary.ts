/**
 * `com.microsoft` RotaryEmbedding rewritten into standard ops (exact). Each head's values are
 * rotated by the angle cached for the token's position (a rotary_embedding_dim narrower than
 * the head is refused with a typed error): cos / sin = cache[position_ids] ([max_pos, d/2]);
 *
 * - non-interleaved: halves x1 = x[:d/2], x2 = x[d/2:d] -> (x1 cos - x2 sin, x2 cos + x1 sin);
 * - interleaved: pairs (x[2i], x[2i+1]) -> (x0 cos - x1 sin, x1 cos + x0 sin);
 *
 * Input [B, N, S, h], or [B, S, N*h] (then heads come
 * from `num_heads`, else from the cache width when the whole head rotates). position_ids are
 * [B, S], or one offset [1] (positions offset .. offset + S - 1).
 */
import { attrFloat, attrInt, type Node } from '../../onnx/ir.js';
import { unsupportedForm, type DecomposeContext } from './context.js';

function rewriteRotary(ctx: DecomposeContext, n: Node): void {
  const { g } = ctx;
  const [x, pos, cosCache, sinCache] = n.inputs;
  const interleaved = attrInt(n, 'interleaved', 0) !== 0;
  const numHeads = attrInt(n, 'num_heads', 0);
  if (attrFloat(n, 'scale', 1) !== 1 || attrInt(n, 'is_packed_batching', 0) !== 0) throw unsupportedForm(n, 'scale != 1 or packed batching');
  const rank = ctx.shape(x)?.length;
  const cache = ctx.constant(cosCache);
  const half = cache?.dims[1];
  if (half === undefined) throw unsupportedForm(n, 'its cos cache is not a constant');
  const d = attrInt(n, 'rotary_embedding_dim', 0) || 2 * half;

  let head = 2 * half;
  if (rank === 3 && numHeads === 0 && attrInt(n, 'rotary_embedding_dim', 0) !== 0) throw unsupportedForm(n, 'a 3-D input with rotary_embedding_dim needs num_heads');
  const i64 = (v: number[]): string => g.constI64(v);
  const op = (type: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string => g.op(type, inputs, attrs);
  const lastSlice = (t: string, s: number, e: number): string => op('Slice', [t, i64([s]), i64([e]), i64([-1])]);

  // [B, S, N, h] for a 3-D input: heads split off the hidden axis.
  let x4 = x;
  if (rank === 3) {
    const hidden = ctx.shape(x)?.[2];
    if (numHeads > 0 && typeof hidden === 'number') head = hidden / numHeads;
    x4 = op('Reshape', [x, i64([0, 0, -1, head])]);
  } else if (rank !== 4) throw unsupportedForm(n, `an input of rank ${String(rank)} (3 or 4 expected)`);
  // Partial rotation's layout in onnxruntime's kernel could not be pinned down: refuse it.
  if (d !== head || d !== 2 * half) throw unsupportedForm(n, `a rotary dimension (${d}) other than the head size (${head})`);

  // Positions: [B, S] ids, or an offset: offset + 0..S-1.
  const seqAxis = rank === 3 ? 1 : 2;
  const posRank = ctx.shape(pos)?.length;
  let ids = pos;
  if (posRank === 1) {
    const S = op('Squeeze', [op('Slice', [op('Shape', [x4]), i64([seqAxis]), i64([seqAxis + 1])]), i64([0])]);
    const offset = op('Squeeze', [pos, i64([0])]);
    ids = op('Range', [offset, op('Add', [offset, S]), g.constant({ dtype: 'int64', dims: [], values: BigInt64Array.from([1n]) }, 'one')]);
  }
  // cos / sin: [B, S, d/2] (or [S, d/2]) made to broadcast against the heads' axis.
  const headAxis = rank === 3 ? (posRank === 1 ? 1 : 2) : posRank === 1 ? 0 : 1;
  const angle = (c: string): string => {
    const t = op('Gather', [c, ids], { axis: 0 });
    return rank === 4 && posRank === 1 ? t : op('Unsqueeze', [t, i64([headAxis])]);
  };
  const cos = angle(cosCache);
  const sin = angle(sinCache);

  const rot = x4;
  let rotated: string;
  if (!interleaved) {
    const x1 = lastSlice(rot, 0, d / 2);
    const x2 = lastSlice(rot, d / 2, d);
    const o1 = op('Sub', [op('Mul', [x1, cos]), op('Mul', [x2, sin])]);
    const o2 = op('Add', [op('Mul', [x2, cos]), op('Mul', [x1, sin])]);
    rotated = op('Concat', [o1, o2], { axis: -1 });
  } else {
    const pairs = op('Reshape', [rot, i64([0, 0, 0, d / 2, 2])]);
    const x0 = op('Gather', [pairs, g.constant({ dtype: 'int64', dims: [], values: BigInt64Array.from([0n]) }, 'even')], { axis: -1 });
    const x1 = op('Gather', [pairs, g.constant({ dtype: 'int64', dims: [], values: BigInt64Array.from([1n]) }, 'odd')], { axis: -1 });
    const o0 = op('Sub', [op('Mul', [x0, cos]), op('Mul', [x1, sin])]);
    const o1 = op('Add', [op('Mul', [x1, cos]), op('Mul', [x0, sin])]);
    const stacked = op('Concat', [op('Unsqueeze', [o0, i64([-1])]), op('Unsqueeze', [o1, i64([-1])])], { axis: -1 });
    rotated = op('Reshape', [stacked, i64([0, 0, 0, d])]);
  }
  const full = rotated;
  ctx.emit(rank === 3 ? 'Reshape' : 'Identity', rank === 3 ? [full, i64([0, 0, -1])] : [full], n.outputs[0]);
  ctx.replace('RotaryEmbedding', [n]);
}

/** Rewrites every `com.microsoft` RotaryEmbedding node. */
export function decomposeRotary(ctx: DecomposeContext): void {
  for (const n of [...ctx.g.nodes]) if (n.domain === 'com.microsoft' && n.opType === 'RotaryEmbedding') rewriteRotary(ctx, n);
}
