import { describe, expect, it } from 'vitest';
import { captumColor, captumHsl, divergingColorScale, readableTextColor, tokenColor, toRgbString } from '../../src/viz/text-colors.js';
import { sequenceResult } from './viz-fixture-results.js';

// captum `_get_color`, written out from the spec: clip to [-1, 1]; > 0 -> hsl(120, 75%, 100 - int(50 a)),
// else hsl(0, 75%, 100 - int(-40 a)); Python int() truncates toward zero.
function specColor(a: number): string {
  const c = Math.max(-1, Math.min(1, a));
  return c > 0 ? `hsl(120, 75%, ${100 - Math.trunc(50 * c)}%)` : `hsl(0, 75%, ${100 - Math.trunc(-40 * c)}%)`;
}

describe('captum token colours', () => {
  it('matches hand-worked values', () => {
    expect(captumColor(1)).toBe('hsl(120, 75%, 50%)');
    expect(captumColor(-1)).toBe('hsl(0, 75%, 60%)');
    expect(captumColor(0)).toBe('hsl(0, 75%, 100%)');
    expect(captumColor(0.48)).toBe('hsl(120, 75%, 76%)');
    expect(captumColor(0.019)).toBe('hsl(120, 75%, 100%)'); // int(0.95) = 0
    expect(captumColor(-0.026)).toBe('hsl(0, 75%, 99%)'); // int(1.04) = 1
    expect(captumColor(0.999)).toBe('hsl(120, 75%, 51%)'); // int(49.95) = 49, truncation not rounding
  });

  it('clips scores outside [-1, 1] and treats NaN as neutral', () => {
    expect(captumColor(3)).toBe(captumColor(1));
    expect(captumColor(-7)).toBe(captumColor(-1));
    expect(captumColor(Number.NaN)).toBe(captumColor(0));
  });

  it('agrees with the formula on a sweep and on the reference word attributions', () => {
    for (let i = -1100; i <= 1100; i++) expect(captumColor(i / 1000)).toBe(specColor(i / 1000));
    for (const [, s] of sequenceResult().wordAttributions) expect(captumColor(s)).toBe(specColor(s));
  });

  it('exposes the numbers behind the string', () => {
    expect(captumHsl(-0.5)).toEqual({ hue: 0, saturation: 75, lightness: 80 });
  });
});

describe('diverging d3 scale', () => {
  it('is light in the middle and opposite hues at the ends', () => {
    const scale = divergingColorScale('RdYlGn');
    const [r0, g0] = (toRgbString(scale(-1)).match(/\d+/g) ?? []).map(Number);
    const [r1, g1] = (toRgbString(scale(1)).match(/\d+/g) ?? []).map(Number);
    expect(r0).toBeGreaterThan(g0 ?? 0);
    expect(g1).toBeGreaterThan(r1 ?? 0);
    expect(scale(5)).toBe(scale(1)); // clamped
    expect(tokenColor(0.3, 'diverging', 'PiYG')).toBe(divergingColorScale('PiYG')(0.3));
    expect(tokenColor(0.3)).toBe(captumColor(0.3));
  });

  it('picks a readable text colour', () => {
    expect(readableTextColor(captumColor(1))).toBe('#000');
    expect(readableTextColor('rgb(0, 60, 0)')).toBe('#fff');
  });

  it('converts CSS colours the way browsers report them', () => {
    expect(toRgbString('hsl(120, 75%, 50%)')).toBe('rgb(32, 223, 32)');
    expect(toRgbString('hsl(0, 75%, 100%)')).toBe('rgb(255, 255, 255)');
  });
});
