/**
 * Convergence delta of integrated gradients: how far the attributions' total is from the
 * change of the explained scalar.
 *
 * @module
 */

/**
 * Sum of `values` in float64 with Neumaier compensation, so that long attribution tensors
 * (T x H values of mixed sign) add up without order-dependent drift. torch sums float64
 * pairwise; both are within a few ulps of the exact sum.
 *
 * @example
 * ```ts
 * sumFloat64([1e16, 1, -1e16]); // 1
 * ```
 */
export function sumFloat64(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** Options of {@link convergenceDelta}. */
export interface ConvergenceDeltaOptions {
  /**
   * The F values are float32 model outputs: subtract them in float32 as captum does
   * (`end_out - start_out` on float32 tensors, then promoted to float64). Reproduces the
   * original's delta to ~1e-16 instead of ~1e-8.
   */
  readonly float32Outputs?: boolean;
}

/**
 * captum's convergence delta: `sum(attributions) - (F(end) - F(start))`.
 *
 * Which F values to pass depends on the mode (see the parity spec): compat mode uses the
 * original's forward on the baseline rows (ref ids, token types and positions all zero) as
 * `fStart`; the default mode uses F at the two ends of the integrated path, so the delta
 * measures the integration error only.
 *
 * @param attributions the full attribution tensor (any shape, flattened), before sign flips,
 *   or already its total as a number.
 * @example
 * ```ts
 * convergenceDelta([0.25, 0.5], 0.9, 0.2); // 0.75 - 0.7 = 0.05
 * convergenceDelta(total, fIn, fBase, { float32Outputs: true }); // bit-compatible with captum
 * ```
 */
export function convergenceDelta(
  attributions: ArrayLike<number> | number,
  fEnd: number,
  fStart: number,
  options: ConvergenceDeltaOptions = {},
): number {
  const total = typeof attributions === 'number' ? attributions : sumFloat64(attributions);
  const change = options.float32Outputs ? Math.fround(Math.fround(fEnd) - Math.fround(fStart)) : fEnd - fStart;
  return total - change;
}
