/**
 * Text faithfulness measured on the model (forward passes only): every perturbed input of one
 * evaluation (all targets' rationales and the shared leave-one-out rows, deduplicated) is run
 * in as few batches as the memory budget allows, shorter rows padded with the pad id under an
 * attention mask of 0. The math is in `attribution/faithfulness.ts`.
 */
import { pickPositions, planTextEvaluation, textFaithfulness, type TextFaithfulness } from '../../attribution/faithfulness.js';
import type { HeadSpec } from '../../autodiff/spec.js';
import { ModelError, throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../runtime/session.js';
import { defaultPositions } from './forward.js';
import { evaluateHead, type OutputArrays } from '../core/head-eval.js';
import { softmax } from '../core/math.js';
import type { LoadedModel } from '../core/loaded-model.js';
import { rowsPerRun } from '../core/memory.js';
import type { TextInputs } from './input-types.js';

/** One explained target: the head's selection and the per-token scores shown for it. */
export interface FaithfulnessTarget {
  mask: Float32Array;
  scores: ArrayLike<number>;
  /**
   * Token classification: the explained token's position. It stays in place in every
   * perturbed input (like the special tokens), and p is read at its new index.
   */
  position?: number;
}

/**
 * The explained p of one perturbed row: the class's softmax/sigmoid (classification), the
 * explained token's label probability at its new index (token classification), or the max
 * start/end logit over the row's real tokens (question answering: the explained scalar).
 */
function explainedP(head: HeadSpec, outputs: OutputArrays, mask: Float32Array, kept: readonly number[], position: number | undefined): number {
  if (head.kind === 'classification') return evaluateHead(head, outputs, mask);
  if (head.kind === 'token-classification') {
    const o = head.output ? outputs[head.output] : Object.values(outputs)[0];
    const C = o.dims[2];
    const hot = mask.indexOf(1);
    const at = kept.indexOf(position ?? Math.floor(hot / C));
    return softmax(o.data.subarray(at * C, (at + 1) * C))[hot % C];
  }
  if (head.kind === 'span-max') {
    const o = outputs[head.outputs[mask[0] === 1 ? 0 : 1]];
    let m = -Infinity;
    for (let i = 0; i < kept.length; i++) m = Math.max(m, o.data[i]);
    return m;
  }
  throw new ModelError(`Faithfulness is not defined for the ${head.kind} head.`, { code: 'evaluate-unsupported' });
}

/**
 * Positions kept in place (true): special tokens, and with `end` every position from `end` on
 * (zero-shot explains the text before its hypothesis). The rest are the explained tokens.
 */
export function specialMask(rows: Pick<TextInputs, 'inputIds' | 'textSpan' | 'pairSpan'>, end?: number | null): boolean[] {
  const inText = (i: number, s?: { start: number; end: number }): boolean => s !== undefined && i >= s.start && i < s.end;
  return rows.inputIds.map((_, i) => !(inText(i, rows.textSpan) || inText(i, rows.pairSpan)) || (end !== undefined && end !== null && i >= end));
}

/**
 * Comprehensiveness, sufficiency and tau-LOO of each target, from batched forwards.
 *
 * @example
 * const [f] = await evaluateTextFaithfulness(model, rows, { kind: 'classification', activation: 'softmax' }, [{ mask: oneHot(2, 1), scores: raw }]);
 * f.aopcComprehensiveness;
 */
export async function evaluateTextFaithfulness(
  model: LoadedModel,
  rows: TextInputs,
  head: HeadSpec,
  targets: readonly FaithfulnessTarget[],
  opts: { signal?: AbortSignal; end?: number | null } = {},
): Promise<TextFaithfulness[]> {
  const special = specialMask(rows, opts.end);
  const T = rows.inputIds.length;
  const plans = targets.map((t) => planTextEvaluation(t.scores, t.position === undefined ? special : special.map((v, i) => v || i === t.position)));
  // Every distinct position list once; the full input first.
  const lists: number[][] = [Array.from({ length: T }, (_, i) => i)];
  const index = new Map<string, number>([[lists[0].join(','), 0]]);
  const slot = (l: number[]): number => {
    const key = l.join(',');
    let i = index.get(key);
    if (i === undefined) {
      i = lists.length;
      lists.push(l);
      index.set(key, i);
    }
    return i;
  };
  const slots = plans.map((p) => ({ comprehensiveness: p.comprehensiveness.map(slot), sufficiency: p.sufficiency.map(slot), leaveOneOut: p.leaveOneOut.map(slot) }));
  const outputs = await forwardLists(model, rows, lists, opts.signal);
  return targets.map((t, k) => {
    const prob = (i: number): number => explainedP(head, outputs[i], t.mask, lists[i], t.position);
    const s = slots[k];
    return textFaithfulness(plans[k], t.scores, prob(0), {
      comprehensiveness: s.comprehensiveness.map(prob),
      sufficiency: s.sufficiency.map(prob),
      leaveOneOut: s.leaveOneOut.map(prob),
    });
  });
}

/** Model outputs for each shortened row (positions of `rows` kept), batched and padded. */
async function forwardLists(model: LoadedModel, rows: TextInputs, lists: readonly number[][], signal?: AbortSignal): Promise<OutputArrays[]> {
  const fwd = await model.forward();
  const L = Math.max(...lists.map((l) => l.length));
  const oneRow: Record<string, number[]> = {};
  for (const n of fwd.inputNames) oneRow[n] = [1, L];
  const perRun = rowsPerRun(model.onnx.graph, oneRow, lists.length);
  const pad = model.padTokenId;
  const results: OutputArrays[] = [];
  for (let start = 0; start < lists.length; start += perRun) {
    throwIfAborted(signal);
    const batch = lists.slice(start, start + perRun);
    const B = batch.length;
    const cols: Record<string, BigInt64Array> = {
      input_ids: new BigInt64Array(B * L).fill(BigInt(pad)),
      attention_mask: new BigInt64Array(B * L),
      token_type_ids: new BigInt64Array(B * L),
      position_ids: new BigInt64Array(B * L),
    };
    batch.forEach((l, b) => {
      const ids = pickPositions(rows.inputIds, l);
      const types = pickPositions(rows.tokenTypeIds, l);
      const padded = [...ids, ...new Array<number>(L - ids.length).fill(pad)];
      const positions = defaultPositions(model, padded);
      for (let j = 0; j < L; j++) {
        const o = b * L + j;
        if (j < ids.length) {
          cols.input_ids[o] = BigInt(ids[j]);
          cols.attention_mask[o] = 1n;
          cols.token_type_ids[o] = BigInt(types[j]);
        }
        cols.position_ids[o] = BigInt(positions[j]);
      }
    });
    const feeds: Record<string, Tensor> = {};
    for (const n of fwd.inputNames) if (cols[n]) feeds[n] = fwd.tensor('int64', cols[n], [B, L]);
    const out = await fwd.run(feeds, undefined, signal ? { signal } : {});
    const read: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const n of fwd.outputNames) {
      const t = out[n];
      if (t) read[n] = { data: (await t.getData()) as Float32Array, dims: [...t.dims] };
    }
    for (let b = 0; b < B; b++) {
      const row: OutputArrays = {};
      for (const [n, v] of Object.entries(read)) {
        const per = v.data.length / v.dims[0];
        row[n] = { data: v.data.slice(b * per, (b + 1) * per), dims: [1, ...v.dims.slice(1)] };
      }
      results.push(row);
    }
  }
  return results;
}
