/**
 * `nSteps: 'auto'`: pick the number of Gauss-Legendre nodes from the attributions themselves.
 *
 * Gauss-Legendre nodes do not nest (the n-point nodes are not among the 2n-point ones), so every
 * node count is a fresh integration and the cost is the SUM of the counts tried. The schedule
 * therefore starts small and grows geometrically: a run that converges at the second count of
 * 3, 5 costs 8 evaluations, against 50 for the default. The stopping test compares the two
 * most recent counts: when the largest change of any compared value (the normalised word
 * attributions) is at most `tolerance`, the answer of the LARGER count is returned. For the
 * smooth integrands of IG, the Gauss-Legendre error falls exponentially with n, so the
 * difference |A(n) - A(1.6 n)| is essentially the error of A(n), and A(1.6 n) is closer still to
 * the limit; the test is conservative for the answer it returns. Integrands with kinks (ReLU
 * on the path) converge only algebraically: there the test still only stops once two counts
 * agree, which costs more counts, not a wrong claim.
 *
 * If the last count of the schedule is reached without meeting the tolerance, its answer is
 * returned with `converged: false` (never a silent claim of convergence).
 *
 * Pure logic over an evaluator: no ONNX, usable with any integrand.
 *
 * @module
 */

import { abortError } from './ig.js';

/**
 * Node counts tried by default, in order: growth by about 1.6 (Fibonacci). Measured on the test
 * fixtures, smooth integrands settle between 3 and 5 nodes (8 evaluations, against 12 for 4, 8
 * and 10 for 4, 6), while models with ReLU kinks on the path (DistilBERT's pre-classifier)
 * converge only algebraically and need the longer tail.
 */
export const DEFAULT_AUTO_STEPS: readonly number[] = [3, 5, 8, 13, 21, 34, 55];

/** Default tolerance on the max abs change of the compared values (normalised attributions). */
export const DEFAULT_AUTO_TOLERANCE = 1e-3;

/** What the evaluator returns for one node count. */
export interface AutoStepsEvaluation<R> {
  /** Values compared between counts (e.g. normalised word attributions). Same length every time. */
  values: ArrayLike<number>;
  /** The full result of this count, handed back for the count that is accepted. */
  result: R;
}

/** Options of {@link autoSteps}. */
export interface AutoStepsOptions {
  /** Stop when the max abs change between successive counts is at most this (default 1e-3). */
  tolerance?: number;
  /** Node counts to try, strictly increasing (default {@link DEFAULT_AUTO_STEPS}). */
  schedule?: readonly number[];
  signal?: AbortSignal;
}

/** Outcome of {@link autoSteps}. */
export interface AutoStepsResult<R> {
  /** The result of the accepted (last evaluated) count. */
  result: R;
  /** Node count of the accepted result. */
  nSteps: number;
  /** Path points evaluated in total (sum of every count tried). */
  evaluations: number;
  /** Whether the tolerance was met (false: the schedule ran out). */
  converged: boolean;
  /** Each count tried and the max abs change against the previous count (NaN for the first). */
  history: { nSteps: number; change: number }[];
}

/** Largest |a_i - b_i|; Infinity when the lengths differ (not comparable means not converged). */
export function maxAbsChange(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN never satisfies a tolerance.
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/**
 * Integrates with increasing Gauss-Legendre node counts until successive answers agree within
 * `tolerance` (see the module docs).
 *
 * @example
 * ```ts
 * const r = await autoSteps(async (n) => {
 *   const ig = await runIg({ nSteps: n });
 *   return { values: normalise(ig), result: ig };
 * }, { tolerance: 1e-3 });
 * r.nSteps; r.evaluations; r.converged;
 * ```
 */
export async function autoSteps<R>(
  evaluate: (nSteps: number) => Promise<AutoStepsEvaluation<R>> | AutoStepsEvaluation<R>,
  options: AutoStepsOptions = {},
): Promise<AutoStepsResult<R>> {
  const tolerance = options.tolerance ?? DEFAULT_AUTO_TOLERANCE;
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new RangeError(`tolerance must be a positive number, got ${String(tolerance)}`);
  const schedule = options.schedule ?? DEFAULT_AUTO_STEPS;
  if (schedule.length < 2) throw new RangeError('the schedule needs at least two node counts to compare');
  for (let i = 0; i < schedule.length; i++) {
    const n = schedule[i];
    if (!Number.isInteger(n) || n < 1 || (i > 0 && n <= schedule[i - 1])) {
      throw new RangeError(`the schedule must be strictly increasing positive integers, got ${schedule.join(', ')}`);
    }
  }
  const history: { nSteps: number; change: number }[] = [];
  let evaluations = 0;
  let previous: AutoStepsEvaluation<R> | undefined;
  for (const n of schedule) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const current = await evaluate(n);
    evaluations += n;
    const change = previous ? maxAbsChange(previous.values, current.values) : NaN;
    history.push({ nSteps: n, change });
    if (previous && change <= tolerance) return { result: current.result, nSteps: n, evaluations, converged: true, history };
    previous = current;
  }
  // Unreachable with an empty schedule (rejected above); the last count is the best answer there is.
  const last = previous as AutoStepsEvaluation<R>;
  return { result: last.result, nSteps: schedule[schedule.length - 1], evaluations, converged: false, history };
}

