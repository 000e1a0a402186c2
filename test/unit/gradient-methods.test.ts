/**
 * Gradient x input, saliency and SmoothGrad on the distilbert-sst2 fixture against central
 * finite differences of the explained probability w.r.t. the word embeddings (eps 1e-2;
 * tolerance 1e-3 of the largest value; measured 1.3e-4, 6.9e-5 and 5.2e-5), F evaluated by the
 * same fused graph at chosen points (input = baseline = z, so the path point is z); and the
 * option validation.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkAlgorithm, gradientPlan, tokenScores } from '../../src/attribution/gradient-methods.js';
import { GS, type HeadSpec } from '../../src/autodiff/spec.js';
import { InputError, InternalError } from '../../src/errors.js';
import { SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { idFeeds, type TextIgRequest } from '../../src/explainers/text/text-attribution.js';
import { cutActivation, textGradientMethod } from '../../src/explainers/text/text-gradient-methods.js';
import { buildSingleTextInputs } from '../../src/explainers/text/inputs.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const head: HeadSpec = { kind: 'classification', activation: 'softmax' };

async function setup(): Promise<{ req: TextIgRequest; x: Float32Array; rowShape: number[]; F: (points: Float32Array[]) => Promise<Float32Array>; ex: SequenceClassificationExplainer }> {
  const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), { device: 'cpu', localOnly: true });
  const model = ex.text.model;
  const rows = buildSingleTextInputs(ex.text.tokenizer, 'a truly wonderful film');
  const req: TextIgRequest = { rows, cut: 'word', head, targets: [Float32Array.of(0, 1)], maskShape: [2] };
  const { x, rowShape } = await cutActivation(model, req, rows.positionIds);
  const session = await model.igSession('word', head, 'sum-last-axis');
  const ig = model.igGraph('word', head, 'sum-last-axis');
  const F = async (points: Float32Array[]): Promise<Float32Array> => {
    const B = points.length;
    const z = new Float32Array(B * x.length);
    points.forEach((p, b) => z.set(p, b * x.length));
    const rep = <T,>(r: T): T[] => Array.from({ length: B }, () => r);
    const out = await session.run({
      ...idFeeds(session, { input_ids: rep(rows.inputIds), attention_mask: rep(rows.attentionMask), position_ids: rep(rows.positionIds), token_type_ids: rep(rows.tokenTypeIds) }),
      [GS.input]: session.tensor('float32', z, [B, ...rowShape]),
      [GS.baseline]: session.tensor('float32', z, [B, ...rowShape]),
      [GS.alphas]: session.tensor('float32', new Float32Array(B), [B]),
      [GS.weights]: session.tensor('float32', new Float32Array(B), [B]),
      [GS.targetMask]: session.tensor('float32', Float32Array.from({ length: 2 * B }, (_, i) => i % 2), [B, 2]),
    });
    return (await out[ig.scalar].getData()) as Float32Array;
  };
  return { req, x, rowShape, F, ex };
}

/** (F(z + eps d_t) - F(z - eps d_t)) / 2 eps for each direction d_t. */
async function centralDifferences(F: (p: Float32Array[]) => Promise<Float32Array>, z: Float32Array, dirs: Float32Array[], eps: number): Promise<number[]> {
  const pts: Float32Array[] = [];
  for (const d of dirs) {
    pts.push(z.map((v, i) => v + eps * d[i]));
    pts.push(z.map((v, i) => v - eps * d[i]));
  }
  const f = await F(pts);
  return dirs.map((_, k) => (f[2 * k] - f[2 * k + 1]) / (2 * eps));
}

