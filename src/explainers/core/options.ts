/**
 * The options every explain call takes (text and image alike), their validation and the
 * `compat` switch: the one place that says what a valid common option is.
 *
 * Bad-input checks for these options (limits on `nSteps`, unknown keys and values, ...) belong
 * in {@link checkCommon}, so every explainer gets them at once.
 *
 * @module
 */
import { checkAlgorithm, type AlgorithmOptions } from '../../attribution/gradient-methods.js';
import type { IntegrationMethod } from '../../attribution/quadrature.js';
import { isIntegrationMethod } from '../../attribution/quadrature.js';
import { InputError } from '../../errors.js';
import type { StepsChoice } from './steps.js';

/** Options of every explain call. */
export interface CommonExplainOptions extends AlgorithmOptions {
  /**
   * Measure the explanation against the model (forward passes only): adds `faithfulness`
   * (comprehensiveness, sufficiency, tau-LOO; images: deletion/insertion AOPC). A task that
   * cannot be evaluated throws `evaluate-unsupported` (see `core/evaluate.ts`).
   */
  evaluate?: boolean;
  /** With `nSteps: 'auto'`: each intermediate node count's normalised attributions (see {@link StepsChoice.onRefine}). */
  onRefine?: StepsChoice['onRefine'];
  /**
   * Integration steps (default 50). `'auto'`: Gauss-Legendre node counts 3, 5, 8, 13, ... until
   * the normalised word attributions are within `tolerance` (two counts agree, or geometric
   * convergence predicts it; see `attribution/auto-steps.ts`); the result's `autoSteps` says how
   * it stopped. Progress restarts with each count tried.
   */
  nSteps?: number | 'auto';
  /** With `nSteps: 'auto'`: the max abs change of the normalised attributions accepted (default 1e-3). */
  tolerance?: number;
  /** Rows per model run; unset: chosen to fit memory. Does not change results. */
  internalBatchSize?: number | null;
  /** Quadrature rule (default 'gausslegendre', as captum). */
  method?: IntegrationMethod;
  /** `'transformers-interpret'`: reproduce the original's numbers exactly (see the parity spec). */
  compat?: 'transformers-interpret';
  /** Cut texts longer than the model allows instead of failing. */
  truncation?: boolean;
  signal?: AbortSignal;
  /** Integration progress: rows done out of total. */
  onProgress?: (done: number, total: number) => void;
}

/** The common options the image explainer takes (no text: no `compat`, no `truncation`). */
export type CommonIntegrationOptions = Omit<CommonExplainOptions, 'compat' | 'truncation'>;

/**
 * Validates the common options; throws a typed {@link InputError} naming the bad one.
 *
 * @example
 * checkCommon({ nSteps: 0 }); // throws InputError, code 'bad-n-steps'
 */
export function checkCommon(opts: CommonIntegrationOptions): void {
  if (opts.nSteps === 'auto') {
    if (opts.tolerance !== undefined && !(opts.tolerance > 0 && Number.isFinite(opts.tolerance))) {
      throw new InputError(`tolerance must be a positive number, got ${String(opts.tolerance)}.`, { code: 'bad-tolerance' });
    }
  } else if (opts.nSteps !== undefined && (!Number.isInteger(opts.nSteps) || opts.nSteps < 1)) {
    throw new InputError(`nSteps must be a positive integer, got ${String(opts.nSteps)}.`, { code: 'bad-n-steps' });
  }
  if (opts.internalBatchSize !== undefined && opts.internalBatchSize !== null && (!Number.isInteger(opts.internalBatchSize) || opts.internalBatchSize < 1)) {
    throw new InputError(`internalBatchSize must be a positive integer, got ${String(opts.internalBatchSize)}.`, { code: 'bad-batch-size' });
  }
  if (opts.method !== undefined && !isIntegrationMethod(opts.method)) {
    throw new InputError(`Unknown integration method "${String(opts.method)}". Use gausslegendre, riemann_left, riemann_right, riemann_middle or riemann_trapezoid.`, { code: 'bad-method' });
  }
  if (opts.evaluate !== undefined && typeof opts.evaluate !== 'boolean') {
    throw new InputError(`evaluate must be true or false, got ${JSON.stringify(opts.evaluate)}.`, { code: 'bad-evaluate' });
  }
  checkAlgorithm(opts);
}

/** The integration options of a call, in the form the integrators take them. */
export type IntegrationOptions = Pick<CommonExplainOptions, 'method' | 'internalBatchSize' | 'signal' | 'onProgress'> & { nSteps?: number };

/** Picks the integration options that are set (exactOptionalPropertyTypes forbids passing undefined). */
export function integrationOptions(o: CommonIntegrationOptions): IntegrationOptions {
  const r: IntegrationOptions = {};
  // 'auto' is resolved by the explainer (one integration per node count), never passed down.
  if (typeof o.nSteps === 'number') r.nSteps = o.nSteps;
  if (o.method !== undefined) r.method = o.method;
  if (o.internalBatchSize !== undefined) r.internalBatchSize = o.internalBatchSize;
  if (o.signal !== undefined) r.signal = o.signal;
  if (o.onProgress !== undefined) r.onProgress = o.onProgress;
  return r;
}

/** The compat flag of an options object, in the form the input builders take. */
export function compatOf(opts: Pick<CommonExplainOptions, 'compat'>): { compat?: 'transformers-interpret' } {
  return opts.compat === 'transformers-interpret' ? { compat: 'transformers-interpret' } : {};
}

/** Whether a call asked for the original's numbers (see the parity spec). */
export function isCompat(opts: Pick<CommonExplainOptions, 'compat'>): boolean {
  return opts.compat === 'transformers-interpret';
}
