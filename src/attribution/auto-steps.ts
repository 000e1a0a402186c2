/**
 * `nSteps: 'auto'`: pick the number of Gauss-Legendre nodes from the attributions themselves.
 *
 * Gauss-Legendre nodes do not nest (the n-point nodes are not among the 2n-point ones), so every
 * node count is a fresh integration and the cost is the SUM of the counts tried. The schedule
 * therefore starts small and grows geometrically (3, 5, 8, 13, ...). After each count two tests
 * may stop it; the answer returned is always that of the LAST count evaluated:
 *
 * - agreement: the largest change of any compared value (e.g. the normalised word attributions)
 *   against the previous count is at most `tolerance`, and the evaluator's known error (`check`,
 *   IG's completeness gap) is not far above it. The change is essentially the error of the
 *   previous, smaller count, so the test is conservative for the answer it returns.
 * - extrapolation (from the third count on): for the smooth integrands of IG the Gauss-Legendre
 *   error falls geometrically with the node count, err(n) ~ C q^n. The last two changes give q
 *   per node, and err(last) ~ change(last) * q^(n_last - n_prev). The test accepts when twice
 *   that estimate is within `tolerance`, and only under clear geometric convergence: q <= 1/2
 *   and the last change within 10x the tolerance, so one extrapolation never spans more than
 *   an order of magnitude, and only when the evaluator's `check` (IG's completeness gap, an
 *   exact error of one functional) is within tolerance / 50. This is the same kind of
 *   heuristic QUADPACK uses to turn a Gauss/Kronrod difference into an estimate for the better
 *   rule. It saves one whole count where it applies (a smooth integrand with a pole near the
 *   path: 16 evaluations instead of 29); the gate is strict, so ViT-base, whose gap at 8 nodes
 *   is 5.4e-5 of its attributions' L1 mass, still stops by agreement at 13 nodes (29).
 *
 * Integrands with kinks or jumps (a ReLU on the path makes the gradient jump) converge only
 * algebraically: their changes shrink slowly (q near 1) and their completeness gap stays
 * large, so in practice only the agreement test stops them. Both tests are estimates, not
 * bounds: on jumpy integrands two counts can agree by chance (in the synthetic cases described
 * at CHECK_FRACTION, about 6% ended up to 4.5x outside the tolerance, with or without
 * extrapolation). If the schedule runs out first, the last answer is returned with
 * `converged: false` (never a silent claim of convergence).
 *
 * Pure logic over an evaluator: no ONNX, usable with any integrand.
 *
 * @module
 */

import { InputError, InternalError } from '../errors.js';
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
  /**
   * The known error of this count on one functional of the values, in their units: IG's
   * completeness gap (sum of the attributions minus F(x) - F(x')) after the same scaling. No
   * test stops while |check| > 10 x tolerance, and the extrapolation test runs only when it is
   * given and |check| <= tolerance / 50: jumps and spikes in the integrand (ReLUs, a zero vector
   * entering LayerNorm) leave errors that early changes do not show, but the gap does.
   */
  check?: number;
}

/** Options of {@link autoSteps}. */
export interface AutoStepsOptions {
  /** Stop when the compared values are within this of the limit (default 1e-3; see the module docs). */
  tolerance?: number;
  /** Node counts to try, strictly increasing (default {@link DEFAULT_AUTO_STEPS}). */
  schedule?: readonly number[];
  /** Allow the extrapolation test (default true); false: stop on agreement only. */
  extrapolate?: boolean;
  signal?: AbortSignal;
}

/** Which test stopped {@link autoSteps}. */
export type AutoStepsStop = 'agreement' | 'extrapolation' | 'schedule-end';

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
  /** The test that stopped the schedule. */
  stoppedBy: AutoStepsStop;
  /**
   * Estimated max abs error of the accepted answer: the extrapolated error, or for agreement the
   * last change (an upper estimate); for 'schedule-end' the last change.
   */
  errorEstimate: number;
  /** Each count tried: the max abs change against the previous count (NaN for the first), the extrapolated error and the evaluator's check (NaN where none). */
  history: { nSteps: number; change: number; extrapolated: number; check: number }[];
}

