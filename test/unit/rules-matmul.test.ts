/**
 * Gradient checks of MatMul and Gemm against float64 finite differences (ORT's double
 * kernels), with the backward graph built by the rule alone and by the builder.
 * Tolerance: |g - fd| <= 1e-5 * (1 + |fd|).
 */
import { describeRuleChecks, type GradCase } from './helpers/gradcheck.js';

const TOL = 1e-5;

const MATMUL_SHAPES: [number[], number[]][] = [
  [[3, 4], [4, 5]],
  [[2, 3, 4], [4, 5]],
  [[3, 4], [2, 4, 5]],
  [[2, 3, 4], [2, 4, 5]],
  [[2, 1, 3, 4], [3, 4, 5]],
  [[1, 3, 4], [2, 4, 5]],
  [[2, 3, 4], [1, 4, 5]],
  [[5, 1, 2, 3], [4, 3, 2]],
  [[4], [4, 5]],
  [[4], [2, 3, 4, 5]],
  [[3, 4], [4]],
  [[2, 3, 3, 4], [4]],
  [[4], [4]],
];

const CASES: [string, GradCase][] = MATMUL_SHAPES.map(([a, b]) => [
  `MatMul [${a.join(',')}] x [${b.join(',')}]`,
  { op: 'MatMul', inputs: [{ name: 'a', dims: a }, { name: 'b', dims: b }] },
]);

// Gemm: every transA/transB pair with alpha, beta and a broadcast C, then each C shape.
const M = 3;
const K = 4;
const N = 5;
for (const transA of [0, 1]) {
  for (const transB of [0, 1]) {
    for (const [alpha, beta] of [[1, 1], [0.7, -1.3]]) {
      CASES.push([
        `Gemm transA=${transA} transB=${transB} alpha=${alpha} beta=${beta} C [${N}]`,
        {
          op: 'Gemm',
          attrs: { transA, transB, alpha, beta },
          inputs: [
            { name: 'a', dims: transA ? [K, M] : [M, K] },
            { name: 'b', dims: transB ? [N, K] : [K, N] },
            { name: 'c', dims: [N] },
          ],
        },
      ]);
    }
    CASES.push([
      `Gemm transA=${transA} transB=${transB}, no C`,
      { op: 'Gemm', attrs: { transA, transB }, inputs: [{ name: 'a', dims: transA ? [K, M] : [M, K] }, { name: 'b', dims: transB ? [N, K] : [K, N] }] },
    ]);
  }
}
for (const c of [[], [1], [1, N], [M, 1], [M, N]]) {
  CASES.push([
    `Gemm C [${c.join(',')}] beta=0.5`,
    { op: 'Gemm', attrs: { beta: 0.5 }, inputs: [{ name: 'a', dims: [M, K] }, { name: 'b', dims: [K, N] }, { name: 'c', dims: c }] },
  ]);
}
CASES.push([
  'Gemm with constant B and C (weights: no gradient asked)',
  { op: 'Gemm', attrs: { transB: 1 }, inputs: [{ name: 'a', dims: [M, K] }, { name: 'b', dims: [N, K], constant: true }, { name: 'c', dims: [N], constant: true }] },
]);
CASES.push([
  'MatMul with constant B (weight)',
  { op: 'MatMul', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [4, 5], constant: true }] },
]);

describeRuleChecks('MatMul/Gemm backward rules vs float64 finite differences', CASES, { tol: TOL });

