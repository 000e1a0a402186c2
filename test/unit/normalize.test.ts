import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { convergenceDelta, sumFloat64 } from '../../src/attribution/delta.js';
import { normalizeAttributions, sumOverHidden, toWordAttributions } from '../../src/attribution/normalize.js';
import { loadTextReferences, maxAbsDiff } from './text-reference-fixtures.js';

const cases = loadTextReferences();

/** Relative deviation scaled by the largest magnitude of the reference (robust near 0). */
function relDev(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
  return maxAbsDiff(ours, ref) / (scale || 1);
}

describe('normalisation against every text reference', () => {
  // Max deviations measured over all 23 text cases / 89 runs are printed by the last test.
  const worst = { sums: 0, norm: 0, normalized: 0, delta: 0, total: 0 };

  for (const { name, ref } of cases) {
    it(`${name}: hidden sums, L2 norm, normalised scores, delta`, () => {
      for (const a of ref.attributions) {
        const [, T, H] = a.layer_attributions_shape;
        const flat = a.layer_attributions.flat();
        const sums = sumOverHidden(flat, T, H);
        // raw_attribution_sums already carry the flip; layer_attributions do not.
        const norm = normalizeAttributions(sums, { flipSign: a.flip_sign, end: a.normalization_slice_end });

        const dSums = relDev(norm.raw, a.raw_attribution_sums);
        const dNorm = Math.abs(norm.l2Norm - a.l2_norm) / a.l2_norm;
        const dNormalized = maxAbsDiff(norm.normalized, a.normalized_attributions);
        expect(norm.end).toBe(a.normalized_attributions.length);
        expect(dSums).toBeLessThan(1e-12);
        expect(dNorm).toBeLessThan(1e-12);
        // normalised scores are in [-1, 1]: absolute tolerance.
        expect(dNormalized).toBeLessThan(1e-12);

        // Same numbers when starting from the stored (already flipped) sums.
        const fromRaw = normalizeAttributions(a.raw_attribution_sums, { end: a.normalization_slice_end });
        expect(maxAbsDiff(fromRaw.normalized, a.normalized_attributions)).toBeLessThan(1e-15);

        const total = sumFloat64(flat);
        const dTotal = Math.abs(total - a.attribution_total) / Math.max(1e-300, Math.abs(a.attribution_total));
        // captum subtracts the two float32 forward values in float32.
        const delta = convergenceDelta(flat, a.forward_at_input, a.forward_at_baseline, { float32Outputs: true });
        const dDelta = Math.abs(delta - a.convergence_delta[0]);
        expect(dTotal).toBeLessThan(1e-12);
        expect(dDelta).toBeLessThan(1e-15);
        // In float64 the difference is off by up to one float32 ulp of F (measured 4.5e-8).
        const delta64 = convergenceDelta(flat, a.forward_at_input, a.forward_at_baseline);
        expect(Math.abs(delta64 - a.convergence_delta[0])).toBeLessThan(1e-7);

        worst.sums = Math.max(worst.sums, dSums);
        worst.norm = Math.max(worst.norm, dNorm);
        worst.normalized = Math.max(worst.normalized, dNormalized);
        worst.total = Math.max(worst.total, dTotal);
        worst.delta = Math.max(worst.delta, dDelta);
      }
    });
  }

  it('word attributions pair tokens with scores like the original (zip to the shorter)', () => {
    for (const { name, ref } of cases) {
      if (ref.explainer !== 'ZeroShotClassificationExplainer') continue;
      const wa = ref.word_attributions as Record<string, [string, number][]>;
      for (const a of ref.attributions) {
        const norm = normalizeAttributions(a.raw_attribution_sums, { end: a.normalization_slice_end });
        const ours = toWordAttributions(a.tokens, norm.normalized);
        const theirs = wa[a.label ?? ''];
        expect(ours.map(([t]) => t), name).toEqual(theirs.map(([t]) => t));
        expect(maxAbsDiff(ours.map(([, s]) => s), theirs.map(([, s]) => s))).toBeLessThan(1e-15);
      }
    }
  });

  it('reports the worst deviations', () => {
    console.log('normalisation vs references (max):', worst);
    expect(cases.length).toBe(23);
  });
});

describe('normalizeAttributions edge cases', () => {
  it('zero norm gives zeros, not NaN (the original gives NaN)', () => {
    const r = normalizeAttributions([0, 0, 0]);
    expect(r.l2Norm).toBe(0);
    expect([...r.normalized]).toEqual([0, 0, 0]);
    const cut = normalizeAttributions([0, 0, 5], { end: 2 });
    expect([...cut.normalized]).toEqual([0, 0]);
    expect([...cut.raw]).toEqual([0, 0, 5]);
  });

  it('survives magnitudes whose squares under- or overflow', () => {
    const tiny = normalizeAttributions([3e-200, 4e-200]);
    expect(tiny.normalized[0]).toBeCloseTo(0.6, 15);
    expect(tiny.normalized[1]).toBeCloseTo(0.8, 15);
    const huge = normalizeAttributions([3e200, -4e200]);
    expect(huge.normalized[1]).toBeCloseTo(-0.8, 15);
  });

  it('end follows Python slicing for large ends and rejects negative ones', () => {
    expect(normalizeAttributions([3, 4], { end: 10 }).end).toBe(2);
    expect(() => normalizeAttributions([3, 4], { end: -1 })).toThrow(InputError);
    expect(() => sumOverHidden([1, 2, 3], 2, 2)).toThrow(InputError);
  });

  it('flip sign multiplies by -1 before normalising', () => {
    const r = normalizeAttributions([3, -4], { flipSign: true });
    expect([...r.raw]).toEqual([-3, 4]);
    expect([...r.normalized]).toEqual([-0.6, 0.8]);
  });

  it('sumFloat64 compensates cancellation', () => {
    expect(sumFloat64([1e16, 1, -1e16])).toBe(1);
    expect(convergenceDelta(0.75, 0.9, 0.2)).toBeCloseTo(0.05, 15);
  });
});
