/**
 * Colour maps for image attributions, built the way matplotlib builds the ones captum uses,
 * from d3's ColorBrewer colours.
 *
 * captum's `visualize_image_attr` uses matplotlib's "Greens" (positive), "Reds" (negative),
 * "Blues" (absolute value) and a custom red-white-green map for signed values. matplotlib's
 * ColorBrewer maps are the 9-colour ColorBrewer schemes interpolated linearly in RGB into a
 * 256-entry lookup table; d3-scale-chromatic ships the same 9 colours (`schemeGreens[9]`),
 * so we take them from d3 and interpolate linearly (d3's own `interpolateGreens` uses a
 * B-spline and would differ by a few levels).
 *
 * @module
 */
import { InputError } from '../errors.js';
import { rgb } from 'd3-color';
import { schemeBlues, schemeGreens, schemeReds } from 'd3-scale-chromatic';

/** A 256-entry lookup table of RGBA bytes with its value domain. */
export interface Colormap {
  /** A readable name, e.g. `Greens`. */
  name: string;
  /** `size * 4` bytes: r, g, b, a per entry. */
  lut: Uint8ClampedArray;
  /** Number of entries (256, like matplotlib's default). */
  size: number;
}

/** The 256-entry table size matplotlib uses for its named maps. */
export const LUT_SIZE = 256;

/**
 * `i / (n - 1)` for i in 0..n-1 with an exact last value, as numpy's `linspace(0, 1, n)`
 * computes it (multiplying by the step, not dividing by n - 1), so table entries land on
 * the same doubles matplotlib's do.
 */
function linspace01(n: number): Float64Array {
  const out = new Float64Array(n);
  const step = 1 / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step;
  out[n - 1] = 1;
  return out;
}

/**
 * One channel of a linear segmented map from evenly spaced anchor values, following
 * matplotlib's lookup-table construction step by step (anchors at linspace(0, 1, k) scaled
 * by n - 1; entry positions (n - 1) * linspace(0, 1, n); left-sided search; linear blend).
 */
function channelTable(anchors: readonly number[], n: number): Float64Array {
  const k = anchors.length;
  const x = linspace01(k).map((v) => v * (n - 1));
  const xind = linspace01(n).map((v) => (n - 1) * v);
  const lut = new Float64Array(n);
  lut[0] = anchors[0] ?? 0;
  lut[n - 1] = anchors[k - 1] ?? 0;
  let ind = 0;
  for (let i = 1; i < n - 1; i++) {
    const target = xind[i] ?? 0;
    while (ind < k && (x[ind] ?? 0) < target) ind++; // searchsorted(side='left')
    const j = Math.min(Math.max(ind, 1), k - 1);
    const x0 = x[j - 1] ?? 0;
    const x1 = x[j] ?? 1;
    const y0 = anchors[j - 1] ?? 0;
    const y1 = anchors[j] ?? 0;
    const distance = (target - x0) / (x1 - x0);
    lut[i] = Math.min(1, Math.max(0, distance * (y1 - y0) + y0));
  }
  return lut;
}

/**
 * Builds a colour map that blends linearly through evenly spaced CSS colours, the same as
 * matplotlib's `LinearSegmentedColormap.from_list(name, colors)`.
 *
 * @example
 * ```ts
 * const rdWhGn = linearColormap('RdWhGn', ['red', 'white', 'green']);
 * ```
 */
export function linearColormap(name: string, colors: readonly string[], size: number = LUT_SIZE): Colormap {
  if (colors.length < 2) throw new InputError('a colour map needs at least two colours', { code: 'invalid-colormap' });
  const parsed = colors.map((c) => {
    const v = rgb(c);
    if (Number.isNaN(v.r)) throw new InputError(`not a CSS colour: ${c}`, { code: 'invalid-color' });
    return v;
  });
  const channels = [
    channelTable(parsed.map((c) => c.r / 255), size),
    channelTable(parsed.map((c) => c.g / 255), size),
    channelTable(parsed.map((c) => c.b / 255), size),
  ];
  const lut = new Uint8ClampedArray(size * 4);
  for (let i = 0; i < size; i++) {
    // matplotlib converts its float table to bytes with `(lut * 255).astype(uint8)`: truncation.
    for (let c = 0; c < 3; c++) lut[i * 4 + c] = Math.trunc((channels[c]?.[i] ?? 0) * 255);
    lut[i * 4 + 3] = 255;
  }
  return { name, lut, size };
}

/**
 * The table index for a value already scaled to [0, 1] (matplotlib: `int(t * N)`, with
 * t = 1 mapped to the last entry and values outside clamped to the ends).
 *
 * @example
 * ```ts
 * lutIndex(1, 256); // 255
 * ```
 */
export function lutIndex(t: number, size: number = LUT_SIZE): number {
  if (Number.isNaN(t)) return 0;
  const x = t * size;
  if (x >= size) return size - 1;
  if (x < 0) return 0;
  return Math.trunc(x);
}

/**
 * Writes the colour for `value` in [vmin, vmax] into `out` at `offset` (4 bytes).
 *
 * @example
 * ```ts
 * const px = new Uint8ClampedArray(4);
 * writeColor(greens(), 0.5, 0, 1, px, 0);
 * ```
 */
export function writeColor(cmap: Colormap, value: number, vmin: number, vmax: number, out: Uint8ClampedArray, offset: number): void {
  const t = vmax === vmin ? 0 : (value - vmin) / (vmax - vmin);
  const i = lutIndex(t, cmap.size) * 4;
  out[offset] = cmap.lut[i] ?? 0;
  out[offset + 1] = cmap.lut[i + 1] ?? 0;
  out[offset + 2] = cmap.lut[i + 2] ?? 0;
  out[offset + 3] = cmap.lut[i + 3] ?? 255;
}

/**
 * The colour for `value` as `rgb(r, g, b)`.
 *
 * @example
 * ```ts
 * cssColor(rdWhGn(), 0, -1, 1); // 'rgb(255, 255, 255)' (white, the middle entry)
 * ```
 */
export function cssColor(cmap: Colormap, value: number, vmin: number, vmax: number): string {
  const px = new Uint8ClampedArray(4);
  writeColor(cmap, value, vmin, vmax, px, 0);
  return `rgb(${px[0]}, ${px[1]}, ${px[2]})`;
}

const cache = new Map<string, Colormap>();
function cached(name: string, colors: () => readonly string[]): Colormap {
  let c = cache.get(name);
  if (!c) {
    c = linearColormap(name, colors());
    cache.set(name, c);
  }
  return c;
}

/** captum's signed map: `LinearSegmentedColormap.from_list("RdWhGn", ["red", "white", "green"])`. */
export const rdWhGn = (): Colormap => cached('RdWhGn', () => ['red', 'white', 'green']);
/** matplotlib "Greens" (ColorBrewer, 9 colours from d3). */
export const greens = (): Colormap => cached('Greens', () => schemeGreens[9] ?? []);
/** matplotlib "Reds" (ColorBrewer, 9 colours from d3). */
export const reds = (): Colormap => cached('Reds', () => schemeReds[9] ?? []);
/** matplotlib "Blues" (ColorBrewer, 9 colours from d3). */
export const blues = (): Colormap => cached('Blues', () => schemeBlues[9] ?? []);
/** matplotlib "gray": black to white, used under the blended heat map. */
export const gray = (): Colormap => cached('gray', () => ['black', 'white']);
