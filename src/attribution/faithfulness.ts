/**
 * Faithfulness of an attribution, checked against the model itself (pure math, no ONNX, no I/O).
 *
 * Text (ERASER / ferret): the rationale is the top-scored tokens at fractions q = 0.1 .. 1.0 of
 * the explained tokens (special tokens never count and are always kept in place);
 * - comprehensiveness_q = p(x) - p(x without the rationale): large when the rationale mattered;
 * - sufficiency_q = p(x) - p(special tokens + rationale only): small when it suffices;
 * - AOPC = mean over the kept q; `tauLoo` = Kendall's tau-b between the scores and the
 *   leave-one-out drops p(x) - p(x without token i).
 *
 * Images (RISE-style deletion / insertion): 16x16 patches ordered by summed attribution;
 * deletion puts the top-k patches to the baseline value, insertion starts from the baseline and
 * restores the top-k patches.
 *
 * The caller runs the model on the inputs built here (batched) and hands back the probabilities.
 *
 * @module
 */
import { InputError } from '../errors.js';
import type { ImageFaithfulnessInfo, TextFaithfulnessInfo } from '../types.js';

/** The fractions of the explained tokens tried as rationale sizes. */
export const RATIONALE_FRACTIONS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/** One rationale of the schedule. */
export interface Rationale {
  /** The fraction q it was built for. */
  q: number;
  /** Positions (into the full id row) of the rationale tokens, ascending. */
  positions: number[];
}

/**
 * The rationale schedule: for each q, v = floor(q n) (n = number of explained positions); skip
 * v = 0; the top-v positions by score (ties: earlier position first), keeping only scores > 0;
 * skip an empty rationale or one equal to the previous q's.
 *
 * @param scores one score per position of the full id row.
 * @param explained positions that count as tokens of the text (the non-special ones).
 * @example
 * ```ts
 * rationaleSchedule([0, 0.5, -0.2, 0.9, 0], [1, 2, 3]);
 * // [{ q: 0.4, positions: [3] }, { q: 0.7, positions: [1, 3] }]
 * ```
 */
export function rationaleSchedule(scores: ArrayLike<number>, explained: readonly number[]): Rationale[] {
  const n = explained.length;
  const ranked = [...explained].sort((a, b) => scores[b] - scores[a] || a - b);
  const out: Rationale[] = [];
  let previous = '';
  for (const q of RATIONALE_FRACTIONS) {
    // q n in float can land just below an integer (0.7 * 90 = 62.99999999999999): round to 1e-9
    // first so floor() sees the exact product.
    const v = Math.floor(Math.round(q * n * 1e9) / 1e9);
    if (v === 0) continue;
    const positions = ranked
      .slice(0, v)
      .filter((p) => scores[p] > 0)
      .sort((a, b) => a - b);
    const key = positions.join(',');
    if (positions.length === 0 || key === previous) {
      previous = key;
      continue;
    }
    previous = key;
    out.push({ q, positions });
  }
  return out;
}

/**
 * Positions to keep for comprehensiveness: every position except the rationale's (special
 * tokens stay where they are).
 *
 * @example
 * ```ts
 * comprehensivenessPositions(5, [1, 3]); // [0, 2, 4]
 * ```
 */
export function comprehensivenessPositions(length: number, rationale: readonly number[]): number[] {
  const drop = new Set(rationale);
  const keep: number[] = [];
  for (let i = 0; i < length; i++) if (!drop.has(i)) keep.push(i);
  return keep;
}

/**
 * Positions to keep for sufficiency: the special tokens and the rationale, in order.
 *
 * @example
 * ```ts
 * sufficiencyPositions([true, false, false, false, true], [2]); // [0, 2, 4]
 * ```
 */
export function sufficiencyPositions(special: readonly boolean[], rationale: readonly number[]): number[] {
  const keep = new Set(rationale);
  const out: number[] = [];
  for (let i = 0; i < special.length; i++) if (special[i] || keep.has(i)) out.push(i);
  return out;
}

/** `row` at `positions` (a shortened id row). */
export function pickPositions<T>(row: readonly T[], positions: readonly number[]): T[] {
  return positions.map((p) => row[p]);
}

/**
 * Mean of the values, or `empty` when there are none (0 for comprehensiveness and 1 for
 * sufficiency: no rationale explains nothing).
 */
export function aopc(values: readonly number[], empty: number): number {
  if (values.length === 0) return empty;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Kendall's tau-b (ties in either variable accounted for), O(n^2). NaN when either variable is
 * constant (or n < 2): the correlation is undefined there.
 *
 * @example
 * ```ts
 * kendallTauB([1, 2, 3], [1, 3, 2]); // 1/3
 * ```
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new InputError(`kendallTauB needs two lists of equal length, got ${x.length} and ${y.length}.`, { code: 'length-mismatch' });
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  // tau_b = (C - D) / sqrt((C + D + Tx) (C + D + Ty)), pairs tied in both variables left out.
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
}

/** Text faithfulness of one explained target (the result field's shape). */
export type TextFaithfulness = TextFaithfulnessInfo;

/** The perturbed inputs of one text evaluation, as lists of kept positions. */
export interface TextEvaluationPlan {
  rationales: Rationale[];
  /** One position list per rationale: the input without it. */
  comprehensiveness: number[][];
  /** One position list per rationale: special tokens and the rationale only. */
  sufficiency: number[][];
  /** One position list per explained position: the input without that token. */
  leaveOneOut: number[][];
  /** The explained positions, in order (leave-one-out order). */
  explained: number[];
}

