/**
 * Gradient checks of the reductions and CumSum against float64 finite differences (ORT's
 * double kernels), with the backward graph built by the rule alone and by the builder; plus
 * exact checks of the ReduceMax/ReduceMin tie convention. Tolerance: |g - fd| <= 1e-5 * (1 + |fd|).
 */
import { describe, expect, it } from 'vitest';
import { describeRuleChecks, ruleGradients, type GradCase, type InputSpec } from './helpers/gradcheck.js';

const TOL = 1e-5;
const X: InputSpec = { name: 'x', dims: [2, 3, 4] };

/** Axes lists to try, including negative and unsorted ones. */
const AXES = [[1], [-1], [0, 2], [-1, -3], [2, 0, 1]];

function axesInput(axes: number[], constant = true): InputSpec {
  return { name: 'axes', dims: [axes.length], dtype: 'int64', data: axes, constant };
}

const CASES: [string, GradCase][] = [];
for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin']) {
  // The opset where axes became an input, and one before it (attribute form).
  const inputSince = op === 'ReduceSum' ? 13 : 18;
  for (const keepdims of [0, 1]) {
    for (const axes of AXES) {
      CASES.push([`${op}-${inputSince} axes input [${axes.join(',')}] keepdims=${keepdims}`, { op, opset: inputSince, attrs: { keepdims }, inputs: [X, axesInput(axes)] }]);
      CASES.push([`${op}-${inputSince - 1} axes attribute [${axes.join(',')}] keepdims=${keepdims}`, { op, opset: inputSince - 1, attrs: { keepdims, axes }, inputs: [X] }]);
    }
    CASES.push([`${op}-${inputSince} no axes (all) keepdims=${keepdims}`, { op, opset: inputSince, attrs: { keepdims }, inputs: [X] }]);
    CASES.push([`${op}-${inputSince - 1} no axes (all) keepdims=${keepdims}`, { op, opset: inputSince - 1, attrs: { keepdims }, inputs: [X] }]);
    CASES.push([`${op}-${inputSince} empty axes, noop_with_empty_axes=0 (all) keepdims=${keepdims}`, { op, opset: inputSince, attrs: { keepdims }, inputs: [X, axesInput([])] }]);
    CASES.push([`${op}-${inputSince} axes as a graph input [0,-1] keepdims=${keepdims}`, { op, opset: inputSince, attrs: { keepdims }, inputs: [X, axesInput([0, -1], false)] }]);
  }
  CASES.push([`${op}-${inputSince} no axes, noop_with_empty_axes=1 (identity)`, { op, opset: inputSince, attrs: { noop_with_empty_axes: 1 }, inputs: [X] }]);
  CASES.push([`${op}-${inputSince} rank 1`, { op, opset: inputSince, attrs: { keepdims: 0 }, inputs: [{ name: 'x', dims: [5] }, axesInput([0])] }]);
}
for (const exclusive of [0, 1]) {
  for (const reverse of [0, 1]) {
    for (const axis of [0, 1, -1]) {
      CASES.push([
        `CumSum axis=${axis} exclusive=${exclusive} reverse=${reverse}`,
        { op: 'CumSum', attrs: { exclusive, reverse }, inputs: [X, { name: 'axis', dims: [], dtype: 'int64', data: [axis], constant: true }] },
      ]);
    }
  }
}

describeRuleChecks('reduction backward rules vs float64 finite differences', CASES, { tol: TOL });

describe('ReduceMax/ReduceMin tie convention (exact values)', () => {
  it('splits the gradient evenly among tied maxima of each slice', async () => {
    const r = await ruleGradients(
      { op: 'ReduceMax', opset: 17, attrs: { axes: [1], keepdims: 0 }, inputs: [{ name: 'x', dims: [2, 4], data: [1, 3, 3, 0, 2, 2, 2, 2] }] },
      [[6, 8]],
    );
    expect(r.x).toEqual([0, 3, 3, 0, 2, 2, 2, 2]);
  });
  it('ReduceMin over all axes with a tie', async () => {
    const r = await ruleGradients(
      { op: 'ReduceMin', opset: 18, attrs: { keepdims: 1 }, inputs: [{ name: 'x', dims: [2, 2], data: [0, 1, 0, 5] }] },
      [[1]],
    );
    expect(r.x).toEqual([0.5, 0, 0.5, 0]);
  });
});

