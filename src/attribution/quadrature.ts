/**
 * Integration rules for integrated gradients, matching captum 0.7's
 * `approximation_methods` (alphas in [0, 1] and the step size of each alpha).
 *
 * Pure float64 math, no I/O.
 *
 * @module
 */
import { InputError } from '../errors.js';

/** The integration rules captum offers (`method=` of `IntegratedGradients.attribute`). */
export type IntegrationMethod =
  | 'gausslegendre'
  | 'riemann_left'
  | 'riemann_right'
  | 'riemann_middle'
  | 'riemann_trapezoid';

/** Every {@link IntegrationMethod}, in captum's order. */
export const INTEGRATION_METHODS: readonly IntegrationMethod[] = [
  'riemann_left',
  'riemann_right',
  'riemann_middle',
  'riemann_trapezoid',
  'gausslegendre',
];

/** Path points and weights: the integral of g over [0, 1] is approximated by `sum_k stepSizes[k] * g(alphas[k])`. */
export interface QuadratureRule {
  /** Interpolation coefficients, in the order captum evaluates them (ascending). */
  readonly alphas: Float64Array;
  /** Weight of each alpha (captum's `step_sizes`). */
  readonly stepSizes: Float64Array;
}

/** Gauss-Legendre nodes and weights on [-1, 1] (numpy's `leggauss`). */
export interface GaussLegendreTable {
  /** Nodes, ascending, exactly antisymmetric (t[k] = -t[n-1-k]; 0 in the middle for odd n). */
  readonly nodes: Float64Array;
  /** Weights, symmetric, summing to 2. */
  readonly weights: Float64Array;
}

/** True when `value` names a supported integration rule. */
export function isIntegrationMethod(value: unknown): value is IntegrationMethod {
  return typeof value === 'string' && (INTEGRATION_METHODS as readonly string[]).includes(value);
}

/**
 * numpy's `linspace(start, stop, num)` (endpoint included): `start + i * step` with the last
 * value pinned to `stop`. Computed the way numpy does so that the float64 values agree bit for bit.
 *
 * @example
 * ```ts
 * linspace(0, 1, 5); // Float64Array [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  assertCount(num, 0, 'num');
  const out = new Float64Array(num);
  if (num === 0) return out;
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) {
    // numpy falls back to (i / div) * delta only when step underflows to 0.
    out[i] = (step === 0 ? (i / div) * delta : i * step) + start;
  }
  out[num - 1] = stop;
  return out;
}

/**
 * Legendre polynomial P_n(x) and its derivative, by the three-term recurrence.
 * Returns [P_n(x), P_{n-1}(x)]; the derivative follows from those two.
 */
function legendrePair(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, p0];
}

/**
 * Gauss-Legendre nodes and weights for `n` points on [-1, 1], ordered like numpy's
 * `numpy.polynomial.legendre.leggauss(n)` (ascending nodes).
 *
 * The roots of P_n are found by Newton iteration from the Tricomi initial guess, in float64.
 * Like numpy, the result is symmetrised and the weights are rescaled to sum to exactly 2,
 * which cancels most rounding; agreement with numpy is ~1e-15.
 *
 * @example
 * ```ts
 * const { nodes, weights } = gaussLegendre(2); // nodes ±1/sqrt(3), weights [1, 1]
 * ```
 */
export function gaussLegendre(n: number): GaussLegendreTable {
  assertCount(n, 1, 'n');
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.floor(n / 2);
  for (let i = 0; i < half; i++) {
    // Tricomi's approximation of the i-th largest root: close enough that Newton converges
    // to the right root (no skipping) in a handful of steps for every n.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      const [p, pPrev] = legendrePair(n, x);
      dp = (n * (x * p - pPrev)) / (x * x - 1);
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
    }
    // One more evaluation at the converged root, so the weight uses the final x.
    const [p, pPrev] = legendrePair(n, x);
    dp = (n * (x * p - pPrev)) / (x * x - 1);
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) {
    const [, pPrev] = legendrePair(n, 0);
    // P_n'(0) = n * P_{n-1}(0) for odd n.
    const dp = n * pPrev;
    nodes[half] = 0;
    weights[half] = 2 / (dp * dp);
  }
  // numpy rescales so the weights integrate the constant 1 exactly; do the same.
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  const scale = 2 / sum;
  for (let i = 0; i < n; i++) weights[i] *= scale;
  return { nodes, weights };
}

/**
 * captum's alphas and step sizes for `method` with `n` steps.
 *
 * - `gausslegendre`: alphas `(1 + t_k) / 2`, step sizes `w_k / 2` (numpy `leggauss(n)`); n >= 1.
 * - `riemann_left`: alphas `linspace(0, 1 - 1/n, n)`, steps `1/n`; n >= 2 (captum asserts n > 1).
 * - `riemann_right`: `linspace(1/n, 1, n)`, steps `1/n`.
 * - `riemann_middle`: `linspace(1/(2n), 1 - 1/(2n), n)`, steps `1/n`.
 * - `riemann_trapezoid`: `linspace(0, 1, n)`, steps `1/n` with the first and last halved
 *   (as in captum: they sum to `1 - 1/n`, not 1).
 *
 * @example
 * ```ts
 * const { alphas, stepSizes } = quadrature('gausslegendre', 50);
 * ```
 */
export function quadrature(method: IntegrationMethod, n: number): QuadratureRule {
  if (method === 'gausslegendre') {
    const { nodes, weights } = gaussLegendre(n);
    const alphas = new Float64Array(n);
    const stepSizes = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      alphas[i] = 0.5 * (1 + nodes[i]);
      stepSizes[i] = 0.5 * weights[i];
    }
    return { alphas, stepSizes };
  }
  assertCount(n, 2, 'n');
  const stepSizes = new Float64Array(n).fill(1 / n);
  let alphas: Float64Array;
  switch (method) {
    case 'riemann_left':
      alphas = linspace(0, 1 - 1 / n, n);
      break;
    case 'riemann_right':
      alphas = linspace(1 / n, 1, n);
      break;
    case 'riemann_middle':
      alphas = linspace(1 / (2 * n), 1 - 1 / (2 * n), n);
      break;
    case 'riemann_trapezoid':
      alphas = linspace(0, 1, n);
      stepSizes[0] /= 2;
      stepSizes[n - 1] /= 2;
      break;
    default:
      throw new InputError(
        `Unknown integration method ${JSON.stringify(method)}; expected one of ${INTEGRATION_METHODS.join(', ')}`,
      );
  }
  return { alphas, stepSizes };
}

function assertCount(n: number, min: number, name: string): void {
  if (!Number.isInteger(n) || n < min) {
    throw new InputError(`${name} must be an integer >= ${min}, got ${String(n)}`);
  }
}