/**
 * Every perturbed input one text evaluation needs (the full input itself is not included).
 *
 * @example
 * ```ts
 * const plan = planTextEvaluation(scores, special);
 * // run the model on pickPositions(ids, list) for every list, then combine with textFaithfulness()
 * ```
 */
export function planTextEvaluation(scores: ArrayLike<number>, special: readonly boolean[]): TextEvaluationPlan {
  if (scores.length !== special.length) throw new InputError(`scores (${scores.length}) and special (${special.length}) must have one entry per token.`, { code: 'length-mismatch' });
  const explained: number[] = [];
  special.forEach((s, i) => {
    if (!s) explained.push(i);
  });
  const rationales = rationaleSchedule(scores, explained);
  return {
    rationales,
    comprehensiveness: rationales.map((r) => comprehensivenessPositions(special.length, r.positions)),
    sufficiency: rationales.map((r) => sufficiencyPositions(special, r.positions)),
    leaveOneOut: explained.map((i) => comprehensivenessPositions(special.length, [i])),
    explained,
  };
}

/**
 * Combines the probabilities of a plan's inputs into the measures.
 *
 * @param p the explained probability at the full input.
 * @param probs per plan list (comprehensiveness, then sufficiency, then leave-one-out, in plan order).
 */
export function textFaithfulness(plan: TextEvaluationPlan, scores: ArrayLike<number>, p: number, probs: {
  comprehensiveness: readonly number[];
  sufficiency: readonly number[];
  leaveOneOut: readonly number[];
}): TextFaithfulness {
  const curve = plan.rationales.map((r, k) => ({
    q: r.q,
    size: r.positions.length,
    comprehensiveness: p - probs.comprehensiveness[k],
    sufficiency: p - probs.sufficiency[k],
  }));
  const drops = probs.leaveOneOut.map((v) => p - v);
  const tau = kendallTauB(plan.explained.map((i) => scores[i]), drops);
  return {
    aopcComprehensiveness: aopc(curve.map((c) => c.comprehensiveness), 0),
    aopcSufficiency: aopc(curve.map((c) => c.sufficiency), 1),
    tauLoo: Number.isNaN(tau) ? null : tau,
    p,
    curve,
  };
}

/** The patch grid of an image: patch index -> covered pixels. */
export interface PatchGrid {
  rows: number;
  cols: number;
  patch: number;
  height: number;
  width: number;
}

/** A grid of `patch` x `patch` squares over an H x W image (the last row/column may be narrower). */
export function patchGrid(height: number, width: number, patch = 16): PatchGrid {
  return { rows: Math.ceil(height / patch), cols: Math.ceil(width / patch), patch, height, width };
}

/**
 * Patch indices ordered by summed attribution (over channels and pixels), highest first (ties:
 * lower index first).
 *
 * @param attributions [C, H, W] row-major.
 */
export function patchOrder(attributions: ArrayLike<number>, channels: number, grid: PatchGrid): number[] {
  const { height: H, width: W, patch, cols } = grid;
  const sums = new Float64Array(grid.rows * cols);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < H; y++) {
      const pr = Math.floor(y / patch) * cols;
      for (let x = 0; x < W; x++) sums[pr + Math.floor(x / patch)] += attributions[(c * H + y) * W + x];
    }
  }
  return Array.from(sums.keys()).sort((a, b) => sums[b] - sums[a] || a - b);
}

/** Curve points: how many patches are moved at each point, 0 .. P, at most `points + 1` values, evenly spaced. */
export function curveSteps(patches: number, points: number): number[] {
  const m = Math.max(1, Math.min(points, patches));
  const out: number[] = [];
  for (let i = 0; i <= m; i++) {
    const k = Math.round((i * patches) / m);
    if (out[out.length - 1] !== k) out.push(k);
  }
  return out;
}

/**
 * The image with the first `k` patches of `order` set from `from` and the rest from `rest`:
 * deletion = perturbed(x, baseline -> first k), insertion = perturbed(baseline, x -> first k).
 *
 * @param rest the image everything else comes from, [C, H, W].
 * @param from the image the first k patches come from.
 */
export function patchComposite(rest: ArrayLike<number>, from: ArrayLike<number>, channels: number, grid: PatchGrid, order: readonly number[], k: number): Float32Array {
  const { height: H, width: W, patch, cols } = grid;
  const out = Float32Array.from(rest);
  for (let r = 0; r < k; r++) {
    const idx = order[r];
    const y0 = Math.floor(idx / cols) * patch;
    const x0 = (idx % cols) * patch;
    for (let c = 0; c < channels; c++) {
      for (let y = y0; y < Math.min(y0 + patch, H); y++) {
        const base = (c * H + y) * W;
        for (let x = x0; x < Math.min(x0 + patch, W); x++) out[base + x] = from[base + x];
      }
    }
  }
  return out;
}

/** Image faithfulness of one explained class (the result field's shape). */
export type ImageFaithfulness = ImageFaithfulnessInfo;

/**
 * AOPCs of the deletion and insertion curves (both measured against their own start point).
 *
 * @example
 * ```ts
 * imageFaithfulness([0, 98, 196], [0.9, 0.4, 0.1], [0.1, 0.7, 0.9], 16).aopcDeletion; // (0 + 0.5 + 0.8) / 3
 * ```
 */
export function imageFaithfulness(steps: readonly number[], deletion: readonly number[], insertion: readonly number[], patch: number): ImageFaithfulness {
  const p = deletion[0];
  const p0 = insertion[0];
  return {
    aopcDeletion: aopc(deletion.map((v) => p - v), 0),
    aopcInsertion: aopc(insertion.map((v) => v - p0), 0),
    steps: [...steps],
    deletion: [...deletion],
    insertion: [...insertion],
    patch,
  };
}
