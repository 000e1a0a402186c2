// Backward rules of shape ops against central finite differences (float64 forward, float32 backward).
import { describe, expect, it } from 'vitest';
import { UnsupportedGradientError } from '../../src/autodiff/rule.js';
import { shapeRules } from '../../src/autodiff/rules/shape.js';
import { expectCloseToFd, gradcheck, namedByPosition, type GradCase, type InputSpec } from './helpers/gradcheck.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** Float32 backward vs float64 differences: a few ulps of sums of O(1) terms. */
const TOL = 1e-5;

// Inputs are named by position when a case is checked (see `check`).
const float = (dims: number[], declared?: (number | string)[]): InputSpec => ({ name: '?', dims, declared });
const ints = (data: (number | bigint)[], dims = [data.length]): InputSpec => ({ name: '?', dims, dtype: 'int64', data, constant: true });
const runtimeInts = (data: (number | bigint)[], dims = [data.length], declared?: (number | string)[]): InputSpec => ({ name: '?', dims, dtype: 'int64', data, declared });
const weight = (dims: number[], data?: number[]): InputSpec => ({ name: '?', dims, data, constant: true });

/** Names inputs `in0`, `in1`, ...; the rule comes from the shape rules. FD step 1e-6: these ops are piecewise linear. */
const shapeCase = (spec: GradCase): GradCase => namedByPosition({ h: 1e-6, seed: 1, rule: shapeRules[spec.op], ...spec });

/** Largest error seen per case, printed at the end for the report. */
const errors: [string, number][] = [];

async function check(name: string, spec: GradCase): Promise<void> {
  const r = await expectCloseToFd(shapeCase(spec), TOL);
  errors.push([name, r.maxAbs]);
  // Negative-step Slice is wrong on WebGPU, ConstantOfShape is CPU-only: never emitted.
  expect(r.backwardOps).not.toContain('ConstantOfShape');
}

