/**
 * Gradient checks of the element-wise backward rules against float64 finite differences,
 * with the backward graph built by the rule alone ("rule") and by the builder ("builder").
 * Tolerance: |g - fd| <= TOL * (1 + |fd|), with TOL = 1e-5 (float32 graph, float64 FD).
 */
import { describe, expect, it } from 'vitest';
import { elementwiseRules } from '../../src/autodiff/rules/elementwise.js';
import { Graph } from '../../src/onnx/ir.js';
import { describeRuleChecks, ruleGradients, type GradCase, type InputSpec } from './helpers/gradcheck.js';
import { erf } from './helpers/float64.js';

const TOL = 1e-5;

/** Shape pairs for binary ops: equal, trailing-dim broadcast both ways, size-1 dims, [1], rank 0. */
const BROADCASTS: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 3, 4], [4]],
  [[4], [2, 3, 4]],
  [[2, 3, 4], [2, 1, 4]],
  [[2, 1, 4], [1, 3, 1]],
  [[2, 3, 4], [1]],
  [[3, 4], []],
];

function binary(op: string, a: Partial<InputSpec> = {}, b: Partial<InputSpec> = {}): [string, GradCase][] {
  return BROADCASTS.map(([da, db]) => [
    `${op} [${da.join(',')}] x [${db.join(',')}]`,
    { op, inputs: [{ name: 'a', dims: da, ...a }, { name: 'b', dims: db, ...b }] },
  ]);
}

function unary(op: string, x: Partial<InputSpec> = {}, dims = [2, 3, 4]): [string, GradCase] {
  return [`${op} [${dims.join(',')}]`, { op, inputs: [{ name: 'x', dims, ...x }] }];
}

