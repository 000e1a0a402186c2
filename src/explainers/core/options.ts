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
import { INTEGRATION_METHODS, isIntegrationMethod } from '../../attribution/quadrature.js';
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
   * Integration steps (default 50; a whole number from 1 to {@link MAX_N_STEPS}). `'auto'`: Gauss-Legendre node counts 3, 5, 8, 13, ... until
   * the normalised word attributions are within `tolerance` (two counts agree, or geometric
   * convergence predicts it; see `attribution/auto-steps.ts`); the result's `autoSteps` says how
   * it stopped. Progress restarts with each count tried.
   */
  nSteps?: number | 'auto';
  /** With `nSteps: 'auto'`: the max abs change of the normalised attributions accepted (default 1e-3; between 0 and 1). */
  tolerance?: number;
  /** Rows per model run (1 to {@link MAX_INTERNAL_BATCH_SIZE}); unset: chosen to fit memory. Does not change results. */
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

/** Most integration steps a call may ask for: Gauss-Legendre nodes cost O(n^2) to compute. */
export const MAX_N_STEPS = 10_000;

/** Most SmoothGrad samples a call may ask for (each is one more pass over the path). */
export const MAX_SMOOTHGRAD_SAMPLES = 1_000;

/** Most rows per model run a call may ask for (each row is one copy of the input). */
export const MAX_INTERNAL_BATCH_SIZE = 65_536;

/**
 * The option keys every explain call takes. An explainer declares its own keys on top of these
 * (e.g. `[...TEXT_OPTION_KEYS, 'index', 'className']`) and passes the list to
 * {@link checkOptions}; a new option is one more name in the list of the explainers that take it.
 */
export const COMMON_OPTION_KEYS = [
  'nSteps',
  'tolerance',
  'internalBatchSize',
  'method',
  'signal',
  'onProgress',
  'onRefine',
  'evaluate',
  'algorithm',
  'smoothGradSamples',
  'smoothGradNoise',
  'seed',
] as const;

/** The option keys of every text explain call: the common ones, `compat`, `truncation` and the embedding layer. */
export const TEXT_OPTION_KEYS = [...COMMON_OPTION_KEYS, 'compat', 'truncation', 'embeddingType', 'onWarning'] as const;

/** The option keys of every `fromPretrained` (and of `explainer(task, model, options)`). */
export const LOAD_OPTION_KEYS = ['device', 'localOnly', 'onProgress', 'externalData', 'customLabels', 'dtype'] as const;

const COMPAT_VALUES = ['transformers-interpret'] as const;

function list(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
}

/**
 * A whole number in `[min, max]`; typed error naming the option, the range and what was given.
 *
 * @throws {InputError} with `code`.
 */
export function checkCount(value: unknown, name: string, min: number, max: number, code: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = min === 1 ? `a positive integer (at most ${max.toLocaleString('en-US')})` : `an integer from ${min} to ${max.toLocaleString('en-US')}`;
    throw new InputError(`${name} must be ${range}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`, { code });
  }
  return value;
}

/**
 * Throws a typed error when `value` is not one of `valid`, naming the valid ones.
 *
 * @throws {InputError} with `code`.
 */
export function checkOneOf<T>(value: unknown, valid: readonly T[], name: string, code: string): T {
  if (!valid.includes(value as T)) {
    throw new InputError(`${name} must be one of ${list(valid)}, got ${JSON.stringify(value) ?? String(value)}.`, { code });
  }
  return value as T;
}

/**
 * An options argument as an object: `undefined` and `null` mean "no options" (as a Python
 * caller's `None`); anything else that is not a plain object, or that has a key outside
 * `valid`, is a typed error naming the valid keys (a misspelt `nstep` is never ignored).
 *
 * @throws {InputError} `bad-options` (not an object) or `unknown-option`.
 *
 * @example
 * checkOptionKeys({ nstep: 5 }, COMMON_OPTION_KEYS); // throws: unknown option "nstep" ... nSteps ...
 */
