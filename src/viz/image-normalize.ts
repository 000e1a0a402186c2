/**
 * captum's attribution normalisation for images: channel sum, sign selection, outlier
 * threshold by cumulative sum, scaling into [-1, 1].
 *
 * @module
 */
import { InputError } from '../errors.js';

/** Which attributions to show (`absolute_value` is captum's spelling of `absolute`). */
export type ImageSign = 'all' | 'positive' | 'negative' | 'absolute';

/** Accepts captum's `absolute_value` as well as `absolute`. */
export function parseImageSign(sign: string): ImageSign {
  if (sign === 'absolute_value') return 'absolute';
  if (sign === 'all' || sign === 'positive' || sign === 'negative' || sign === 'absolute') return sign;
  throw new InputError(`sign must be one of all, positive, negative, absolute; got ${sign}`, { code: 'invalid-sign' });
}

/**
 * Sums a [1, C, H, W] (or [C, H, W]) tensor over its channels into an [H, W] map, row-major.
 * Sums run in float64, channel by channel, like numpy's sum over the last axis of the
 * channels-last array captum receives.
 *
 * @example
 * ```ts
 * const map = channelSum(attributions, [1, 3, 224, 224]); // Float64Array(224 * 224)
 * ```
 */
export function channelSum(data: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const [c, h, w] = shape.length === 4 ? shape.slice(1) : shape;
  if (c === undefined || h === undefined || w === undefined) throw new InputError(`expected [1, C, H, W], got [${shape.join(', ')}]`, { code: 'invalid-tensor-shape' });
  const plane = h * w;
  if (data.length < c * plane) throw new InputError(`tensor has ${data.length} values, shape needs ${c * plane}`, { code: 'invalid-tensor-shape' });
  const out = new Float64Array(plane);
  for (let ch = 0; ch < c; ch++) {
    const base = ch * plane;
    for (let i = 0; i < plane; i++) out[i] = (out[i] ?? 0) + (data[base + i] ?? 0);
  }
  return out;
}

/**
 * captum's `_cumulative_sum_threshold`: sort the (non-negative) values ascending, take
 * cumulative sums, and return the first value whose cumulative sum reaches `percentile`%
 * of the total. The comparison is written as captum writes it
 * (`cumsum >= total * 0.01 * percentile`) so the same value is picked at ties.
 *
 * @example
 * ```ts
 * cumulativeSumThreshold(Float64Array.from([1, 2, 3, 4]), 90); // 4 (cumsums 1, 3, 6, 10; 10 >= 9)
 * ```
 */
export function cumulativeSumThreshold(values: ArrayLike<number>, percentile: number): number {
  if (!(percentile >= 0 && percentile <= 100)) throw new InputError('percentile must be between 0 and 100', { code: 'invalid-percentile' });
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return 0;
  const cum = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cum[i] = acc += sorted[i] ?? 0;
  const target = (cum[n - 1] ?? 0) * 0.01 * percentile;
  for (let i = 0; i < n; i++) if ((cum[i] ?? 0) >= target) return sorted[i] ?? 0;
  return sorted[n - 1] ?? 0;
}

/** What {@link normalizeImageAttributions} returns. */
export interface NormalizedImageAttributions {
  /** The [H, W] map scaled by the threshold and clipped to [-1, 1] (sign `all`) or [0, 1]. */
  values: Float64Array;
  /** The value the map was divided by (negative for sign `negative`, as in captum). */
  threshold: number;
}

/**
 * captum's `_normalize_attr` on an [H, W] map: pick the sign, find the threshold that
 * leaves `outlierPerc`% of the total |attribution| above it, divide by it and clip.
 * `negative` divides negative values by a negative threshold, so its map is in [0, 1] too.
 * A map whose threshold is 0 (nothing of that sign) comes back as zeros instead of captum's
 * assertion error.
 *
 * @example
 * ```ts
 * const { values } = normalizeImageAttributions(channelSum(attr, shape), 'all', 10);
 * ```
 */
export function normalizeImageAttributions(map: ArrayLike<number>, sign: ImageSign, outlierPerc: number = 2): NormalizedImageAttributions {
  const n = map.length;
  const combined = new Float64Array(n);
  const magnitude = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = map[i] ?? 0;
    const kept = sign === 'positive' ? (v > 0 ? v : 0) : sign === 'negative' ? (v < 0 ? v : 0) : sign === 'absolute' ? Math.abs(v) : v;
    combined[i] = kept;
    magnitude[i] = Math.abs(kept);
  }
  const t = cumulativeSumThreshold(magnitude, 100 - outlierPerc);
  const threshold = sign === 'negative' ? -t : t;
  const values = new Float64Array(n);
  if (threshold !== 0) {
    for (let i = 0; i < n; i++) values[i] = Math.max(-1, Math.min(1, (combined[i] ?? 0) / threshold));
  }
  return { values, threshold };
}
