/**
 * One way for every explainer to honour `nSteps`: a fixed count is one integration; `'auto'`
 * runs {@link autoSteps} over integrations of growing Gauss-Legendre counts and compares what
 * users see (normalised attributions), then reports how it stopped in the result.
 *
 * @module
 */
import { autoSteps, DEFAULT_AUTO_TOLERANCE, type AutoStepsEvaluation } from '../attribution/auto-steps.js';
import { normalizeAttributions } from '../attribution/normalize.js';
import type { AutoStepsInfo } from '../types.js';
import { checkAlgorithm, type AlgorithmOptions } from '../attribution/gradient-methods.js';
import { textIntegratedGradients, type TextIgRequest, type TextIgResult } from './text-attribution.js';
import { textGradientMethod } from './text-gradient-methods.js';
import type { LoadedModel } from './loaded-model.js';

/** The step options of a call. */
export interface StepsChoice extends AlgorithmOptions {
  nSteps?: number | 'auto';
  tolerance?: number;
  signal?: AbortSignal;
  /**
   * With `'auto'`: called after each node count with what users would see at that count (the
   * normalised attributions of every target, one after the other), so a UI can paint
   * intermediate results while the count refines.
   */
  onRefine?: (refinement: Refinement) => void;
}

/** One intermediate answer of `nSteps: 'auto'`. */
export interface Refinement {
  /** The node count just integrated. */
  nSteps: number;
  /** Normalised attributions of every explained target, concatenated in target order. */
  values: Float64Array;
}

/** An integration and, for `'auto'`, how the count was found. */
export interface Stepped<R> {
  result: R;
  autoSteps?: AutoStepsInfo;
}

/** What 'auto' compares between counts: the values users see and, optionally, a known error (see {@link AutoStepsEvaluation.check}). */
export type StepsMeasure = Omit<AutoStepsEvaluation<unknown>, 'result'>;

/**
 * Runs `integrate` once with the fixed count (undefined: the integrator's default), or, for
 * `'auto'`, with growing counts until `measure(result).values` settle.
 *
 * @example
 * ```ts
 * const { result, autoSteps } = await withSteps({ nSteps: 'auto' }, (n) => run(n), (r) => ({ values: r.scores }));
 * ```
 */
export async function withSteps<R>(
  choice: StepsChoice,
  integrate: (nSteps: number | undefined) => Promise<R>,
  measure: (result: R) => StepsMeasure,
): Promise<Stepped<R>> {
  if (choice.nSteps !== 'auto') return { result: await integrate(choice.nSteps) };
  const a = await autoSteps(
    async (n) => {
      const result = await integrate(n);
      const m = measure(result);
      choice.onRefine?.({ nSteps: n, values: Float64Array.from(m.values) });
      return { ...m, result };
    },
    { tolerance: choice.tolerance ?? DEFAULT_AUTO_TOLERANCE, ...(choice.signal ? { signal: choice.signal } : {}) },
  );
  return {
    result: a.result,
    autoSteps: { nSteps: a.nSteps, evaluations: a.evaluations, converged: a.converged, stoppedBy: a.stoppedBy, errorEstimate: a.errorEstimate },
  };
}

/**
 * Every target's L2-normalised token sums (`[:end]`), one after the other: what text users see.
 * The check is the largest completeness gap in those units: delta / L2 norm, i.e. the error of
 * the sum of the normalised scores.
 */
export function normalizedTokenSums(ig: TextIgResult, end?: number | null): StepsMeasure {
  const parts = ig.targets.map((t) => normalizeAttributions(t.tokenSums, { end: end ?? null }));
  const values = new Float64Array(parts.reduce((s, p) => s + p.normalized.length, 0));
  let o = 0;
  let check = 0;
  parts.forEach((p, k) => {
    values.set(p.normalized, o);
    o += p.normalized.length;
    const gap = p.l2Norm > 0 ? Math.abs(ig.targets[k].delta) / p.l2Norm : Infinity;
    check = Math.max(check, gap);
  });
  return { values, check };
}

/**
 * {@link textIntegratedGradients} with `nSteps` a count or `'auto'` (measured by
 * {@link normalizedTokenSums} unless `measure` says otherwise); another `algorithm` runs its
 * single gradient pass instead (steps do not apply).
 */
export function textIntegratedGradientsSteps(
  model: LoadedModel,
  request: Omit<TextIgRequest, 'nSteps'>,
  choice: StepsChoice,
  measure: (ig: TextIgResult) => StepsMeasure = (ig) => normalizedTokenSums(ig),
): Promise<Stepped<TextIgResult>> {
  const algo = checkAlgorithm(choice);
  if (algo.algorithm !== 'integrated-gradients') return textGradientMethod(model, request, algo).then((result) => ({ result }));
  return withSteps(choice, (n) => textIntegratedGradients(model, n === undefined ? request : { ...request, nSteps: n }), measure);
}

/** One summary for several 'auto' integrations of one call (zero-shot: one per label). */
export function mergeAutoSteps(infos: readonly (AutoStepsInfo | undefined)[]): AutoStepsInfo | undefined {
  const all = infos.filter((i): i is AutoStepsInfo => i !== undefined);
  if (all.length === 0) return undefined;
  const converged = all.every((i) => i.converged);
  return {
    nSteps: Math.max(...all.map((i) => i.nSteps)),
    evaluations: all.reduce((s, i) => s + i.evaluations, 0),
    converged,
    // The weakest stop of any part describes the whole.
    stoppedBy: !converged ? 'schedule-end' : all.some((i) => i.stoppedBy === 'extrapolation') ? 'extrapolation' : 'agreement',
    errorEstimate: Math.max(...all.map((i) => i.errorEstimate)),
  };
}
