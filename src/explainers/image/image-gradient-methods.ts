/**
 * Gradient x input, saliency and SmoothGrad for images on the per-row IG graph cut at
 * `pixel_values` (the one IGNT uses): one path point per row, planned by
 * `attribution/gradient-methods.ts` exactly as for text, so the options, their validation and
 * the noise are the text explainers'.
 *
 * Every pixel value is its own feature here, so the text reductions read per element: the rows'
 * sum (gradient x input, SmoothGrad) and, for saliency, the L2 norm of a one-value feature,
 * i.e. |gradient| per pixel value.
 *
 * @module
 */
import { gradientPlan, tokenScores, type AlgorithmChoice } from '../../attribution/gradient-methods.js';
import { GS } from '../../autodiff/spec.js';
import { throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../runtime/session.js';

/** The per-row IG graph of the image explainer, as a runner. */
export interface ImageGraphRunner {
  run(feeds: Record<string, Tensor>, signal?: AbortSignal): Promise<{ attribution: Float32Array }>;
  tensor(data: Float32Array, dims: number[]): Tensor;
}

/** One gradient-method call on one image. */
export interface ImageGradientRequest {
  /** `pixel_values`, one row [1, C, H, W]. */
  x: Float32Array;
  shape: readonly number[];
  /** The target mask of `rows` rows ([rows, classes], one-hot per row). */
  targetMask(rows: number): Float32Array;
  nClasses: number;
  /** Rows per run for a plan of `rows` rows. */
  rowsPerRun(rows: number): number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Attributions over `pixel_values` ([1, C, H, W] flattened) for a gradient method. Memory is
 * that of one chunk of rows: the rows are summed as they come.
 *
 * @example
 * const a = await imageGradientMethod(runner, { x, shape: [1, 3, 224, 224], nClasses, targetMask, rowsPerRun: () => 4 }, checkAlgorithm({ algorithm: 'gradient-x-input' }));
 */
export async function imageGradientMethod(graph: ImageGraphRunner, req: ImageGradientRequest, choice: AlgorithmChoice): Promise<Float64Array> {
  const { x, shape } = req;
  const size = x.length;
  const plan = gradientPlan(choice, x);
  // The plan's noise-free row of weight 0 (SmoothGrad) only gives F at x, which the caller has.
  const rows = plan.inputRow === plan.rows - 1 && plan.weights[plan.inputRow] === 0 ? plan.rows - 1 : plan.rows;
  const perRun = Math.max(1, Math.min(rows, req.rowsPerRun(rows)));
  const attributions = new Float64Array(size);
  req.onProgress?.(0, rows);
  for (let start = 0; start < rows; start += perRun) {
    const end = Math.min(rows, start + perRun);
    const B = end - start;
    const { input, baseline } = plan.rowsOf(start, end);
    const dims = [B, shape[1], shape[2], shape[3]];
    const out = await graph.run(
      {
        [GS.input]: graph.tensor(input, dims),
        [GS.baseline]: graph.tensor(baseline, dims),
        [GS.alphas]: graph.tensor(plan.alphas.slice(start, end), [B]),
        [GS.weights]: graph.tensor(plan.weights.slice(start, end), [B]),
        [GS.targetMask]: graph.tensor(req.targetMask(B), [B, req.nClasses]),
      },
      req.signal,
    );
    throwIfAborted(req.signal);
    const part = tokenScores({ ...plan, rows: B }, out.attribution, size, 1);
    for (let i = 0; i < size; i++) attributions[i] += part[i];
    req.onProgress?.(end, rows);
  }
  return attributions;
}
