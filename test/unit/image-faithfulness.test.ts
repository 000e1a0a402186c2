/**
 * Image deletion / insertion on the vit fixture: the curve's ends equal independent forwards
 * (the input and the all-zero baseline), a middle point equals the explainer's own prediction
 * on a hand-masked image (1e-5 absolute), and images reject other algorithms with a typed error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { patchGrid, patchOrder } from '../../src/attribution/faithfulness.js';
import { softmax } from '../../src/explainers/core/math.js';
import { ImageClassificationExplainer } from '../../src/explainers/image/image-classification.js';
import { MODELS_DIR, REFERENCE_DIR } from './text-reference-fixtures.js';

const pixels = (): Float32Array => {
  const b = readFileSync(path.join(REFERENCE_DIR, 'vit', 'pixel_values.f32.bin'));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe('image faithfulness on vit', () => {
  test('curve ends and a middle point against independent forwards', async () => {
    const ex = await ImageClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'vit'), { device: 'cpu', localOnly: true });
    const x = pixels();
    const r = await ex.explain({ pixelValues: x }, { attributionType: 'IG', nSteps: 4, evaluate: true });
    const f = r.faithfulness;
    expect(f).toBeDefined();
    if (!f) return;
    const P = 14 * 14;
    expect(f.steps[0]).toBe(0);
    expect(f.steps[f.steps.length - 1]).toBe(P);
    expect(f.steps).toHaveLength(21);
    // One unbatched forward of the model's own graph: softmax of the explained class.
    const fwd = await ex.model.forward();
    const probOf = async (pv: Float32Array): Promise<number> => {
      const out = await fwd.run({ pixel_values: fwd.tensor('float32', pv, [1, 3, 224, 224]) });
      return softmax((await out[fwd.outputNames[0]].getData()) as Float32Array)[r.attributionClassIndex];
    };
    const zero = new Float32Array(x.length);
    // Start of deletion and end of insertion: the input itself.
    expect(Math.abs(f.deletion[0] - (await probOf(x)))).toBeLessThan(1e-5);
    expect(f.insertion[f.insertion.length - 1]).toBeCloseTo(f.deletion[0], 5);
    // End of deletion and start of insertion: the baseline.
    expect(f.deletion[f.deletion.length - 1]).toBeCloseTo(f.insertion[0], 5);
    const pb = await probOf(zero);
    expect(Math.abs(f.insertion[0] - pb)).toBeLessThan(1e-5);
    // The first deletion point after 0: the top patches zeroed by hand.
    const k = f.steps[1];
    const order = patchOrder(r.attributions, 3, patchGrid(224, 224, 16));
    const masked = Float32Array.from(x);
    for (const idx of order.slice(0, k)) {
      const y0 = Math.floor(idx / 14) * 16;
      const x0 = (idx % 14) * 16;
      for (let c = 0; c < 3; c++) for (let y = y0; y < y0 + 16; y++) for (let xx = x0; xx < x0 + 16; xx++) masked[(c * 224 + y) * 224 + xx] = 0;
    }
    const pm = await probOf(masked);
    expect(Math.abs(f.deletion[1] - pm)).toBeLessThan(1e-5);
    expect(k).toBeGreaterThan(0);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(f.aopcDeletion).toBeCloseTo(mean(f.deletion.map((v) => f.deletion[0] - v)), 12);
    expect(f.aopcInsertion).toBeCloseTo(mean(f.insertion.map((v) => v - f.insertion[0])), 12);

    await expect(ex.explain({ pixelValues: x }, { attributionType: 'IGNT', algorithm: 'saliency' })).rejects.toMatchObject({ code: 'algorithm-unsupported' });
    await ex.dispose();
  }, 120_000);
});