const CASES: [string, GradCase][] = [
  ...binary('Add'),
  ...binary('Sub'),
  ...binary('Mul'),
  ...binary('Div', {}, { range: [0.5, 1.5] }),
  ...binary('Pow', { range: [0.5, 2] }, { range: [-1.5, 2] }),
  ...binary('Max'),
  ...binary('Min'),
  ['Max of 3 broadcast inputs', { op: 'Max', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [4] }, { name: 'c', dims: [2, 1, 4] }] }],
  ['Min of 3 broadcast inputs', { op: 'Min', inputs: [{ name: 'a', dims: [2, 1, 4] }, { name: 'b', dims: [2, 3, 4] }, { name: 'c', dims: [1] }] }],
  ['Max of 1 input', { op: 'Max', inputs: [{ name: 'a', dims: [2, 3] }] }],
  ['Pow, constant exponent 2', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [], data: [2], constant: true }] }],
  ['Pow, constant exponent 3', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [], data: [3], constant: true }] }],
  ['Pow, constant exponent 1', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [1], data: [1], constant: true }] }],
  ['Pow, constant exponent 0.5', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4], range: [0.3, 2] }, { name: 'b', dims: [], data: [0.5], constant: true }] }],
  ['Pow, constant exponent -0.5', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4], range: [0.3, 2] }, { name: 'b', dims: [], data: [-0.5], constant: true }] }],
  ['Pow, constant exponent tensor [4]', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4], range: [0.3, 2] }, { name: 'b', dims: [4], data: [1, 2, 0.5, -1], constant: true }] }],
  ['Pow, int64 constant exponent 3', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4] }, { name: 'b', dims: [], data: [3], dtype: 'int64', constant: true }] }],
  ['Pow, exponent only', { op: 'Pow', inputs: [{ name: 'a', dims: [2, 3, 4], range: [0.3, 2], constant: true }, { name: 'b', dims: [4], range: [-1, 2] }] }],
  unary('Neg'),
  unary('Sqrt', { range: [0.2, 2] }),
  unary('Exp'),
  unary('Log', { range: [0.2, 2] }),
  // ORT's CPU EP has no double Erf kernel: the float64 forward is written here.
  ['Erf [2,3,4]', { op: 'Erf', inputs: [{ name: 'x', dims: [2, 3, 4], range: [-2, 2] }], forward64: (xs) => [xs[0].map(erf)] }],
  unary('Tanh', { range: [-2, 2] }),
  unary('Sigmoid', { range: [-3, 3] }),
  unary('Relu', { avoid: [0] }),
  unary('Abs', { avoid: [0] }),
  unary('Identity'),
  unary('Relu', { avoid: [0] }, [5]),
  unary('Tanh', {}, []),
  ['Clip, min and max inputs', { op: 'Clip', inputs: [{ name: 'x', dims: [2, 3, 4], avoid: [-0.5, 0.5] }, { name: 'lo', dims: [], data: [-0.5], constant: true }, { name: 'hi', dims: [], data: [0.5], constant: true }] }],
  ['Clip, min only', { op: 'Clip', inputs: [{ name: 'x', dims: [2, 3, 4], avoid: [-0.2] }, { name: 'lo', dims: [], data: [-0.2], constant: true }] }],
  ['Clip, max only (min omitted)', { op: 'Clip', inputs: [{ name: 'x', dims: [2, 3, 4], avoid: [0.3] }, { name: '', dims: [] }, { name: 'hi', dims: [], data: [0.3], constant: true }] }],
  ['Clip, no bounds', { op: 'Clip', inputs: [{ name: 'x', dims: [2, 3] }] }],
  ['Clip, bounds are graph inputs (grad to min and max)', { op: 'Clip', inputs: [{ name: 'x', dims: [2, 3, 4], avoid: [-0.3, 0.4] }, { name: 'lo', dims: [], data: [-0.3] }, { name: 'hi', dims: [], data: [0.4] }] }],
  // Clip-6..10 has only a float32 kernel in ORT: the float64 forward is written here.
  ['Clip-10, min/max attributes', { op: 'Clip', opset: 10, attrs: { min: -0.4, max: 0.6 }, inputs: [{ name: 'x', dims: [2, 3, 4], avoid: [-0.4, 0.6] }], forward64: (xs) => [xs[0].map((v) => Math.min(Math.max(v, Math.fround(-0.4)), Math.fround(0.6)))] }],
  ['Clip-10, max attribute only', { op: 'Clip', opset: 10, attrs: { max: 0.1 }, inputs: [{ name: 'x', dims: [2, 3, 4], avoid: [0.1] }], forward64: (xs) => [xs[0].map((v) => Math.min(v, Math.fround(0.1)))] }],
  ['Where, same shapes', { op: 'Where', inputs: [{ name: 'c', dims: [2, 3, 4], dtype: 'bool', data: Array.from({ length: 24 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0) }, { name: 'x', dims: [2, 3, 4] }, { name: 'y', dims: [2, 3, 4] }] }],
  ['Where, X [4], Y [2,1,4], cond [3,1]', { op: 'Where', inputs: [{ name: 'c', dims: [3, 1], dtype: 'bool', data: [1, 0, 1] }, { name: 'x', dims: [4] }, { name: 'y', dims: [2, 1, 4] }] }],
  ['Where, X scalar, Y [2,3,4]', { op: 'Where', inputs: [{ name: 'c', dims: [2, 3, 4], dtype: 'bool', data: Array.from({ length: 24 }, (_, i) => i % 2) }, { name: 'x', dims: [] }, { name: 'y', dims: [2, 3, 4] }] }],
  // The float64 copy of a Cast model would change the Cast's meaning: the forward is written here.
  ['Cast float -> double', { op: 'Cast', attrs: { to: 11 }, outputDtypes: ['float64'], inputs: [{ name: 'x', dims: [2, 3] }], forward64: (xs) => [xs[0]] }],
  ['Cast float -> float', { op: 'Cast', attrs: { to: 1 }, inputs: [{ name: 'x', dims: [2, 3] }], forward64: (xs) => [xs[0]] }],
  ['Dropout-13, ratio input, inference', { op: 'Dropout', opset: 13, inputs: [{ name: 'x', dims: [2, 3, 4] }, { name: 'r', dims: [], data: [0.1], constant: true }] }],
  ['Dropout-13, training_mode = false', { op: 'Dropout', opset: 13, inputs: [{ name: 'x', dims: [2, 3] }, { name: 'r', dims: [], data: [0.5], constant: true }, { name: 't', dims: [], data: [0], dtype: 'bool', constant: true }] }],
  ['Dropout-10, ratio attribute', { op: 'Dropout', opset: 10, attrs: { ratio: 0.3 }, inputs: [{ name: 'x', dims: [2, 3] }] }],
];

/** Cases whose rule also runs with every non-1 dim hidden behind a symbol. */
const SYMBOLIC = CASES.filter(([, c]) => c.inputs.some((s) => s.dims.length >= 2));