export function checkOptionKeys<T extends object>(opts: T | null | undefined, valid: readonly string[], what = 'options'): T {
  if (opts === undefined || opts === null) return {} as T;
  if (typeof opts !== 'object' || Array.isArray(opts)) {
    throw new InputError(`The ${what} must be an object such as { nSteps: 50 }, got ${Array.isArray(opts) ? 'an array' : typeof opts}.`, { code: 'bad-options' });
  }
  // A key set to undefined changes nothing (spreads such as { index: undefined } are common).
  const unknown = Object.entries(opts).filter(([k, v]) => v !== undefined && !valid.includes(k)).map(([k]) => k);
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown ${what === 'options' ? 'option' : `${what} key`}${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}. Valid keys: ${valid.join(', ')}.`,
      { code: 'unknown-option' },
    );
  }
  return opts;
}

/**
 * Validates the common options; throws a typed {@link InputError} naming the bad one.
 * Limits: `nSteps` 1 to {@link MAX_N_STEPS}, `internalBatchSize` 1 to
 * {@link MAX_INTERNAL_BATCH_SIZE}, `tolerance` a finite number > 0.
 *
 * @example
 * checkCommon({ nSteps: 0 }); // throws InputError, code 'bad-n-steps'
 */
export function checkCommon(opts: CommonIntegrationOptions & Pick<CommonExplainOptions, 'compat' | 'truncation'>): void {
  if (opts.nSteps !== undefined && opts.nSteps !== 'auto') checkCount(opts.nSteps, 'nSteps', 1, MAX_N_STEPS, 'bad-n-steps');
  // Checked even when nSteps is a count (where it is not used), so a NaN never waits to bite.
  if (opts.tolerance !== undefined && !(typeof opts.tolerance === 'number' && opts.tolerance > 0 && opts.tolerance < 1)) {
    throw new InputError(`tolerance must be a number between 0 and 1 (exclusive) such as 1e-3, got ${String(opts.tolerance)}.`, { code: 'bad-tolerance' });
  }
  if (opts.internalBatchSize !== undefined && opts.internalBatchSize !== null) {
    checkCount(opts.internalBatchSize, 'internalBatchSize', 1, MAX_INTERNAL_BATCH_SIZE, 'bad-batch-size');
  }
  if (opts.method !== undefined && !isIntegrationMethod(opts.method)) {
    throw new InputError(`Unknown integration method ${JSON.stringify(opts.method) ?? String(opts.method)}. Use one of ${list(INTEGRATION_METHODS)}.`, { code: 'bad-method' });
  }
  if (opts.compat !== undefined) checkOneOf(opts.compat, COMPAT_VALUES, 'compat', 'bad-compat');
  if (opts.truncation !== undefined && typeof opts.truncation !== 'boolean') {
    throw new InputError(`truncation must be true or false, got ${JSON.stringify(opts.truncation)}.`, { code: 'bad-truncation' });
  }
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') {
    throw new InputError('onProgress must be a function (done, total) => void.', { code: 'bad-options' });
  }
  if (opts.signal !== undefined && !(typeof opts.signal === 'object' && opts.signal !== null && typeof (opts.signal as { aborted?: unknown }).aborted === 'boolean')) {
    throw new InputError('signal must be an AbortSignal, e.g. new AbortController().signal.', { code: 'bad-options' });
  }
  if (opts.evaluate !== undefined && typeof opts.evaluate !== 'boolean') {
    throw new InputError(`evaluate must be true or false, got ${JSON.stringify(opts.evaluate)}.`, { code: 'bad-evaluate' });
  }
  // Each SmoothGrad sample is a full pass over the path: capped like the image noise tunnel's.
  if (opts.smoothGradSamples !== undefined) checkCount(opts.smoothGradSamples, 'smoothGradSamples', 1, MAX_SMOOTHGRAD_SAMPLES, 'bad-smoothgrad-samples');
  checkAlgorithm(opts);
}

/**
 * The options of one explain call, checked: keys against `valid` ({@link checkOptionKeys}),
 * then the common values ({@link checkCommon}). Every explainer calls this first.
 *
 * @example
 * const o = checkOptions(opts, [...TEXT_OPTION_KEYS, 'index', 'className']);
 */
export function checkOptions<T extends CommonIntegrationOptions>(opts: T | null | undefined, valid: readonly string[]): T {
  const o = checkOptionKeys(opts, valid);
  checkCommon(o);
  return o;
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
