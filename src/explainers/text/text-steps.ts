/**
 * `nSteps` (a count or `'auto'`) for text integrations: what text users see, and so what
 * `'auto'` compares, are the L2-normalised token sums.
 *
 * @module
 */
import { normalizeAttributions } from '../../attribution/normalize.js';
import { withSteps, type StepsChoice, type StepsMeasure, type Stepped } from '../core/steps.js';
import type { LoadedModel } from '../core/loaded-model.js';
import { checkAlgorithm, type AlgorithmOptions } from '../../attribution/gradient-methods.js';
import { textIntegratedGradients, type TextIgRequest, type TextIgResult } from './text-attribution.js';
import { textGradientMethod } from './text-gradient-methods.js';

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
  choice: StepsChoice & AlgorithmOptions,
  measure: (ig: TextIgResult) => StepsMeasure = (ig) => normalizedTokenSums(ig),
): Promise<Stepped<TextIgResult>> {
  const algo = checkAlgorithm(choice);
  if (algo.algorithm !== 'integrated-gradients') return textGradientMethod(model, request, algo).then((result) => ({ result }));
  return withSteps(choice, (n) => textIntegratedGradients(model, n === undefined ? request : { ...request, nSteps: n }), measure);
}
