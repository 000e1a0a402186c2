// Backward rules of Conv and pooling against central finite differences. MaxPool differences
// run in float64 (ORT has a float64 MaxPool); Conv and AveragePool have no float64 kernel in
// ORT, and they are linear in X, so their differences use ORT's own float32 kernels (the
// ground truth for padding, ceil_mode and count_include_pad) with a step of 1, which is exact
// up to float32 rounding of the outputs.
import { describe, expect, it } from 'vitest';
import { UnsupportedGradientError } from '../../src/autodiff/rule.js';
import { convRules } from '../../src/autodiff/rules/conv.js';
import { expectCloseToFd, gradcheck, namedByPosition, ruleGradients, type GradCase, type InputSpec } from './helpers/gradcheck.js';

const TOL = 2e-5;

// Inputs are named by position when a case is checked (see `convCase`).
const float = (dims: number[], declared?: (number | string)[]): InputSpec => ({ name: '?', dims, declared });
const weight = (dims: number[]): InputSpec => ({ name: '?', dims, constant: true });

/**
 * Names inputs `in0`, `in1`, ...; the rule comes from the conv rules. MaxPool is piecewise
 * linear (FD step 1e-6 in float64); Conv and AveragePool difference ORT's float32 kernels.
 */
const convCase = (spec: GradCase): GradCase =>
  namedByPosition({ h: spec.op === 'MaxPool' ? 1e-6 : undefined, seed: 1, linearFloat32: spec.op !== 'MaxPool', rule: convRules[spec.op], ...spec });

const errors: [string, number][] = [];

async function check(name: string, spec: GradCase): Promise<void> {
  const r = await expectCloseToFd(convCase(spec), TOL);
  errors.push([name, r.maxAbs]);
}