describeRuleChecks('elementwise backward rules vs float64 finite differences', CASES, { tol: TOL, symbolicCases: SYMBOLIC });

describe('elementwise conventions at kinks and ties (exact values)', () => {
  it('Relu passes nothing at 0, Abs has slope 0 at 0', async () => {
    const x = [-1, 0, 2];
    const relu = await ruleGradients({ op: 'Relu', inputs: [{ name: 'x', dims: [3], data: x }] }, [[1, 1, 1]]);
    expect(relu.x).toEqual([0, 0, 1]);
    const abs = await ruleGradients({ op: 'Abs', inputs: [{ name: 'x', dims: [3], data: x }] }, [[1, 1, 1]]);
    expect(abs.x).toEqual([-1, 0, 1]);
  });

  it('Clip passes the gradient at both boundaries (min <= x <= max, as torch.clamp)', async () => {
    const r = await ruleGradients(
      {
        op: 'Clip',
        inputs: [
          { name: 'x', dims: [5], data: [-1, -0.5, 0, 0.5, 1] },
          { name: 'lo', dims: [], data: [-0.5] },
          { name: 'hi', dims: [], data: [0.5] },
        ],
      },
      [[1, 2, 3, 4, 5]],
    );
    expect(r.x).toEqual([0, 2, 3, 4, 0]);
    expect(r.lo).toEqual([1]);
    expect(r.hi).toEqual([5]);
  });

  it('Max/Min split the gradient evenly among tied inputs', async () => {
    const two = await ruleGradients(
      { op: 'Max', inputs: [{ name: 'a', dims: [3], data: [1, 2, 3] }, { name: 'b', dims: [3], data: [1, 5, 0] }] },
      [[4, 4, 4]],
    );
    expect(two).toEqual({ a: [2, 0, 4], b: [2, 4, 0] });
    const three = await ruleGradients(
      { op: 'Min', inputs: [{ name: 'a', dims: [2], data: [1, 0] }, { name: 'b', dims: [2], data: [1, 0] }, { name: 'c', dims: [], data: [1] }] },
      [[3, 6]],
    );
    // Element 0 is a three-way tie (c broadcast), element 1 a tie of a and b below c.
    expect(three.a).toEqual([1, 3]);
    expect(three.b).toEqual([1, 3]);
    expect(three.c).toEqual([1]);
  });

  it('Pow gives 0 to the exponent where the base is 0', async () => {
    const r = await ruleGradients(
      { op: 'Pow', inputs: [{ name: 'a', dims: [2], data: [0, 2], constant: true }, { name: 'b', dims: [2], data: [2, 3] }] },
      [[1, 1]],
    );
    expect(r.b[0]).toBe(0);
    expect(r.b[1]).toBeCloseTo(8 * Math.log(2), 5);
  });
});

describe('elementwise rules without a gradient', () => {
  function ctxFor(op: string, attrs: Record<string, number>, inputDtype: 'float32' | 'int64') {
    const g = new Graph();
    const [y] = g.add(op, ['x'], attrs);
    return {
      g,
      node: g.nodes[0],
      needsGrad: () => true,
      type: () => ({ dtype: inputDtype, shape: [2] }),
      shape: () => [2],
      rank: () => 1,
      shapeOf: () => 'shape',
      unbroadcast: (grad: string) => grad,
      constInts: () => undefined,
      constFloats: () => undefined,
      y,
    };
  }

  it('Cast to an integer type has no gradient', () => {
    const ctx = ctxFor('Cast', { to: 7 }, 'float32');
    expect(elementwiseRules.Cast(ctx, ['gy'])).toEqual([undefined]);
    expect(ctx.g.nodes.length).toBe(1);
  });

  it('Cast from an integer type has no gradient', () => {
    const ctx = ctxFor('Cast', { to: 1 }, 'int64');
    expect(elementwiseRules.Cast(ctx, ['gy'])).toEqual([undefined]);
  });

  it('Dropout in training mode is refused', () => {
    const g = new Graph();
    g.add('Dropout', ['x', 'r', 't']);
    const ctx = { ...ctxFor('Identity', {}, 'float32'), g, node: g.nodes[0], constInts: (n: string) => (n === 't' ? [1] : undefined) };
    expect(() => elementwiseRules.Dropout(ctx, ['gy'])).toThrow(/training_mode/);
  });
});

