// The text-generation heat map's colours: symmetric around 0, and in the dark theme near-zero
// cells fade into the page background instead of shining white.
import { describe, expect, test } from 'vitest';
import { generationMatrix } from '../../src/viz/generation-matrix.js';
import { contrastRatio, RAMP_THEME, toRgbString } from '../../src/viz/text-colors.js';

/** Max channel difference of two CSS colours (the 256-entry colour table puts 0 within a step of the middle colour). */
function channelDiff(a: string, b: string): number {
  const pa = toRgbString(a).match(/\d+/g)!.map(Number);
  const pb = toRgbString(b).match(/\d+/g)!.map(Number);
  return Math.max(...pa.map((v, i) => Math.abs(v - pb[i]!)));
}

const result = {
  promptTokens: ['The', 'movie'],
  targetTokens: ['was', 'good'],
  tokenAttributions: [
    [0.5, 0],
    [-0.5, 0.25, 0.5],
  ],
};

describe('generationMatrix', () => {
  test('light: zero is white, the extremes are the red/green ends; later sources are blank', () => {
    const m = generationMatrix(result);
    expect(m.maxAbs).toBe(0.5);
    expect(channelDiff(m.cells[0]![1]!.background, '#ffffff')).toBeLessThanOrEqual(2);
    expect(m.cells[0]![2]!.score).toBeUndefined();
    expect(m.cells[0]![2]!.background).toBe('transparent');
    expect(m.cells[1]![0]!.background).not.toBe(m.cells[1]![2]!.background);
  });

  test('dark: zero is the dark background; every cell keeps 4.5:1 contrast with its text', () => {
    const m = generationMatrix(result, 'dark');
    expect(channelDiff(m.cells[0]![1]!.background, RAMP_THEME.dark.background)).toBeLessThanOrEqual(2);
    for (const row of m.cells) {
      for (const c of row) if (c.score !== undefined) expect(contrastRatio(c.background, c.foreground)).toBeGreaterThanOrEqual(4.5);
    }
    // The colour bar runs through the background too.
    const mid = m.bar.stops[Math.floor(m.bar.stops.length / 2)]!;
    expect(channelDiff(mid.color, RAMP_THEME.dark.background)).toBeLessThanOrEqual(2);
  });
});
