/**
 * One way for every explainer to honour `nSteps`: a fixed count is one integration; `'auto'`
 * runs {@link autoSteps} over integrations of growing Gauss-Legendre counts and compares what
 * users see (normalised attributions), then reports how it stopped in the result.
 *
 * @module
 */
import { autoSteps, DEFAULT_AUTO_TOLERANCE, type AutoStepsEvaluation } from '../../attribution/auto-steps.js';
import type { AutoStepsInfo } from '../../types.js';

/** The step options of a call. */
export interface StepsChoice {
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