describe('conv rules vs finite differences', () => {
  it('Conv 2-D: strides 2, asymmetric pads, bias', async () => {
    await check('Conv s2 pads', { op: 'Conv', inputs: [float([1, 2, 7, 6]), weight([3, 2, 3, 3]), weight([3])], attrs: { strides: [2, 2], pads: [1, 0, 2, 1] } });
    await check('Conv s2 uncovered tail', { op: 'Conv', inputs: [float([2, 2, 8, 8]), weight([2, 2, 3, 3])], attrs: { strides: [2, 3], pads: [0, 0, 0, 0] } });
  });

  it('Conv 2-D: dilations 2, groups 2', async () => {
    await check('Conv dilation 2', { op: 'Conv', inputs: [float([1, 2, 9, 8]), weight([2, 2, 3, 3])], attrs: { dilations: [2, 2], pads: [2, 1, 2, 1] } });
    await check('Conv group 2', { op: 'Conv', inputs: [float([2, 4, 6, 7]), weight([6, 2, 3, 3])], attrs: { group: 2, strides: [2, 1], pads: [1, 1, 1, 1] } });
    await check('Conv depthwise s2 d2', { op: 'Conv', inputs: [float([1, 3, 9, 9]), weight([3, 1, 3, 3])], attrs: { group: 3, strides: [2, 2], dilations: [2, 2], pads: [1, 1, 1, 1] } });
  });

  it('Conv 1-D', async () => {
    await check('Conv 1-D s3', { op: 'Conv', inputs: [float([2, 3, 10]), weight([4, 3, 3])], attrs: { strides: [3], pads: [1, 1] } });
  });

  it('Conv auto_pad SAME_UPPER / SAME_LOWER / VALID', async () => {
    await check('Conv SAME_UPPER', { op: 'Conv', inputs: [float([1, 2, 7, 8]), weight([2, 2, 4, 3])], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } });
    await check('Conv SAME_LOWER', { op: 'Conv', inputs: [float([1, 2, 7, 8]), weight([2, 2, 4, 3])], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] } });
    await check('Conv VALID', { op: 'Conv', inputs: [float([1, 2, 7, 8]), weight([2, 2, 3, 3])], attrs: { auto_pad: 'VALID', strides: [2, 2] } });
  });

  it('Conv with symbolic batch and spatial dims (resnet stem shape)', async () => {
    await check('Conv symbolic', {
      op: 'Conv',
      inputs: [float([1, 3, 11, 10], ['N', 3, 'H', 'W']), weight([4, 3, 7, 7])],
      attrs: { strides: [2, 2], pads: [3, 3, 3, 3], kernel_shape: [7, 7], dilations: [1, 1], group: 1 },
      declaredOutputs: [['N', 4, 'OH', 'OW']],
    });
    await expect(
      gradcheck(
        convCase({
          op: 'Conv',
          inputs: [float([1, 2, 7, 8], ['N', 2, 'H', 'W']), weight([2, 2, 3, 3])],
          attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] },
          declaredOutputs: [['N', 2, 'OH', 'OW']],
        }),
      ),
    ).rejects.toThrow(UnsupportedGradientError);
  });

  it('MaxPool 3x3 stride 2 pad 1 (overlapping windows), static and symbolic', async () => {
    await check('MaxPool 3x3 s2 p1', { op: 'MaxPool', inputs: [float([2, 2, 9, 8])], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, distinct: true });
    await check('MaxPool symbolic', {
      op: 'MaxPool',
      inputs: [float([1, 3, 10, 9], ['N', 'C', 'H', 'W'])],
      attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
      declaredOutputs: [['N', 'C', 'OH', 'OW']],
      distinct: true,
    });
  });

  it('MaxPool ceil_mode, dilations, 1-D, two outputs', async () => {
    await check('MaxPool ceil', { op: 'MaxPool', inputs: [float([1, 2, 8, 7])], attrs: { kernel_shape: [3, 2], strides: [2, 2], ceil_mode: 1 }, distinct: true });
    await check('MaxPool ceil symbolic', {
      op: 'MaxPool',
      inputs: [float([1, 2, 8, 7], ['N', 2, 'H', 'W'])],
      attrs: { kernel_shape: [3, 2], strides: [2, 2], ceil_mode: 1 },
      declaredOutputs: [['N', 2, 'OH', 'OW']],
      distinct: true,
    });
    await check('MaxPool dilation 2', { op: 'MaxPool', inputs: [float([1, 2, 9, 9])], attrs: { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 0, 0, 1] }, distinct: true });
    await check('MaxPool 1-D', { op: 'MaxPool', inputs: [float([2, 3, 11])], attrs: { kernel_shape: [3], strides: [2], pads: [1, 1] }, distinct: true });
    await check('MaxPool with Indices output', { op: 'MaxPool', inputs: [float([1, 2, 6, 6])], attrs: { kernel_shape: [2, 2], strides: [2, 2] }, outputs: 2, noGradOutputs: [1], outputDtypes: ['float32', 'int64'], distinct: true, skipWebgpu: true });
  });

  it('MaxPool ties: the gradient of each window goes to its first maximum only', async () => {
    // Finite differences are meaningless at ties; check the convention directly.
    const c = convCase({ op: 'MaxPool', inputs: [{ name: '?', dims: [1, 1, 4, 4], data: Array.from({ length: 16 }, () => 1) }], attrs: { kernel_shape: [2, 2], strides: [2, 2] } });
    const gx = (await ruleGradients(c, [[0.5, -1, 2, 0.25]])).in0;
    const firsts = [0, 2, 8, 10];
    gx.forEach((v, i) => (firsts.includes(i) ? expect(v).not.toBe(0) : expect(v).toBe(0)));
  });

  it('AveragePool count_include_pad 0 and 1, pads and strides', async () => {
    for (const cip of [0, 1]) {
      await check(`AveragePool cip${cip}`, { op: 'AveragePool', inputs: [float([2, 2, 7, 8])], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: cip } });
      await check(`AveragePool cip${cip} ceil`, { op: 'AveragePool', inputs: [float([1, 2, 8, 7])], attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 0], ceil_mode: 1, count_include_pad: cip } });
      await check(`AveragePool cip${cip} symbolic`, {
        op: 'AveragePool',
        inputs: [float([1, 2, 7, 8], ['N', 2, 'H', 'W'])],
        attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: cip },
        declaredOutputs: [['N', 2, 'OH', 'OW']],
      });
      await check(`AveragePool cip${cip} 1-D`, { op: 'AveragePool', inputs: [float([2, 2, 9])], attrs: { kernel_shape: [4], strides: [3], pads: [2, 1], count_include_pad: cip } });
    }
  });

  it('GlobalAveragePool, static and symbolic', async () => {
    await check('GlobalAveragePool', { op: 'GlobalAveragePool', inputs: [float([2, 3, 4, 5])] });
    await check('GlobalAveragePool symbolic', { op: 'GlobalAveragePool', inputs: [float([2, 3, 4, 5], ['N', 3, 'H', 'W'])], declaredOutputs: [['N', 3, 1, 1]] });
  });

  it('reports', () => {
    console.log(`conv rules, max |analytic - fd| per case:\n${errors.map(([n, e]) => `  ${n}: ${e.toExponential(2)}`).join('\n')}`);
  });
});
