import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  INTEGRATION_METHODS,
  gaussLegendre,
  isIntegrationMethod,
  linspace,
  quadrature,
} from '../../src/attribution/quadrature.js';
import { REFERENCE_DIR, maxAbsDiff } from './text-reference-fixtures.js';

interface CaptumTables {
  tables: Record<string, { alphas: number[]; step_sizes: number[] }>;
}
const captum = JSON.parse(
  readFileSync(path.join(REFERENCE_DIR, 'captum_gausslegendre.json'), 'utf8'),
) as CaptumTables;

describe('gausslegendre vs captum 0.7 (numpy leggauss)', () => {
  // Measured: alphas <= 1.2e-16, step sizes <= 1.5e-15 (numpy computes the weights another way).
  const TOL = 1e-14;
  for (const [n, table] of Object.entries(captum.tables)) {
    it(`n = ${n}: alphas and step sizes within ${TOL}`, () => {
      const rule = quadrature('gausslegendre', Number(n));
      expect(rule.alphas.length).toBe(Number(n));
      expect(maxAbsDiff(rule.alphas, table.alphas)).toBeLessThan(TOL);
      expect(maxAbsDiff(rule.stepSizes, table.step_sizes)).toBeLessThan(TOL);
    });
  }

  it('orders nodes ascending and symmetrically, weights summing to 2', () => {
    for (const n of [1, 2, 3, 7, 50, 51, 200]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let i = 1; i < n; i++) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
      for (let i = 0; i < n; i++) {
        expect(nodes[i] + nodes[n - 1 - i]).toBe(0);
        expect(weights[i]).toBe(weights[n - 1 - i]);
      }
      expect(Math.abs(weights.reduce((a, b) => a + b, 0) - 2)).toBeLessThan(1e-14);
    }
  });

  it('integrates polynomials of degree 2n-1 exactly on [0, 1]', () => {
    for (const n of [1, 2, 5, 20, 50]) {
      const { alphas, stepSizes } = quadrature('gausslegendre', n);
      const deg = 2 * n - 1;
      let s = 0;
      for (let k = 0; k < n; k++) s += stepSizes[k] * alphas[k] ** deg;
      // ∫_0^1 a^deg da = 1 / (deg + 1)
      expect(Math.abs(s - 1 / (deg + 1))).toBeLessThan(1e-13);
    }
  });

  it('n = 1 is the midpoint rule; n = 2 uses ±1/sqrt(3)', () => {
    expect([...quadrature('gausslegendre', 1).alphas]).toEqual([0.5]);
    expect([...quadrature('gausslegendre', 1).stepSizes]).toEqual([1]);
    const { nodes, weights } = gaussLegendre(2);
    expect(nodes[1]).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(weights[0]).toBeCloseTo(1, 15);
  });
});

describe('riemann rules (captum riemann_builders)', () => {
  it('left / right / middle / trapezoid alphas and steps', () => {
    const n = 4;
    expect([...quadrature('riemann_left', n).alphas]).toEqual([0, 0.25, 0.5, 0.75]);
    expect([...quadrature('riemann_right', n).alphas]).toEqual([0.25, 0.5, 0.75, 1]);
    expect([...quadrature('riemann_middle', n).alphas]).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect([...quadrature('riemann_trapezoid', n).alphas]).toEqual([0, 1 / 3, 2 / 3, 1]);
    for (const m of ['riemann_left', 'riemann_right', 'riemann_middle'] as const) {
      expect([...quadrature(m, n).stepSizes]).toEqual([0.25, 0.25, 0.25, 0.25]);
    }
    // captum halves the end steps of 1/n without rescaling: the weights sum to 1 - 1/n.
    expect([...quadrature('riemann_trapezoid', n).stepSizes]).toEqual([0.125, 0.25, 0.25, 0.125]);
  });

  it('linspace reproduces numpy bit for bit (start + i*step, last pinned)', () => {
    // riemann_middle for n = 50; numpy 2.4 gives linspace(0.01, 0.99, 50)[1] == 0.03 == 0.01 + 0.98/49.
    const v = linspace(1 / 100, 1 - 1 / 100, 50);
    expect(v[0]).toBe(0.01);
    expect(v[1]).toBe(0.01 + 0.98 / 49);
    expect(v[1]).toBe(0.03);
    expect(v[49]).toBe(0.99);
    expect([...linspace(0, 1, 1)]).toEqual([0]);
    expect(linspace(0, 1, 0).length).toBe(0);
  });

  it('rejects step counts captum rejects', () => {
    expect(() => quadrature('riemann_left', 1)).toThrow(InputError);
    expect(() => quadrature('gausslegendre', 0)).toThrow(InputError);
    expect(() => quadrature('gausslegendre', 2.5)).toThrow(InputError);
    expect(() => quadrature('simpson' as never, 5)).toThrow(/Unknown integration method/);
  });

  it('knows its method names', () => {
    expect(INTEGRATION_METHODS).toHaveLength(5);
    expect(isIntegrationMethod('gausslegendre')).toBe(true);
    expect(isIntegrationMethod('riemann')).toBe(false);
  });
});