describe('gradient methods on distilbert-sst2 vs finite differences', () => {
  test('gradient x input, saliency, smoothgrad', async () => {
    const { req, x, rowShape, F, ex } = await setup();
    const [T, H] = rowShape;
    const model = ex.text.model;
    const maxAbs = (a: ArrayLike<number>): number => Math.max(...Array.from(a, Math.abs));

    // Gradient x input per token t = directional derivative along x restricted to token t.
    const gxi = await textGradientMethod(model, req, checkAlgorithm({ algorithm: 'gradient-x-input' }));
    const tokenDirs = Array.from({ length: T }, (_, t) => x.map((v, i) => (Math.floor(i / H) === t ? v : 0)));
    const fdGxi = await centralDifferences(F, x, tokenDirs, 1e-2);
    const scale = maxAbs(fdGxi);
    for (let t = 0; t < T; t++) expect(Math.abs(gxi.targets[0].tokenSums[t] - fdGxi[t])).toBeLessThan(1e-3 * scale);
    // F at the input: the explained probability.
    const [fx] = await F([x]);
    expect(gxi.targets[0].fInput).toBeCloseTo(fx, 6);
    expect(Number.isNaN(gxi.targets[0].delta)).toBe(true);

    // Saliency: the L2 norm over the hidden axis of every partial derivative.
    const sal = await textGradientMethod(model, req, checkAlgorithm({ algorithm: 'saliency' }));
    const unit = Array.from({ length: T * H }, (_, j) => {
      const d = new Float32Array(T * H);
      d[j] = 1;
      return d;
    });
    const grads = await centralDifferences(F, x, unit, 1e-2);
    const fdNorms = Array.from({ length: T }, (_, t) => Math.hypot(...grads.slice(t * H, (t + 1) * H)));
    const nScale = maxAbs(fdNorms);
    for (let t = 0; t < T; t++) expect(Math.abs(sal.targets[0].tokenSums[t] - fdNorms[t])).toBeLessThan(1e-3 * nScale);

    // SmoothGrad: mean over the seeded noisy points of the directional derivative along x_t.
    const choice = checkAlgorithm({ algorithm: 'smoothgrad', smoothGradSamples: 4, smoothGradNoise: 0.05, seed: 7 });
    const sg = await textGradientMethod(model, req, choice);
    const { baseline } = gradientPlan(choice, x).rowsOf(0, choice.samples);
    const fdSg = new Float64Array(T);
    for (let s = 0; s < choice.samples; s++) {
      const noisy = baseline.slice(s * x.length, (s + 1) * x.length);
      const d = await centralDifferences(F, noisy, tokenDirs, 1e-2);
      d.forEach((v, t) => (fdSg[t] += v / choice.samples));
    }
    const sgScale = maxAbs(fdSg);
    for (let t = 0; t < T; t++) expect(Math.abs(sg.targets[0].tokenSums[t] - fdSg[t])).toBeLessThan(1e-3 * sgScale);
    // The noise changed something (the test can fail), and the same seed repeats exactly.
    expect(maxAbs(sg.targets[0].tokenSums.map((v, t) => v - gxi.targets[0].tokenSums[t]))).toBeGreaterThan(1e-4 * sgScale);
    const again = await textGradientMethod(model, req, choice);
    expect(Array.from(again.targets[0].tokenSums)).toEqual(Array.from(sg.targets[0].tokenSums));
    await ex.dispose();
  }, 60_000);
});

describe('plans and validation', () => {
  test('smoothgrad with noise 0 is gradient x input (same per-token combination)', () => {
    const x = Float32Array.of(0.5, -1, 2, 0.25);
    const p = gradientPlan(checkAlgorithm({ algorithm: 'smoothgrad', smoothGradSamples: 3, smoothGradNoise: 0 }), x);
    const { input, baseline } = p.rowsOf(0, p.rows);
    // Graph formula with F = sum z^2 / 2 (gradient z): w (i - b) grad(b + a (i - b)) summed per token of 2.
    const out = new Float32Array(p.rows * 2);
    for (let r = 0; r < p.rows; r++) {
      for (let j = 0; j < 4; j++) {
        const i = input[r * 4 + j];
        const b = baseline[r * 4 + j];
        out[r * 2 + Math.floor(j / 2)] += p.weights[r] * (i - b) * (b + p.alphas[r] * (i - b));
      }
    }
    const s = tokenScores(p, out, 2, 2);
    expect(s[0]).toBeCloseTo(0.25 + 1, 6);
    expect(s[1]).toBeCloseTo(4 + 0.0625, 6);
  });

  test('typed errors like ntSamples', () => {
    const bad: [object, string][] = [
      [{ algorithm: 'lime' }, 'bad-algorithm'],
      [{ algorithm: 'smoothgrad', smoothGradSamples: 0 }, 'bad-smoothgrad-samples'],
      [{ algorithm: 'smoothgrad', smoothGradSamples: 2.5 }, 'bad-smoothgrad-samples'],
      [{ algorithm: 'smoothgrad', smoothGradNoise: -1 }, 'bad-smoothgrad-noise'],
      [{ algorithm: 'smoothgrad', smoothGradNoise: Infinity }, 'bad-smoothgrad-noise'],
      [{ algorithm: 'smoothgrad', seed: 0.5 }, 'bad-seed'],
    ];
    for (const [o, code] of bad) {
      expect(() => checkAlgorithm(o)).toThrow(InputError);
      try {
        checkAlgorithm(o);
      } catch (e) {
        expect((e as InputError).code).toBe(code);
      }
    }
    // SmoothGrad rows come in order (memory: one chunk at a time).
    const sg = gradientPlan(checkAlgorithm({ algorithm: 'smoothgrad', smoothGradSamples: 4, seed: 1 }), Float32Array.of(1, 2));
    expect(() => sg.rowsOf(1, 2)).toThrow(InternalError);
    expect(checkAlgorithm({})).toMatchObject({ algorithm: 'integrated-gradients', samples: 10, noise: 0.1 });
  });
});
