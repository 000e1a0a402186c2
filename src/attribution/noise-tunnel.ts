/**
 * Pure parts of captum's `NoiseTunnel`: a seedable Gaussian generator, noisy copies of an
 * input, and the combination of the per-sample attributions (smoothgrad, smoothgrad_sq,
 * vargrad). No ONNX, no I/O.
 *
 * What captum averages: each noisy input `x + N(0, stdev^2)` is explained on its own (for
 * integrated gradients that is `(x_noisy - x') * integral of the gradient`, so the factor uses
 * the NOISY input), and then, per element,
 * - smoothgrad    = mean over samples of the attributions,
 * - smoothgrad_sq = mean over samples of their squares,
 * - vargrad       = mean of squares - square of mean (population variance).
 * `stdev` is absolute (in the units of the input, not relative to its range).
 *
 * @module
 */
import { InputError } from '../errors.js';

/** The three combinations captum offers. */
export type NoiseTunnelType = 'smoothgrad' | 'smoothgrad_sq' | 'vargrad';

/** All noise-tunnel types, for validation and UIs. */
export const NOISE_TUNNEL_TYPES: readonly NoiseTunnelType[] = ['smoothgrad', 'smoothgrad_sq', 'vargrad'];

/** True when `v` is a noise-tunnel type name. */
export function isNoiseTunnelType(v: unknown): v is NoiseTunnelType {
  return typeof v === 'string' && (NOISE_TUNNEL_TYPES as readonly string[]).includes(v);
}

/** A source of uniform numbers in [0, 1). */
export type UniformRandom = () => number;

/**
 * A small seeded uniform generator (mulberry32): 32-bit state, fast, and identical on every
 * platform, so a seed gives the same noise in Node and in the browser.
 *
 * @example
 * ```ts
 * const u = mulberry32(42);
 * u(); // same value on every run
 * ```
 */
export function mulberry32(seed: number): UniformRandom {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A standard-normal generator (Box-Muller on a uniform source, both values of each pair used).
 * Without a seed it draws from `Math.random`, so results differ from call to call, as
 * `torch.normal` does without a manual seed.
 *
 * @example
 * ```ts
 * const gauss = gaussian(1234);
 * const z = gauss(); // ~ N(0, 1)
 * ```
 */
export function gaussian(seed?: number): () => number {
  const uniform = seed === undefined ? Math.random : mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/**
 * `x + stdev * z` with `z` drawn from `normal`, as float32 (the dtype the model takes).
 *
 * @example
 * ```ts
 * const noisy = addGaussianNoise(pixelValues, 1.0, gaussian(7));
 * ```
 */
export function addGaussianNoise(x: ArrayLike<number>, stdev: number, normal: () => number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + stdev * normal();
  return out;
}

/**
 * `nSamples` noisy copies of `x` (captum's `add_noise_to_inputs` for one input).
 *
 * @example
 * ```ts
 * const samples = noisySamples(pixelValues, 10, 1.0, 1234);
 * ```
 */
export function noisySamples(x: ArrayLike<number>, nSamples: number, stdev: number, seed?: number): Float32Array[] {
  const normal = gaussian(seed);
  return Array.from({ length: nSamples }, () => addGaussianNoise(x, stdev, normal));
}

/**
 * Running float64 sums of per-sample attributions and of their squares: add each sample's
 * attribution as it arrives (no need to keep them all), then read the combination.
 *
 * @example
 * ```ts
 * const acc = new NoiseTunnelAccumulator(size);
 * for (const a of perSampleAttributions) acc.add(a);
 * const smooth = acc.combine('smoothgrad');
 * ```
 */
export class NoiseTunnelAccumulator {
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private n = 0;

  /** @param size number of elements of one attribution. */
  constructor(readonly size: number) {
    this.sum = new Float64Array(size);
    this.sumSq = new Float64Array(size);
  }

  /** Number of samples added so far. */
  get count(): number {
    return this.n;
  }

  /** Adds one sample's attribution (length `size`). */
  add(attribution: ArrayLike<number>): void {
    if (attribution.length !== this.size) {
      throw new InputError(`attribution has ${attribution.length} values, expected ${this.size}`);
    }
    for (let i = 0; i < this.size; i++) {
      const v = attribution[i];
      this.sum[i] += v;
      this.sumSq[i] += v * v;
    }
    this.n++;
  }

  /** The combination over the samples added so far, in float64. */
  combine(type: NoiseTunnelType): Float64Array {
    if (this.n === 0) throw new InputError('no samples were added');
    const out = new Float64Array(this.size);
    const inv = 1 / this.n;
    for (let i = 0; i < this.size; i++) {
      const mean = this.sum[i] * inv;
      const meanSq = this.sumSq[i] * inv;
      out[i] = type === 'smoothgrad' ? mean : type === 'smoothgrad_sq' ? meanSq : meanSq - mean * mean;
    }
    return out;
  }
}

/**
 * Combines per-sample attributions at once (see {@link NoiseTunnelAccumulator}).
 *
 * @example
 * ```ts
 * combineNoiseTunnel([[1, 2], [3, 2]], 'vargrad'); // Float64Array [1, 0]
 * ```
 */
export function combineNoiseTunnel(samples: readonly ArrayLike<number>[], type: NoiseTunnelType): Float64Array {
  if (samples.length === 0) throw new InputError('no samples to combine');
  const acc = new NoiseTunnelAccumulator(samples[0].length);
  for (const s of samples) acc.add(s);
  return acc.combine(type);
}
