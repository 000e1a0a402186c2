/**
 * Gradient checks of Softmax, LogSoftmax, LayerNormalization and BatchNormalization against
 * float64 finite differences (ORT's double kernels), with the backward graph built by the
 * rule alone and by the builder. Tolerance: |g - fd| <= 1e-5 * (1 + |fd|).
 */
import { describeRuleChecks, type GradCase, type InputSpec } from './helpers/gradcheck.js';

const TOL = 1e-5;
const X: InputSpec = { name: 'x', dims: [2, 3, 4], range: [-2, 2] };

const CASES: [string, GradCase][] = [];
for (const op of ['Softmax', 'LogSoftmax']) {
  CASES.push([`${op}-13 default axis`, { op, opset: 13, inputs: [X] }]);
  for (const axis of [-1, 0, 1, -2, 2]) {
    CASES.push([`${op}-13 axis=${axis}`, { op, opset: 13, attrs: { axis }, inputs: [X] }]);
  }
  // Before opset 13 the input is coerced to 2-D at `axis` (default 1): normalised over axes >= axis.
  CASES.push([`${op}-11 default axis (coerced 2-D)`, { op, opset: 11, inputs: [X] }]);
  for (const axis of [0, 2, -1, -2]) {
    CASES.push([`${op}-11 axis=${axis} (coerced 2-D)`, { op, opset: 11, attrs: { axis }, inputs: [X] }]);
  }
  CASES.push([`${op}-13 rank 1`, { op, opset: 13, inputs: [{ name: 'x', dims: [5] }] }]);
}

/**
 * LayerNormalization in float64, for the multi-output cases: ORT's double kernel keeps Mean
 * and InvStdDev in float32 (stash_type), which would blur the finite differences.
 */
function layerNorm64(axis: number, eps: number) {
  return (xs: Float64Array[], dims: number[][]): Float64Array[] => {
    const [x, scale, bias] = xs;
    const shape = dims[0];
    const a = axis < 0 ? axis + shape.length : axis;
    const inner = shape.slice(a).reduce((p, d) => p * d, 1);
    const outer = x.length / inner;
    const y = new Float64Array(x.length);
    const mean = new Float64Array(outer);
    const inv = new Float64Array(outer);
    for (let o = 0; o < outer; o++) {
      const row = x.subarray(o * inner, (o + 1) * inner);
      const m = row.reduce((p, v) => p + v, 0) / inner;
      const v = row.reduce((p, t) => p + (t - m) * (t - m), 0) / inner;
      const r = 1 / Math.sqrt(v + eps);
      row.forEach((t, j) => {
        y[o * inner + j] = (t - m) * r * scale[j] + (bias ? bias[j] : 0);
      });
      mean[o] = m;
      inv[o] = r;
    }
    return [y, mean, inv];
  };
}
const scale = (n: number[]): InputSpec => ({ name: 'scale', dims: n, range: [0.5, 1.5], constant: true });
const bias = (n: number[]): InputSpec => ({ name: 'bias', dims: n, constant: true });
for (const [axis, normDims] of [[-1, [4]], [2, [4]], [1, [3, 4]], [-2, [3, 4]], [0, [2, 3, 4]]] as [number, number[]][]) {
  for (const outputs of [1, 3]) {
    CASES.push([
      `LayerNormalization axis=${axis} outputs=${outputs}`,
      { op: 'LayerNormalization', opset: 17, outputs, attrs: { axis, epsilon: 1e-3 }, forward64: layerNorm64(axis, Math.fround(1e-3)), inputs: [X, scale(normDims), bias(normDims)] },
    ]);
  }
}
CASES.push(['LayerNormalization default axis, no bias', { op: 'LayerNormalization', opset: 17, inputs: [X, scale([4])] }]);
CASES.push(['LayerNormalization, 2 outputs (Y, Mean)', { op: 'LayerNormalization', opset: 17, outputs: 2, forward64: layerNorm64(-1, Math.fround(1e-5)), inputs: [X, scale([4]), bias([4])] }]);
CASES.push(['LayerNormalization-18 (ReduceMean takes axes as input)', { op: 'LayerNormalization', opset: 18, outputs: 1, attrs: { axis: 1 }, inputs: [X, scale([3, 4]), bias([3, 4])] }]);

for (const dims of [[2, 3], [2, 3, 4], [2, 3, 2, 2]]) {
  CASES.push([
    `BatchNormalization (inference) x [${dims.join(',')}]`,
    {
      op: 'BatchNormalization',
      opset: 15,
      attrs: { epsilon: 1e-2 },
      inputs: [
        { name: 'x', dims },
        scale([3]),
        bias([3]),
        { name: 'mean', dims: [3], constant: true },
        { name: 'var', dims: [3], range: [0.2, 2], constant: true },
      ],
    },
  ]);
}

describeRuleChecks('normalization backward rules vs float64 finite differences', CASES, { tol: TOL });

