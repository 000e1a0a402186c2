/**
 * Image faithfulness measured on the model: deletion and insertion curves over 16x16 patches
 * ordered by attribution (the baseline value being the explainer's all-zero baseline), every
 * point of both curves run in as few batches as the memory budget allows. The math is in
 * `attribution/faithfulness.ts`.
 */
import { curveSteps, imageFaithfulness, patchComposite, patchGrid, patchOrder, type ImageFaithfulness } from '../../attribution/faithfulness.js';
import { throwIfAborted } from '../../errors.js';
import { softmax } from '../core/math.js';
import type { LoadedModel } from '../core/loaded-model.js';
import { rowsPerRun } from '../core/memory.js';

/** Curve points after the start (evenly spaced patch counts up to every patch). */
export const IMAGE_CURVE_POINTS = 20;

/** Patch side in pixels. */
export const IMAGE_PATCH = 16;

/**
 * Deletion / insertion AOPC of one explained class; p = the class's softmax probability.
 *
 * @param x the explained pixel values, [1, C, H, W].
 * @param attributions the attribution of `x`, same shape.
 * @example
 * const f = await evaluateImageFaithfulness(model, x, [1, 3, 224, 224], r.attributions, r.attributionClassIndex);
 */
export async function evaluateImageFaithfulness(
  model: LoadedModel,
  x: Float32Array,
  shape: readonly [number, number, number, number],
  attributions: ArrayLike<number>,
  target: number,
  opts: { signal?: AbortSignal; points?: number } = {},
): Promise<ImageFaithfulness> {
  const [, C, H, W] = shape;
  const grid = patchGrid(H, W, IMAGE_PATCH);
  const order = patchOrder(attributions, C, grid);
  const steps = curveSteps(order.length, opts.points ?? IMAGE_CURVE_POINTS);
  const baseline = new Float32Array(x.length);
  // Rows: deletion points, then insertion points.
  const rows = [...steps.map((k) => ({ rest: x, from: baseline, k })), ...steps.map((k) => ({ rest: baseline, from: x, k }))];
  const fwd = await model.forward();
  const perRun = rowsPerRun(model.onnx.graph, { pixel_values: [1, C, H, W] }, rows.length);
  const probs: number[] = [];
  for (let start = 0; start < rows.length; start += perRun) {
    throwIfAborted(opts.signal);
    const batch = rows.slice(start, start + perRun);
    const data = new Float32Array(batch.length * x.length);
    batch.forEach((r, b) => data.set(patchComposite(r.rest, r.from, C, grid, order, r.k), b * x.length));
    const out = await fwd.run({ pixel_values: fwd.tensor('float32', data, [batch.length, C, H, W]) }, undefined, opts.signal ? { signal: opts.signal } : {});
    const logits = (await out[fwd.outputNames[0]].getData()) as Float32Array;
    const n = logits.length / batch.length;
    for (let b = 0; b < batch.length; b++) probs.push(softmax(logits.subarray(b * n, (b + 1) * n))[target]);
  }
  return imageFaithfulness(steps, probs.slice(0, steps.length), probs.slice(steps.length), IMAGE_PATCH);
}
