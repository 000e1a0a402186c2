/**
 * The pure noise-tunnel parts: seeded Gaussian noise (repeatable, right moments) and captum's
 * three combinations.
 */
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { addGaussianNoise, combineNoiseTunnel, gaussian, isNoiseTunnelType, mulberry32, NoiseTunnelAccumulator, noisySamples } from '../../src/attribution/noise-tunnel.js';

describe('seeded Gaussian noise', () => {
  test('the same seed gives the same numbers, another seed others', () => {
    const a = noisySamples([0, 0, 0, 0], 3, 1, 1234);
    const b = noisySamples([0, 0, 0, 0], 3, 1, 1234);
    const c = noisySamples([0, 0, 0, 0], 3, 1, 1235);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // Each copy gets its own draw.
    expect(a[0]).not.toEqual(a[1]);
  });

  test('uniform source stays in [0, 1)', () => {
    const u = mulberry32(7);
    for (let i = 0; i < 10_000; i++) {
      const v = u();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });

  test('standard normal: mean 0, variance 1, symmetric tails', () => {
    const g = gaussian(42);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = g();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    const mean = s / n;
    expect(Math.abs(mean)).toBeLessThan(0.01); // sd of the mean = 1/sqrt(n) = 0.0022
    expect(Math.abs(s2 / n - mean * mean - 1)).toBeLessThan(0.015);
    expect(beyond2 / n).toBeCloseTo(0.0455, 2); // P(|Z| > 2)
  });

  test('noise is added with the given standard deviation, as float32', () => {
    const x = new Float32Array(50_000).fill(3);
    const noisy = addGaussianNoise(x, 0.5, gaussian(1));
    expect(noisy).toBeInstanceOf(Float32Array);
    let s = 0;
    let s2 = 0;
    for (const v of noisy) {
      s += v;
      s2 += v * v;
    }
    const mean = s / x.length;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(s2 / x.length - mean * mean)).toBeCloseTo(0.5, 2);
    expect(addGaussianNoise(x, 0, gaussian(1))).toEqual(x);
  });
});

describe('combinations (captum NoiseTunnel)', () => {
  const samples = [
    [1, -2, 0.5],
    [3, 2, 0.5],
    [-1, 0, 0.5],
  ];

  test('smoothgrad is the mean', () => {
    expect(Array.from(combineNoiseTunnel(samples, 'smoothgrad'))).toEqual([1, 0, 0.5]);
  });

  test('smoothgrad_sq is the mean of squares', () => {
    const r = combineNoiseTunnel(samples, 'smoothgrad_sq');
    expect(r[0]).toBeCloseTo(11 / 3, 12);
    expect(r[1]).toBeCloseTo(8 / 3, 12);
    expect(r[2]).toBeCloseTo(0.25, 12);
  });

  test('vargrad is the population variance (mean of squares - square of mean)', () => {
    const r = combineNoiseTunnel(samples, 'vargrad');
    expect(r[0]).toBeCloseTo(11 / 3 - 1, 12);
    expect(r[1]).toBeCloseTo(8 / 3, 12);
    expect(r[2]).toBeCloseTo(0, 12);
  });

  test('the accumulator streams and checks sizes', () => {
    const acc = new NoiseTunnelAccumulator(3);
    expect(() => acc.combine('smoothgrad')).toThrow(InputError);
    for (const s of samples) acc.add(s);
    expect(acc.count).toBe(3);
    expect(Array.from(acc.combine('smoothgrad'))).toEqual([1, 0, 0.5]);
    expect(() => acc.add([1, 2])).toThrow(InputError);
  });

  test('type names', () => {
    expect(isNoiseTunnelType('vargrad')).toBe(true);
    expect(isNoiseTunnelType('smoothgrad_sq')).toBe(true);
    expect(isNoiseTunnelType('SmoothGrad')).toBe(false);
  });
});
