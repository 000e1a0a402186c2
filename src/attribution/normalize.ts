/**
 * From a [T, H] layer attribution tensor to the per-token scores transformers-interpret returns:
 * sum over the hidden axis, optional sign flip, keep the first `end` tokens, divide by their
 * L2 norm.
 *
 * @module
 */

import { InputError } from '../errors.js';
import type { WordAttribution } from '../types.js';

/**
 * Per-token sums over the hidden axis of a row-major [seqLen, hidden] tensor (a leading batch
 * dimension of 1 is the same memory layout). Accumulates in float64, like torch on the float64
 * tensor captum returns.
 *
 * @example
 * ```ts
 * sumOverHidden(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3); // Float64Array [6, 15]
 * ```
 */
export function sumOverHidden(attributions: ArrayLike<number>, seqLen: number, hidden: number): Float64Array {
  if (!Number.isInteger(seqLen) || seqLen < 0 || !Number.isInteger(hidden) || hidden < 0) {
    throw new InputError(`seqLen and hidden must be non-negative integers, got ${seqLen} and ${hidden}`);
  }
  if (attributions.length !== seqLen * hidden) {
    throw new InputError(
      `attributions has ${attributions.length} values, expected seqLen * hidden = ${seqLen * hidden}`,
    );
  }
  const out = new Float64Array(seqLen);
  for (let t = 0; t < seqLen; t++) {
    let s = 0;
    const base = t * hidden;
    for (let h = 0; h < hidden; h++) s += attributions[base + h];
    out[t] = s;
  }
  return out;
}

/** Options of {@link normalizeAttributions}. */
export interface NormalizeOptions {
  /** Multiply by -1 before normalising (pairwise explainer, single-output models). */
  readonly flipSign?: boolean;
  /**
   * Keep only the first `end` tokens, and normalise over those (Python `x[:end]`; larger
   * values keep everything). Undefined or null keeps the whole sequence.
   */
  readonly end?: number | null;
}

/** Result of {@link normalizeAttributions}. */
export interface NormalizedAttributions {
  /** Per-token sums over the whole sequence, sign already flipped when asked (not cut). */
  readonly raw: Float64Array;
  /** `raw[:end] / l2Norm`; all zeros when the norm is 0 (see {@link normalizeAttributions}). */
  readonly normalized: Float64Array;
  /** L2 norm of `raw[:end]`. */
  readonly l2Norm: number;
  /** The number of tokens kept. */
  readonly end: number;
}

/**
 * transformers-interpret's `summarize`: flip the sign if asked, keep `[:end]`, divide by the
 * L2 norm of what is kept.
 *
 * Zero norm (every kept score is exactly 0, e.g. the input equals the baseline): the original
 * divides 0 by 0 and returns NaN for every token; here the scores are all 0 instead, so that
 * results stay valid JSON and render as neutral. Non-finite inputs still propagate.
 *
 * @param tokenSums per-token sums over the hidden axis, before any sign flip.
 * @example
 * ```ts
 * normalizeAttributions([3, 4, 0]).normalized; // Float64Array [0.6, 0.8, 0]
 * normalizeAttributions([3, 4, 12], { end: 2, flipSign: true }).normalized; // [-0.6, -0.8]
 * ```
 */
export function normalizeAttributions(
  tokenSums: ArrayLike<number>,
  options: NormalizeOptions = {},
): NormalizedAttributions {
  const n = tokenSums.length;
  const multiplier = options.flipSign ? -1 : 1;
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = tokenSums[i] * multiplier;
  const end = resolveEnd(options.end, n);
  const l2Norm = l2(raw, end);
  const normalized = new Float64Array(end);
  if (l2Norm !== 0) {
    for (let i = 0; i < end; i++) normalized[i] = raw[i] / l2Norm;
  }
  return { raw, normalized, l2Norm, end };
}

/**
 * Pairs tokens with scores like the original's `zip(tokens, scores)`: as long as the shorter
 * of the two (so a cut score list cuts the tokens too).
 *
 * @example
 * ```ts
 * toWordAttributions(['[CLS]', 'hi', '[SEP]'], [0, 1]); // [['[CLS]', 0], ['hi', 1]]
 * ```
 */
export function toWordAttributions(tokens: readonly string[], scores: ArrayLike<number>): WordAttribution[] {
  const n = Math.min(tokens.length, scores.length);
  const out: WordAttribution[] = new Array<WordAttribution>(n);
  for (let i = 0; i < n; i++) out[i] = [tokens[i], scores[i]];
  return out;
}

function resolveEnd(end: number | null | undefined, n: number): number {
  if (end === undefined || end === null) return n;
  if (!Number.isInteger(end) || end < 0) {
    throw new InputError(`end must be a non-negative integer, got ${String(end)}`);
  }
  return Math.min(end, n);
}

/**
 * L2 norm of `v[:end]`: the plain sqrt(sum of squares) (what torch computes, so results agree
 * to the last bit in the common case), rescaled by the largest magnitude only when the plain
 * sum underflows to 0 or overflows (attribution sums of 1e-200 still normalise to unit length).
 */
function l2(v: Float64Array, end: number): number {
  let s = 0;
  for (let i = 0; i < end; i++) s += v[i] * v[i];
  if (s !== 0 && Number.isFinite(s)) return Math.sqrt(s);
  let scale = 0;
  for (let i = 0; i < end; i++) scale = Math.max(scale, Math.abs(v[i]));
  if (scale === 0 || !Number.isFinite(scale)) return Number.isNaN(s) ? Number.NaN : scale;
  let r2 = 0;
  for (let i = 0; i < end; i++) {
    const r = v[i] / scale;
    r2 += r * r;
  }
  return scale * Math.sqrt(r2);
}
