/**
 * Gradient methods beside integrated gradients, on the same fused gradient graph (pure: plans
 * and combinations, no ONNX).
 *
 * The IG graph computes, per row b, `w_b * dF/dz (z_b) * (i_b - b_b)` at the path point
 * `z_b = b_b + a_b (i_b - b_b)` (input row i, baseline row b, alpha a, weight w), reduced over
 * the hidden axis or not. One path point per row is enough for the plain gradient methods:
 * - gradient x input: i = x, b = 0, a = 1, w = 1 -> grad(x) * x (summed over the hidden axis);
 * - saliency: i = x + 1, b = x, a = 0, w = 1 -> grad(x) * 1 = the gradient itself (kept per
 *   element), then its L2 norm over the hidden axis;
 * - smoothgrad: per sample s, b = x + e_s, i = 2x + e_s, a = 0, w = 1/S -> grad(x + e_s) * x /
 *   S; summed over the samples: the smoothed gradient times the input, with
 *   e_s ~ N(0, (noise (max x - min x))^2) seeded (the noise level of the SmoothGrad paper).
 *
 * @module
 */
import { InputError, InternalError } from '../errors.js';
import type { AlgorithmName } from '../types.js';
import { gaussian } from './noise-tunnel.js';

/** The attribution algorithms. */
export type Algorithm = AlgorithmName;

/** Every algorithm name, for validation and UIs. */
export const ALGORITHMS: readonly Algorithm[] = ['integrated-gradients', 'gradient-x-input', 'saliency', 'smoothgrad'];

/** SmoothGrad's defaults: samples and the noise level (fraction of the input's range). */
export const SMOOTHGRAD_DEFAULTS = { samples: 10, noise: 0.1 } as const;

/** The options that choose and tune an algorithm. */
export interface AlgorithmOptions {
  /** Default 'integrated-gradients'. */
  algorithm?: Algorithm;
  /** SmoothGrad: noisy samples (positive integer, default 10). */
  smoothGradSamples?: number;
  /** SmoothGrad: noise standard deviation as a fraction of the input's range (>= 0, default 0.1). */
  smoothGradNoise?: number;
  /** SmoothGrad: seed of the noise (integer); unset: different noise on every call. */
  seed?: number;
}

/** The validated choice. */
export interface AlgorithmChoice {
  algorithm: Algorithm;
  samples: number;
  noise: number;
  seed?: number;
}

/** True when `v` names an algorithm. */
export function isAlgorithm(v: unknown): v is Algorithm {
  return typeof v === 'string' && (ALGORITHMS as readonly string[]).includes(v);
}

/**
 * Validates the algorithm options with typed errors (`bad-algorithm`, `bad-smoothgrad-samples`,
 * `bad-smoothgrad-noise`, `bad-seed`).
 *
 * @example
 * ```ts
 * checkAlgorithm({ algorithm: 'smoothgrad', smoothGradSamples: 20, seed: 1 });
 * ```
 */
export function checkAlgorithm(opts: AlgorithmOptions): AlgorithmChoice {
  const algorithm = opts.algorithm ?? 'integrated-gradients';
  if (!isAlgorithm(algorithm)) {
    throw new InputError(`Unknown algorithm ${JSON.stringify(algorithm)}. Use one of ${ALGORITHMS.join(', ')}.`, { code: 'bad-algorithm' });
  }
  const samples = opts.smoothGradSamples ?? SMOOTHGRAD_DEFAULTS.samples;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new InputError(`smoothGradSamples must be a positive integer, got ${String(samples)}.`, { code: 'bad-smoothgrad-samples' });
  }
  const noise = opts.smoothGradNoise ?? SMOOTHGRAD_DEFAULTS.noise;
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) {
    throw new InputError(`smoothGradNoise must be a finite number >= 0 (a fraction of the input's range), got ${String(noise)}.`, { code: 'bad-smoothgrad-noise' });
  }
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) {
    throw new InputError(`seed must be an integer, got ${String(opts.seed)}.`, { code: 'bad-seed' });
  }
  return { algorithm, samples, noise, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) };
}

