/**
 * Gradient x input, saliency and SmoothGrad for the image explainer (issue 18, item 2), on the
 * small `vit` fixture fed the reference's pixel_values, device 'cpu':
 * - gradient x input = pixel_values x gradient, the gradient checked against central finite
 *   differences (h = 1e-2, float32 forward passes) of the explained logit on the 8 pixel values
 *   of largest |gradient| and 4 fixed ones: |fd - g| <= 2e-2 x max|g| + 2e-3 x |g| (tolerance);
 * - saliency = |gradient| (the text version's L2 norm over a feature's values; here every pixel
 *   value is one feature), so |gxi| = saliency x |x| to float rounding;
 * - SmoothGrad with smoothGradNoise 0 equals gradient x input (closed form: the mean of S equal
 *   gradients), with noise it is repeatable for a seed and changes with it;
 * - result shape [1, 3, H, W], `algorithm` set, `delta` NaN; IGNT and bad options: typed errors.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ImageClassificationExplainer } from '../../src/explainers/image/image-classification.js';
import type { ImageClassificationResult } from '../../src/types.js';
import { MODELS_DIR, REFERENCE_DIR } from './text-reference-fixtures.js';

function f32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

describe('image gradient methods (vit, cpu)', () => {
  let ex: ImageClassificationExplainer;
  let pixelValues: Float32Array;
  let gxi: ImageClassificationResult;
  const SHAPE = [1, 3, 224, 224];

  beforeAll(async () => {
    ex = await ImageClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'vit'), { device: 'cpu', localOnly: true });
    pixelValues = f32(path.join(REFERENCE_DIR, 'vit', 'pixel_values.f32.bin'));
    gxi = await ex.explain({ pixelValues }, { attributionType: 'IG', algorithm: 'gradient-x-input' });
  }, 60_000);
  afterAll(() => ex?.dispose());

  /** The explained logit at `x` with pixel values `idx` moved by +h and -h, one batched run. */
  async function centralDifferences(idx: number[], h: number, target: number): Promise<number[]> {
    const fwd = await ex.model.forward();
    const n = pixelValues.length;
    const rows = new Float32Array(2 * idx.length * n);
    idx.forEach((p, k) => {
      rows.set(pixelValues, 2 * k * n);
      rows.set(pixelValues, (2 * k + 1) * n);
      rows[2 * k * n + p] += h;
      rows[(2 * k + 1) * n + p] -= h;
    });
    const out = await fwd.run({ pixel_values: fwd.tensor('float32', rows, [2 * idx.length, 3, 224, 224]) });
    const logits = (await out[fwd.outputNames[0]].getData()) as Float32Array;
    const C = logits.length / (2 * idx.length);
    // The perturbed rows are rounded to float32: divide by the step actually taken.
    return idx.map((p, k) => (logits[2 * k * C + target] - logits[(2 * k + 1) * C + target]) / (rows[2 * k * n + p] - rows[(2 * k + 1) * n + p]));
  }

  test('gradient x input = pixel_values x gradient; the gradient matches central finite differences', async () => {
    expect(gxi.shape).toEqual(SHAPE);
    expect(gxi.attributions.length).toBe(pixelValues.length);
    expect(gxi.algorithm).toBe('gradient-x-input');
    expect(Number.isNaN(gxi.delta)).toBe(true);
    const sal = await ex.explain({ pixelValues }, { attributionType: 'IG', algorithm: 'saliency' });
    expect(sal.algorithm).toBe('saliency');
    expect(sal.shape).toEqual(SHAPE);
    expect(Number.isNaN(sal.delta)).toBe(true);
    // The signed gradient: saliency's magnitude with gxi's sign over x's.
    const n = pixelValues.length;
    const grad = new Float64Array(n);
    let maxG = 0;
    for (let i = 0; i < n; i++) {
      expect(sal.attributions[i]).toBeGreaterThanOrEqual(0);
      const x = pixelValues[i];
      // |gxi| = |x| saliency up to float rounding (diff (x + 1) - x = 1 within 2^-22).
      expect(Math.abs(Math.abs(gxi.attributions[i]) - Math.abs(x) * sal.attributions[i])).toBeLessThanOrEqual(1e-5 * Math.abs(x) * sal.attributions[i] + 1e-12);
      grad[i] = x !== 0 ? gxi.attributions[i] / x : 0;
      maxG = Math.max(maxG, sal.attributions[i]);
    }
    expect(maxG).toBeGreaterThan(0);
    // Largest gradients (where x != 0) and a few fixed pixel values.
    const order = Array.from({ length: n }, (_, i) => i).filter((i) => Math.abs(pixelValues[i]) > 0.05);
    order.sort((a, b) => sal.attributions[b] - sal.attributions[a]);
    const idx = [...order.slice(0, 8), 1000, 50_000, 100_000, 150_000].filter((i) => Math.abs(pixelValues[i]) > 0.05);
    const fd = await centralDifferences(idx, 1e-2, gxi.attributionClassIndex);
    const errs = idx.map((p, k) => Math.abs(fd[k] - grad[p]));
    idx.forEach((p, k) => expect(errs[k]).toBeLessThanOrEqual(2e-2 * maxG + 2e-3 * Math.abs(grad[p])));
    console.log(`image gxi vs central FD: max |g| ${maxG.toExponential(3)}, max abs err ${Math.max(...errs).toExponential(3)} over ${idx.length} pixel values`);
  }, 120_000);

  test('SmoothGrad with zero noise equals gradient x input; seeded noise is repeatable', async () => {
    const zero = await ex.explain({ pixelValues }, { algorithm: 'smoothgrad', smoothGradSamples: 3, smoothGradNoise: 0, internalBatchSize: 2 });
    expect(zero.algorithm).toBe('smoothgrad');
    expect(zero.shape).toEqual(SHAPE);
    expect(Number.isNaN(zero.delta)).toBe(true);
    let maxA = 0;
    let maxD = 0;
    for (let i = 0; i < gxi.attributions.length; i++) {
      maxA = Math.max(maxA, Math.abs(gxi.attributions[i]));
      maxD = Math.max(maxD, Math.abs(zero.attributions[i] - gxi.attributions[i]));
    }
    expect(maxD).toBeLessThanOrEqual(1e-5 * maxA);
    const o = { attributionType: 'IG', algorithm: 'smoothgrad', smoothGradSamples: 3, smoothGradNoise: 0.1 } as const;
    const a = await ex.explain({ pixelValues }, { ...o, seed: 5, internalBatchSize: 3 });
    const b = await ex.explain({ pixelValues }, { ...o, seed: 5, internalBatchSize: 1 });
    const c = await ex.explain({ pixelValues }, { ...o, seed: 6, internalBatchSize: 3 });
    let ab = 0;
    let ac = 0;
    for (let i = 0; i < a.attributions.length; i++) {
      ab = Math.max(ab, Math.abs(a.attributions[i] - b.attributions[i]));
      ac = Math.max(ac, Math.abs(a.attributions[i] - c.attributions[i]));
    }
    expect(ab).toBeLessThanOrEqual(1e-6 * maxA);
    expect(ac).toBeGreaterThan(1e-3 * maxA);
    console.log(`image smoothgrad: zero noise vs gxi max diff ${maxD.toExponential(3)} (max |gxi| ${maxA.toExponential(3)}); seed 5 twice ${ab.toExponential(3)}; seed 5 vs 6 ${ac.toExponential(3)}`);
  }, 120_000);

  test('IGNT and bad SmoothGrad options: typed errors', async () => {
    const nt = ex.explain({ pixelValues }, { attributionType: 'IGNT', algorithm: 'saliency' });
    await expect(nt).rejects.toBeInstanceOf(InputError);
    await expect(nt).rejects.toMatchObject({ code: 'algorithm-unsupported' });
    for (const [opts, code] of [
      [{ algorithm: 'smoothgrad', smoothGradSamples: 0 }, 'bad-smoothgrad-samples'],
      [{ algorithm: 'smoothgrad', smoothGradNoise: -1 }, 'bad-smoothgrad-noise'],
      [{ algorithm: 'smoothgrad', seed: 1.5 }, 'bad-seed'],
      [{ algorithm: 'lime' }, 'bad-algorithm'],
    ] as const) {
      const e = ex.explain({ pixelValues }, opts as never);
      await expect(e).rejects.toBeInstanceOf(InputError);
      await expect(e).rejects.toMatchObject({ code });
    }
  });
});