/** Largest per-node error ratio the extrapolation test trusts (clear geometric convergence). */
const MAX_RATE = 0.5;
/** The extrapolation must span at most this factor between the last change and the tolerance. */
const MAX_SPAN = 10;
/** Margin on the extrapolated error. */
const SAFETY = 2;
/**
 * The evaluator's known error must be this small a fraction of the tolerance. Measured on
 * synthetic integrands (a smooth part plus 1 to 30 ReLU-like jumps of 1e-4 to 1e-1 shared by
 * all components, 2,000 cases per run): with a gate of 1/2, 157 stops were extrapolated and 73
 * of them missed the tolerance; 1/10: 36 and 17; 1/50: 5 and 0 in one run, 13 and 5 (at most
 * 2.3x the tolerance) in another. At 1/50 extrapolated misses are about 0.25% of the cases,
 * against 5.5% for agreement alone on the same integrands.
 */
const CHECK_FRACTION = 1 / 50;
/**
 * Agreement is accepted only while the known error is at most this many tolerances. DeBERTa's
 * NLI fixture integrated from its zero pad embedding agrees between 3 and 5 nodes to 3e-4 while
 * its gap is 43 (8e-2 from the 50-node answer); smooth fixtures show gaps below 1e-5 there and
 * DistilBERT's ReLU head below 2e-3.
 */
const AGREEMENT_CHECK = 10;

/**
 * Extrapolated error of the newest count from the last two changes, assuming err(n) ~ C q^n;
 * NaN when the changes do not show clear geometric convergence.
 *
 * `counts` are n_{k-2}, n_{k-1}, n_k; `changes` are |A(n_{k-1}) - A(n_{k-2})| and
 * |A(n_k) - A(n_{k-1})|, estimates of err(n_{k-2}) and err(n_{k-1}).
 *
 * @example
 * ```ts
 * extrapolatedError([3, 5, 8], [4e-2, 6e-3]); // q = 0.39 per node: about 3.6e-4
 * ```
 */
export function extrapolatedError(counts: readonly [number, number, number], changes: readonly [number, number]): number {
  const [n0, n1, n2] = counts;
  const [c0, c1] = changes;
  if (!(c0 > 0) || !(c1 >= 0) || !(c1 < c0) || !Number.isFinite(c0)) return NaN;
  if (c1 === 0) return 0;
  const q = (c1 / c0) ** (1 / (n1 - n0));
  if (!(q <= MAX_RATE)) return NaN;
  return c1 * q ** (n2 - n1);
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
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new InputError(`tolerance must be a positive number, got ${String(tolerance)}`);
  const schedule = options.schedule ?? DEFAULT_AUTO_STEPS;
  if (schedule.length < 2) throw new InputError('the schedule needs at least two node counts to compare');
  for (let i = 0; i < schedule.length; i++) {
    const n = schedule[i];
    if (!Number.isInteger(n) || n < 1 || (i > 0 && n <= schedule[i - 1])) {
      throw new InputError(`the schedule must be strictly increasing positive integers, got ${schedule.join(', ')}`);
    }
  }
  const extrapolate = options.extrapolate ?? true;
  const history: AutoStepsResult<R>['history'] = [];
  let evaluations = 0;
  let previous: AutoStepsEvaluation<R> | undefined;
  for (let i = 0; i < schedule.length; i++) {
    const n = schedule[i];
    if (options.signal?.aborted) throw abortError(options.signal);
    const current = await evaluate(n);
    evaluations += n;
    const change = previous ? maxAbsChange(previous.values, current.values) : NaN;
    const extrapolated =
      extrapolate && i >= 2 ? extrapolatedError([schedule[i - 2], schedule[i - 1], n], [history[i - 1].change, change]) : NaN;
    history.push({ nSteps: n, change, extrapolated, check: current.check ?? NaN });
    const done = (stoppedBy: AutoStepsStop, errorEstimate: number): AutoStepsResult<R> => ({
      result: current.result,
      nSteps: n,
      evaluations,
      converged: stoppedBy !== 'schedule-end',
      stoppedBy,
      errorEstimate,
      history,
    });
    // A known error (the completeness gap) far above the tolerance vetoes any stop: counts can
    // agree by chance when the integrand spikes between their nodes (a zero vector entering
    // LayerNorm at the baseline), and the gap is what shows it.
    const plausible = current.check === undefined || Math.abs(current.check) <= AGREEMENT_CHECK * tolerance;
    if (previous && change <= tolerance && plausible) return done('agreement', change);
    const consistent = current.check !== undefined && Math.abs(current.check) <= CHECK_FRACTION * tolerance;
    if (consistent && SAFETY * extrapolated <= tolerance && change <= MAX_SPAN * tolerance) return done('extrapolation', extrapolated);
    if (i === schedule.length - 1) return done('schedule-end', change);
    previous = current;
  }
  // Unreachable: the schedule has at least two counts and the last one returns.
  throw new InternalError('autoSteps ran past the end of its schedule');
}