/** The rows to feed the IG graph for one gradient method. */
export interface GradientPlan {
  /** How the graph reduces: per-token sums, or every element (saliency). */
  reduction: 'sum-last-axis' | 'per-row';
  rows: number;
  alphas: Float32Array;
  weights: Float32Array;
  /** A row whose path point is `x` itself (its F and model outputs are those of the input). */
  inputRow: number;
  /**
   * Input and baseline rows `start .. end-1` (`x.length` values per row). SmoothGrad draws its
   * noise here, so memory stays that of one chunk; call with consecutive ranges from 0.
   */
  rowsOf(start: number, end: number): { input: Float32Array; baseline: Float32Array };
}

/**
 * The feeds of a gradient method for the explained input `x` (one row of the cut tensor).
 *
 * @example
 * ```ts
 * const plan = gradientPlan({ algorithm: 'gradient-x-input', samples: 1, noise: 0 }, x);
 * const { input, baseline } = plan.rowsOf(0, plan.rows);
 * ```
 */
export function gradientPlan(choice: AlgorithmChoice, x: Float32Array): GradientPlan {
  const n = x.length;
  const single = (input: Float32Array, baseline: Float32Array): GradientPlan['rowsOf'] => (start, end) => {
    if (start !== 0 || end !== 1) throw new InternalError(`this plan has one row, asked for ${start}..${end}`);
    return { input, baseline };
  };
  switch (choice.algorithm) {
    case 'gradient-x-input':
      return { reduction: 'sum-last-axis', rows: 1, alphas: Float32Array.of(1), weights: Float32Array.of(1), inputRow: 0, rowsOf: single(Float32Array.from(x), new Float32Array(n)) };
    case 'saliency':
      return { reduction: 'per-row', rows: 1, alphas: Float32Array.of(0), weights: Float32Array.of(1), inputRow: 0, rowsOf: single(Float32Array.from(x, (v) => v + 1), Float32Array.from(x)) };
    case 'smoothgrad': {
      const S = choice.samples;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        lo = Math.min(lo, x[i]);
        hi = Math.max(hi, x[i]);
      }
      const sigma = choice.noise * (n > 0 ? hi - lo : 0);
      const normal = gaussian(choice.seed);
      let next = 0;
      // One more row, noise-free and of weight 0, gives F and the outputs at x itself.
      const weights = new Float32Array(S + 1).fill(1 / S);
      weights[S] = 0;
      const rowsOf = (start: number, end: number): { input: Float32Array; baseline: Float32Array } => {
        if (start !== next || end > S + 1 || end <= start) throw new InternalError(`smoothgrad rows must be asked in order: expected ${next}.., got ${start}..${end}`);
        next = end;
        const baseline = new Float32Array((end - start) * n);
        const input = new Float32Array((end - start) * n);
        for (let s = start; s < end; s++) {
          const o = (s - start) * n;
          for (let i = 0; i < n; i++) {
            const noisy = s < S ? x[i] + sigma * normal() : x[i];
            baseline[o + i] = noisy;
            input[o + i] = noisy + x[i];
          }
        }
        return { input, baseline };
      };
      return { reduction: 'sum-last-axis', rows: S + 1, alphas: new Float32Array(S + 1), weights, inputRow: S, rowsOf };
    }
    case 'integrated-gradients':
      throw new InternalError('integrated gradients integrates a path; use integratedGradients()');
  }
}

/**
 * Per-token scores from the graph's output for a plan: the rows summed (per-token sums), or for
 * saliency the L2 norm over the last axis of `hidden` values.
 *
 * @param out the graph's attribution output: [rows, T] or, per-row, [rows, T, hidden].
 */
export function tokenScores(plan: GradientPlan, out: ArrayLike<number>, tokens: number, hidden: number): Float64Array {
  const scores = new Float64Array(tokens);
  if (plan.reduction === 'per-row') {
    for (let t = 0; t < tokens; t++) {
      let s = 0;
      for (let h = 0; h < hidden; h++) s += out[t * hidden + h] ** 2;
      scores[t] = Math.sqrt(s);
    }
    return scores;
  }
  for (let r = 0; r < plan.rows; r++) for (let t = 0; t < tokens; t++) scores[t] += out[r * tokens + t];
  return scores;
}
