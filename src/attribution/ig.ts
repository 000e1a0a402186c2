/**
 * Integrated-gradients driver over an abstract evaluator: pure orchestration (rule, chunking,
 * float64 accumulation, progress, cancellation), no ONNX.
 *
 * The evaluator does the heavy part for one chunk of rows: for each row it evaluates the path
 * point `x' + alpha (x - x')`, the explained scalar F there and its gradient, multiplies the
 * gradient by the row's weight (the step size) and sums the rows of each target. With a gradient
 * graph the interpolation, weighting and sum all run inside the graph; the driver only adds
 * chunk results. The factor `(x - x')` of integrated gradients may be applied by the evaluator
 * or afterwards by the caller: the driver just sums what it gets.
 *
 * Rows are ordered target-major (all steps of target 0, then of target 1, ...), so one chunk
 * usually serves one target and a single-target run splits exactly like captum's
 * `internal_batch_size`.
 *
 * @module
 */

import { AbortError, InputError } from '../errors.js';
import { splitIntoChunks } from './chunks.js';
import { quadrature, type IntegrationMethod, type QuadratureRule } from './quadrature.js';

/** One evaluation of the integrand: path point `alpha` of target `target`, weighted by `weight`. */
export interface IgRow {
  /** Index of the explained target, `0 .. numTargets-1`. */
  readonly target: number;
  /** Index of the step in the quadrature rule, `0 .. nSteps-1`. */
  readonly step: number;
  /** Interpolation coefficient of the path point. */
  readonly alpha: number;
  /** Step size that multiplies the gradient at this point. */
  readonly weight: number;
}

/** A batch of rows given to the evaluator at once. */
export interface IgChunk {
  /** Position of this chunk, `0 .. chunkCount-1`. */
  readonly index: number;
  readonly rows: readonly IgRow[];
  /** `rows[i].alpha` as one array (handy for building a tensor). */
  readonly alphas: Float64Array;
  /** `rows[i].weight` as one array. */
  readonly weights: Float64Array;
  /** `rows[i].target` as one array. */
  readonly rowTargets: Int32Array;
  /**
   * The distinct targets of this chunk, ascending. The evaluator returns one attribution block
   * per entry, in this order.
   */
  readonly targets: readonly number[];
  /** Cancellation of the whole run; the evaluator may watch it to stop mid-chunk. */
  readonly signal?: AbortSignal;
}

/** What the evaluator returns for one chunk. */
export interface IgChunkOutput {
  /** F at each row's path point, in row order (`rows.length` values). */
  readonly rowScalars: ArrayLike<number>;
  /**
   * For each entry of `chunk.targets` (in that order) a block of `size` values:
   * `sum over the chunk's rows of that target of weight * dF/dx (path point)`, possibly already
   * multiplied by `(x - x')` and reduced (e.g. over the hidden axis) - whatever the caller chose;
   * the driver only adds blocks. Length `chunk.targets.length * size`.
   */
  readonly attributionPart: ArrayLike<number>;
}

/**
 * The `attributionPart` of a chunk from per-row attributions (`rows.length` blocks of `size`,
 * already weighted): each row's block added into its target's block, in `chunk.targets` order.
 *
 * @example
 * const part = sumRowsByTarget(chunk, r.attribution, tokens); // one block per target
 */
export function sumRowsByTarget(chunk: Pick<IgChunk, 'rows' | 'rowTargets' | 'targets'>, rowAttributions: ArrayLike<number>, size: number): Float64Array {
  const part = new Float64Array(chunk.targets.length * size);
  for (let i = 0; i < chunk.rows.length; i++) {
    const k = chunk.targets.indexOf(chunk.rowTargets[i] as number);
    for (let j = 0; j < size; j++) part[k * size + j] += rowAttributions[i * size + j] as number;
  }
  return part;
}

/** Evaluates one chunk. May be async (a session run) or sync (tests, CPU fallbacks). */
export type IgEvaluator = (chunk: IgChunk) => Promise<IgChunkOutput> | IgChunkOutput;

/** Options of {@link integratedGradients}. */
export interface IntegratedGradientsOptions {
  /** Length of one target's attribution block (e.g. T * H, or T when reduced in-graph). */
  readonly size: number;
  /** Number of integration steps (default 50, captum's default). */
  readonly nSteps?: number;
  /** Integration rule (default 'gausslegendre', captum's default). */
  readonly method?: IntegrationMethod;
  /** Use these alphas/step sizes instead of `method`/`nSteps` (e.g. a precomputed table). */
  readonly rule?: QuadratureRule;
  /** Number of targets explained in one run (default 1); each gets every step. */
  readonly numTargets?: number;
  /**
   * Rows per evaluator call (captum's `internal_batch_size`); undefined or null = all rows in
   * one call. Does not change the result beyond float noise.
   */
  readonly internalBatchSize?: number | null;
  /** Called with `(rowsDone, rowsTotal)`: once with 0 before the first chunk, then after each chunk. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting rejects with an `AbortError` between chunks (and is passed to the evaluator). */
  readonly signal?: AbortSignal;
}

/** Result of {@link integratedGradients}. */
export interface IntegratedGradientsResult {
  /** One float64 block of `size` values per target: the sum over all steps. */
  readonly attributions: Float64Array[];
  /** Per target, F at each step's path point, in step order (`nSteps` values). */
  readonly stepScalars: Float64Array[];
  /** The rule that was integrated. */
  readonly alphas: Float64Array;
  readonly stepSizes: Float64Array;
  /** Number of evaluator calls. */
  readonly chunkCount: number;
}

