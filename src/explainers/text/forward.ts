/**
 * A plain forward of the model on one input (no gradients): what the explainers need for
 * predictions that are not taken from the integration itself (transformers-interpret predicts
 * from `model(input_ids)` alone in places, and zero-shot predicts on the raw text).
 */
import type { Tensor } from '../../runtime/session.js';
import type { OutputArrays } from '../core/head-eval.js';
import type { LoadedModel } from '../core/loaded-model.js';

/** Positions the model would compute itself: 0..T-1, or RoBERTa's pad + running count of non-pad tokens. */
export function defaultPositions(model: LoadedModel, ids: readonly number[]): number[] {
  if (!model.isRobertaLike) return ids.map((_, i) => i);
  let count = 0;
  return ids.map((id) => (id === model.padTokenId ? model.padTokenId : model.padTokenId + ++count));
}

/** The id rows of one forward; missing rows take the model's defaults (mask of ones, token types 0). */
export interface ForwardRows {
  inputIds: readonly number[];
  attentionMask?: readonly number[];
  tokenTypeIds?: readonly number[];
  /** Only for models whose graph takes position_ids; default 0..T-1 (RoBERTa-like: from the ids). */
  positionIds?: readonly number[];
}

/**
 * Runs the model's own graph on one input and reads every output back.
 *
 * @example
 * const out = await forwardOutputs(model, { inputIds: rows.inputIds });
 * const logits = out.logits.data; // [1, T, C] for token classification
 */
export async function forwardOutputs(model: LoadedModel, rows: ForwardRows): Promise<OutputArrays> {
  const fwd = await model.forward();
  const T = rows.inputIds.length;
  const i64 = (v: readonly number[]): Tensor => fwd.tensor('int64', BigInt64Array.from(v, (x) => BigInt(x)), [1, T]);
  const feeds: Record<string, Tensor> = {};
  for (const n of fwd.inputNames) {
    if (n === 'input_ids') feeds[n] = i64(rows.inputIds);
    else if (n === 'attention_mask') feeds[n] = i64(rows.attentionMask ?? new Array<number>(T).fill(1));
    else if (n === 'token_type_ids') feeds[n] = i64(rows.tokenTypeIds ?? new Array<number>(T).fill(0));
    else if (n === 'position_ids') feeds[n] = i64(rows.positionIds ?? defaultPositions(model, rows.inputIds));
  }
  const out = await fwd.run(feeds);
  const res: OutputArrays = {};
  for (const n of fwd.outputNames) {
    const t = out[n];
    if (t) res[n] = { data: (await t.getData()) as Float32Array, dims: [...t.dims] };
  }
  return res;
}