describe('shape rules vs finite differences', () => {
  it('Transpose: explicit perm and default (reversed) perm', async () => {
    await check('Transpose perm', { op: 'Transpose', inputs: [float([2, 3, 4])], attrs: { perm: [2, 0, 1] } });
    await check('Transpose default', { op: 'Transpose', inputs: [float([2, 3, 4])] });
  });

  it('Reshape / Flatten / Squeeze / Unsqueeze, static and symbolic', async () => {
    await check('Reshape', { op: 'Reshape', inputs: [float([2, 3, 4]), ints([4, -1])] });
    await check('Reshape symbolic', { op: 'Reshape', inputs: [float([2, 3, 4], ['B', 'T', 4]), ints([0, -1])], declaredOutputs: [['B', 'X']] });
    await check('Flatten axis -1', { op: 'Flatten', inputs: [float([2, 3, 4])], attrs: { axis: -1 } });
    await check('Squeeze axes -2', { op: 'Squeeze', inputs: [float([2, 3, 1, 4]), ints([-2])] });
    await check('Unsqueeze axes 0,-1', { op: 'Unsqueeze', inputs: [float([3, 4]), ints([0, -1])] });
  });

  it('Expand broadcasting sums over the broadcast axes', async () => {
    await check('Expand [3,1]->[2,3,4]', { op: 'Expand', inputs: [float([3, 1]), ints([2, 3, 4])] });
    await check('Expand [1,4]->[3,1] (bidirectional)', { op: 'Expand', inputs: [float([1, 4]), ints([3, 1])] });
  });

  it('Tile with constant and run-time repeats', async () => {
    await check('Tile [2,1,3]', { op: 'Tile', inputs: [float([2, 3, 2]), ints([2, 1, 3])] });
    await check('Tile runtime repeats, symbolic', {
      op: 'Tile',
      inputs: [float([2, 3], ['A', 'B']), runtimeInts([3, 2])],
      declaredOutputs: [['C', 'D']],
    });
  });

  it('Concat of 3 inputs with symbolic dims, negative axis', async () => {
    await check('Concat symbolic', {
      op: 'Concat',
      inputs: [float([2, 3, 4], ['B', 'T1', 4]), float([2, 1, 4], ['B', 'T2', 4]), float([2, 2, 4], ['B', 'T3', 4])],
      attrs: { axis: -2 },
      declaredOutputs: [['B', 'T', 4]],
    });
    await check('Concat static', { op: 'Concat', inputs: [float([2, 3]), float([2, 1]), float([2, 2])], attrs: { axis: 1 } });
  });

  it('Split unequal, with an output that gets no gradient', async () => {
    await check('Split [1,3,2]', { op: 'Split', inputs: [float([2, 6, 3]), ints([1, 3, 2])], attrs: { axis: 1 }, outputs: 3 });
    await check('Split missing grad, symbolic', {
      op: 'Split',
      inputs: [float([2, 6], ['B', 6]), ints([2, 4])],
      attrs: { axis: -1 },
      outputs: 2,
      noGradOutputs: [0],
      declaredOutputs: [['B', 2], ['B', 4]],
    });
  });

  it('Slice: negative indices, INT64_MAX ends, axes subset', async () => {
    await check('Slice unit steps', { op: 'Slice', inputs: [float([4, 5, 6]), ints([1, -3]), ints([INT64_MAX, -1]), ints([0, -1])] });
    await check('Slice ends past the end', { op: 'Slice', inputs: [float([4, 5]), ints([-10]), ints([100]), ints([1])] });
  });

  it('Slice: step 2 and negative steps (no negative-step Slice emitted)', async () => {
    await check('Slice step 2', { op: 'Slice', inputs: [float([3, 7]), ints([0]), ints([INT64_MAX]), ints([1]), ints([2])] });
    await check('Slice full reverse', { op: 'Slice', inputs: [float([3, 10]), ints([-1]), ints([INT64_MIN]), ints([1]), ints([-1])] });
    await check('Slice 8:1:-2', { op: 'Slice', inputs: [float([10, 2]), ints([8]), ints([1]), ints([0]), ints([-2])] });
    await check('Slice mixed steps 3 axes', {
      op: 'Slice',
      inputs: [float([5, 4, 7]), ints([-1, 1, 0]), ints([-6, 3, INT64_MAX]), ints([0, 1, 2]), ints([-2, 1, 3])],
    });
  });

  it('Slice: symbolic dims and run-time starts/ends (begin resolved at run time)', async () => {
    await check('Slice symbolic', {
      op: 'Slice',
      inputs: [float([5, 7], ['N', 'M']), ints([-1, 1]), ints([INT64_MIN, INT64_MAX]), ints([0, 1]), ints([-2, 1])],
      declaredOutputs: [['P', 'Q']],
    });
    await check('Slice runtime starts', {
      op: 'Slice',
      inputs: [float([4, 9], ['N', 'M']), runtimeInts([-7, 1]), runtimeInts([8, 3]), ints([1, 0]), ints([2, 1])],
      declaredOutputs: [['P', 'Q']],
    });
  });

  it('Gather axis 0 / 1 / -1, repeated and negative indices accumulate', async () => {
    await check('Gather axis 0', { op: 'Gather', inputs: [float([4, 3]), ints([0, 2, 2, -1], [2, 2])], attrs: { axis: 0 } });
    await check('Gather axis 1 scalar', { op: 'Gather', inputs: [float([2, 5, 3]), ints([-2], [])], attrs: { axis: 1 } });
    await check('Gather axis -1 runtime', {
      op: 'Gather',
      inputs: [float([2, 3, 4], ['B', 'T', 4]), runtimeInts([3, -1, 0, 3, 0, 1], [2, 3])],
      attrs: { axis: -1 },
      declaredOutputs: [['B', 'T', 2, 3]],
    });
    await check('Gather axis 1 symbolic data, const indices', {
      op: 'Gather',
      inputs: [float([2, 5, 3], ['B', 'T', 3]), ints([1, 1, 4])],
      attrs: { axis: 1 },
      declaredOutputs: [['B', 3, 3]],
    });
  });

  it('GatherElements with repeated and negative indices', async () => {
    await check('GatherElements axis -1', {
      op: 'GatherElements',
      inputs: [float([2, 4]), ints([0, 0, -1, 2, 3, 3, 1, -4], [2, 4])],
      attrs: { axis: -1 },
    });
    await check('GatherElements axis 0 runtime', {
      op: 'GatherElements',
      inputs: [float([3, 2]), runtimeInts([2, -3, 2, 0], [2, 2])],
      attrs: { axis: 0 },
    });
  });

  it('Pad constant: positive, negative (crop) and run-time pads', async () => {
    await check('Pad constant', { op: 'Pad', inputs: [float([2, 3, 4]), ints([0, 1, 2, 0, 0, 3]), weight([], [0.5])] });
    await check('Pad negative', { op: 'Pad', inputs: [float([3, 5]), ints([1, -2, -1, 2])] });
    await check('Pad runtime', { op: 'Pad', inputs: [float([2, 3], ['A', 'B']), runtimeInts([1, 0, 2, 1])], declaredOutputs: [['C', 'D']] });
  });

  it('Pad reflect / edge: clear UnsupportedGradientError (a ModelError, code unsupported-gradient)', async () => {
    for (const mode of ['reflect', 'edge']) {
      await expect(gradcheck(shapeCase({ op: 'Pad', inputs: [float([3, 4]), ints([0, 1, 0, 1])], attrs: { mode } }))).rejects.toThrow(UnsupportedGradientError);
      await expect(gradcheck(shapeCase({ op: 'Pad', inputs: [float([3, 4]), ints([0, 1, 0, 1])], attrs: { mode } }))).rejects.toMatchObject({
        name: 'UnsupportedGradientError',
        code: 'unsupported-gradient',
        opType: 'Pad',
      });
    }
  });

  it('reports', () => {
    console.log(`shape rules, max |analytic - fd| per case:\n${errors.map(([n, e]) => `  ${n}: ${e.toExponential(2)}`).join('\n')}`);
  });
});