/**
 * Runs integrated gradients: builds the rows (targets x steps), splits them into chunks of
 * `internalBatchSize`, calls `evaluate` on each chunk in order, and adds the chunk results in
 * float64.
 *
 * @example
 * ```ts
 * // F(x) = sum(x^3): gradient 3 x^2, path x(a) = x' + a (x - x').
 * const x = [1, 2], base = [0, 0];
 * const res = await integratedGradients(
 *   ({ rows }) => {
 *     const part = new Float64Array(2);
 *     const rowScalars = rows.map(({ alpha, weight }) => {
 *       let f = 0;
 *       for (let i = 0; i < 2; i++) {
 *         const p = base[i] + alpha * (x[i] - base[i]);
 *         part[i] += weight * 3 * p * p * (x[i] - base[i]);
 *         f += p ** 3;
 *       }
 *       return f;
 *     });
 *     return { rowScalars, attributionPart: part };
 *   },
 *   { size: 2, nSteps: 5 },
 * );
 * res.attributions[0]; // ≈ [1, 8]
 * ```
 */
export async function integratedGradients(
  evaluate: IgEvaluator,
  options: IntegratedGradientsOptions,
): Promise<IntegratedGradientsResult> {
  const { size, signal, onProgress } = options;
  if (!Number.isInteger(size) || size < 0) {
    throw new InputError(`size must be a non-negative integer, got ${String(size)}`);
  }
  const numTargets = options.numTargets ?? 1;
  if (!Number.isInteger(numTargets) || numTargets < 1) {
    throw new InputError(`numTargets must be a positive integer, got ${String(numTargets)}`);
  }
  const rule = options.rule ?? quadrature(options.method ?? 'gausslegendre', options.nSteps ?? 50);
  const { alphas, stepSizes } = rule;
  if (alphas.length !== stepSizes.length || alphas.length === 0) {
    throw new InputError(
      `rule needs as many alphas as step sizes (at least one), got ${alphas.length} and ${stepSizes.length}`,
    );
  }
  if (options.rule && options.nSteps !== undefined && options.nSteps !== alphas.length) {
    throw new InputError(`nSteps (${options.nSteps}) disagrees with the rule's ${alphas.length} steps`);
  }
  const nSteps = alphas.length;
  const totalRows = nSteps * numTargets;
  const chunks = splitIntoChunks(totalRows, options.internalBatchSize);

  const attributions = Array.from({ length: numTargets }, () => new Float64Array(size));
  const stepScalars = Array.from({ length: numTargets }, () => new Float64Array(nSteps));

  throwIfAborted(signal);
  onProgress?.(0, totalRows);
  for (let c = 0; c < chunks.length; c++) {
    const { start, end } = chunks[c];
    const chunk = makeChunk(c, start, end, nSteps, alphas, stepSizes, signal);
    const out = await evaluate(chunk);
    // A run aborted while the evaluator was busy ends here, without using its output.
    throwIfAborted(signal);
    accumulate(chunk, out, size, attributions, stepScalars);
    onProgress?.(end, totalRows);
  }
  return { attributions, stepScalars, alphas, stepSizes, chunkCount: chunks.length };
}

function makeChunk(
  index: number,
  start: number,
  end: number,
  nSteps: number,
  alphas: Float64Array,
  stepSizes: Float64Array,
  signal: AbortSignal | undefined,
): IgChunk {
  const n = end - start;
  const rows: IgRow[] = new Array<IgRow>(n);
  const chunkAlphas = new Float64Array(n);
  const weights = new Float64Array(n);
  const rowTargets = new Int32Array(n);
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = start + i;
    const target = Math.floor(r / nSteps);
    const step = r % nSteps;
    rows[i] = { target, step, alpha: alphas[step], weight: stepSizes[step] };
    chunkAlphas[i] = alphas[step];
    weights[i] = stepSizes[step];
    rowTargets[i] = target;
    // Rows are target-major, so a new target can only appear after the previous one.
    if (targets.length === 0 || targets[targets.length - 1] !== target) targets.push(target);
  }
  return { index, rows, alphas: chunkAlphas, weights, rowTargets, targets, signal };
}

function accumulate(
  chunk: IgChunk,
  out: IgChunkOutput,
  size: number,
  attributions: Float64Array[],
  stepScalars: Float64Array[],
): void {
  const { rows, targets } = chunk;
  if (out.rowScalars.length !== rows.length) {
    throw new InputError(
      `evaluator returned ${out.rowScalars.length} row scalars for a chunk of ${rows.length} rows`,
    );
  }
  if (out.attributionPart.length !== targets.length * size) {
    throw new InputError(
      `evaluator returned ${out.attributionPart.length} attribution values, expected ` +
        `${targets.length} target(s) x ${size} = ${targets.length * size}`,
    );
  }
  for (let i = 0; i < rows.length; i++) {
    stepScalars[rows[i].target][rows[i].step] = out.rowScalars[i];
  }
  const part = out.attributionPart;
  for (let k = 0; k < targets.length; k++) {
    const acc = attributions[targets[k]];
    const base = k * size;
    for (let j = 0; j < size; j++) acc[j] += part[base + j];
  }
}

/**
 * The error an aborted run rejects with: the signal's reason when it already is gradscope's
 * {@link AbortError}, else a new {@link AbortError} (code `aborted`) with the reason as its cause.
 */
export function abortError(signal?: AbortSignal): AbortError {
  const reason: unknown = signal?.reason;
  if (reason instanceof AbortError) return reason;
  return new AbortError('The integrated-gradients run was aborted.', reason === undefined ? {} : { cause: reason });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
