/**
 * Gradient checks of the activation, smooth-reduction, Einsum, Trilu and Pad reflect / edge backward rules against
 * float64 finite differences (rule and builder modes, and symbolic dims). Float64 forwards are
 * written here for ops ORT's CPU EP runs on float32 only.
 * Tolerance: |g - fd| <= TOL * (1 + |fd|), TOL = 1e-5 (float32 graph, float64 FD), as for the
 * other rule families.
 */
import { describeRuleChecks, type GradCase } from './helpers/gradcheck.js';
import { erf } from './helpers/float64.js';

const TOL = 1e-5;

const softplus = (v: number): number => Math.log1p(Math.exp(v));
const map = (f: (v: number) => number): GradCase['forward64'] => (xs) => [xs[0].map(f)];

function unary(name: string, op: string, f: (v: number) => number, extra: Partial<GradCase> = {}, range: [number, number] = [-2, 2], avoid: number[] = []): [string, GradCase] {
  return [name, { op, inputs: [{ name: 'x', dims: [2, 3, 4], range, avoid }], forward64: map(f), ...extra }];
}

const CASES: [string, GradCase][] = [
  unary('Gelu (opset 20)', 'Gelu', (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), { opset: 20 }),
  unary('Gelu tanh (opset 20)', 'Gelu', (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), { opset: 20, attrs: { approximate: 'tanh' } }),
  unary('Reciprocal', 'Reciprocal', (v) => 1 / v, {}, [0.3, 2]),
  unary('LeakyRelu', 'LeakyRelu', (v) => (v > 0 ? v : 0.1 * v), { attrs: { alpha: 0.1 } }, [-2, 2], [0]),
  unary('Elu', 'Elu', (v) => (v > 0 ? v : 0.7 * Math.expm1(v)), { attrs: { alpha: 0.7 } }, [-2, 2], [0]),
  unary('Softplus', 'Softplus', softplus, {}, [-3, 3]),
  unary('HardSigmoid', 'HardSigmoid', (v) => Math.max(0, Math.min(1, Math.fround(0.3) * v + Math.fround(0.4))), { attrs: { alpha: 0.3, beta: 0.4 } }, [-4, 4], [-4 / 3, 2]),
  unary('HardSwish', 'HardSwish', (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5)), { opset: 14 }, [-5, 5], [-3, 3]),
  unary('Mish', 'Mish', (v) => v * Math.tanh(softplus(v)), { opset: 18 }, [-3, 3]),
  ['ReduceL2 over axis 1', { op: 'ReduceL2', attrs: { axes: [1], keepdims: 1 }, inputs: [{ name: 'x', dims: [2, 3, 4] }] }],
  ['ReduceL2 over everything, no keepdims', { op: 'ReduceL2', attrs: { keepdims: 0 }, inputs: [{ name: 'x', dims: [2, 3, 4] }] }],
  ['ReduceLogSumExp over the last axis (opset 18 axes input)', { op: 'ReduceLogSumExp', opset: 18, attrs: { keepdims: 0 }, inputs: [{ name: 'x', dims: [2, 3, 4], range: [-2, 2] }, { name: 'axes', dims: [1], data: [-1], dtype: 'int64', constant: true }] }],
  ['Einsum attention scores bhqd,bhkd->bhqk', { op: 'Einsum', opset: 12, attrs: { equation: 'bhqd,bhkd->bhqk' }, inputs: [{ name: 'q', dims: [1, 2, 3, 4] }, { name: 'k', dims: [1, 2, 5, 4] }] }],
  ['Einsum attention context bhqk,bhkd->bhqd', { op: 'Einsum', opset: 12, attrs: { equation: 'bhqk,bhkd->bhqd' }, inputs: [{ name: 'p', dims: [1, 2, 3, 5] }, { name: 'v', dims: [1, 2, 5, 4] }] }],
  ['Einsum projection bsd,hd->bsh', { op: 'Einsum', opset: 12, attrs: { equation: 'bsd,hd->bsh' }, inputs: [{ name: 'x', dims: [2, 3, 4] }, { name: 'w', dims: [5, 4] }] }],
  ['Einsum transpose ij->ji', { op: 'Einsum', opset: 12, attrs: { equation: 'ij->ji' }, inputs: [{ name: 'x', dims: [3, 4] }] }],
  ['Trilu lower, k = 1', { op: 'Trilu', attrs: { upper: 0 }, inputs: [{ name: 'x', dims: [2, 4, 4] }, { name: 'k', dims: [], data: [1], dtype: 'int64', constant: true }] }],
  ['Trilu upper', { op: 'Trilu', inputs: [{ name: 'x', dims: [3, 5] }] }],
  ['Pad reflect [2,3,5] pads (0,1,2)/(0,2,1)', { op: 'Pad', attrs: { mode: 'reflect' }, inputs: [{ name: 'x', dims: [2, 3, 5] }, { name: 'pads', dims: [6], data: [0, 1, 2, 0, 2, 1], dtype: 'int64', constant: true }] }],
  ['Pad edge [2,3,5] pads (1,0,3)/(0,2,1)', { op: 'Pad', attrs: { mode: 'edge' }, inputs: [{ name: 'x', dims: [2, 3, 5] }, { name: 'pads', dims: [6], data: [1, 0, 3, 0, 2, 1], dtype: 'int64', constant: true }] }],
  ['Pad reflect with axes (opset 18)', { op: 'Pad', opset: 18, attrs: { mode: 'reflect' }, inputs: [{ name: 'x', dims: [2, 4, 4] }, { name: 'pads', dims: [4], data: [1, 2, 2, 1], dtype: 'int64', constant: true }, { name: '', dims: [] }, { name: 'axes', dims: [2], data: [1, -1], dtype: 'int64', constant: true }] }],
];

describeRuleChecks('activation, smooth reduction, Einsum and Trilu backward rules vs float64 finite differences', CASES, { tol: TOL });
