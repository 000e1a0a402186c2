/**
 * Background colours for tokens, by attribution score.
 *
 * The default is captum's `visualize_text` colour: green for positive scores, red for
 * negative ones, lightness shrinking with the magnitude. A d3 diverging scale is offered
 * as an alternative for people who want a perceptual or colour-blind-friendlier palette.
 *
 * @module
 */
import { InputError } from '../errors.js';
import { color as parseColor } from 'd3-color';
import { interpolateLab, piecewise } from 'd3-interpolate';
import { scaleDiverging } from 'd3-scale';
import {
  interpolateBrBG,
  interpolatePiYG,
  interpolatePRGn,
  interpolateRdBu,
  interpolateRdYlBu,
  interpolateRdYlGn,
} from 'd3-scale-chromatic';

/** The HSL triple captum uses for a token, before formatting. */
export interface CaptumHsl {
  hue: 0 | 120;
  saturation: 75;
  /** Integer percent. */
  lightness: number;
}

/**
 * captum's token colour as numbers.
 *
 * Follows `_get_color` in captum's `attr/_utils/visualization.py`: the score is clipped to
 * [-1, 1]; positive scores get hue 120 and lightness `100 - int(50 * score)`, everything
 * else (zero included) hue 0 and `100 - int(-40 * score)`. Python's `int` truncates toward
 * zero, hence `Math.trunc`. A NaN score is shown as neutral (captum would paint it green).
 *
 * @example
 * ```ts
 * captumHsl(0.48); // { hue: 120, saturation: 75, lightness: 76 }
 * ```
 */
export function captumHsl(score: number): CaptumHsl {
  const s = Number.isNaN(score) ? 0 : Math.max(-1, Math.min(1, score));
  if (s > 0) return { hue: 120, saturation: 75, lightness: 100 - Math.trunc(50 * s) };
  return { hue: 0, saturation: 75, lightness: 100 - Math.trunc(-40 * s) };
}

/**
 * captum's token colour as a CSS string, e.g. `hsl(120, 75%, 76%)`.
 *
 * @example
 * ```ts
 * captumColor(-0.5); // 'hsl(0, 75%, 80%)'
 * ```
 */
export function captumColor(score: number): string {
  const { hue, saturation, lightness } = captumHsl(score);
  return `hsl(${hue}, ${saturation}%, ${lightness}%)`;
}

/** Names of the d3 diverging schemes offered for tokens (negative end first). */
export type DivergingScheme = 'RdYlGn' | 'PiYG' | 'PRGn' | 'RdBu' | 'RdYlBu' | 'BrBG';

const SCHEMES: Record<DivergingScheme, (t: number) => string> = {
  RdYlGn: interpolateRdYlGn,
  PiYG: interpolatePiYG,
  PRGn: interpolatePRGn,
  RdBu: interpolateRdBu,
  RdYlBu: interpolateRdYlBu,
  BrBG: interpolateBrBG,
};

/** Whether `name` is one of the {@link DivergingScheme} names. */
export function isDivergingScheme(name: string): name is DivergingScheme {
  return Object.prototype.hasOwnProperty.call(SCHEMES, name);
}

/**
 * A d3 diverging colour scale over [-1, 0, 1]: negative scores at the scheme's first end,
 * zero at its (light) middle, positive at its last end. Scores outside [-1, 1] are clamped.
 *
 * @example
 * ```ts
 * const scale = divergingColorScale('PiYG');
 * scale(0.5); // 'rgb(…)' in the green half
 * ```
 */
export function divergingColorScale(scheme: DivergingScheme = 'RdYlGn'): (score: number) => string {
  const scale = scaleDiverging(SCHEMES[scheme]).domain([-1, 0, 1]).clamp(true);
  return (score: number) => scale(Number.isNaN(score) ? 0 : score);
}

/** How tokens are coloured: captum's formula, a d3 diverging scheme, or the theme's fading ramp ({@link themeRamp}). */
export type TokenColorScale = 'captum' | 'diverging' | 'ramp';

/**
 * The background colour of a token for the chosen scale.
 *
 * @example
 * ```ts
 * tokenColor(0.3);                        // 'hsl(120, 75%, 85%)'
 * tokenColor(0.3, 'diverging', 'PiYG');   // a PiYG green
 * tokenColor(0.3, 'ramp', 'RdYlGn', 'dark'); // a faint green on the dark background
 * ```
 */
export function tokenColor(
  score: number,
  scale: TokenColorScale = 'captum',
  scheme: DivergingScheme = 'RdYlGn',
  theme: ColorTheme = 'light',
): string {
  if (scale === 'ramp') return themeRamp(theme)(score);
  return scale === 'diverging' ? divergingColorScale(scheme)(score) : captumColor(score);
}

/**
 * Black or white, whichever reads better on `background` (WCAG relative luminance).
 * captum always writes black; that stays readable on its colours (lightness >= 50%), but
 * the dark ends of d3 schemes need white text.
 *
 * @example
 * ```ts
 * readableTextColor('hsl(120, 75%, 50%)'); // '#000'
 * ```
 */
export function readableTextColor(background: string): '#000' | '#fff' {
  const c = parseColor(background);
  if (!c) return '#000';
  const { r, g, b } = c.rgb();
  const lin = (v: number): number => {
    const x = v / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  // Contrast against black is (L + 0.05) / 0.05, against white 1.05 / (L + 0.05): equal at L ~ 0.179.
  return luminance > 0.179 ? '#000' : '#fff';
}

/**
 * Any CSS colour as `rgb(r, g, b)`, the form `getComputedStyle` reports, so tests can compare
 * a rendered background with {@link captumColor}.
 *
 * @example
 * ```ts
 * toRgbString('hsl(120, 75%, 50%)'); // 'rgb(32, 223, 32)'
 * ```
 */
export function toRgbString(css: string): string {
  const c = parseColor(css);
  if (!c) throw new InputError(`not a CSS colour: ${css}`, { code: 'invalid-color' });
  const { r, g, b } = c.rgb();
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** Light or dark page colours. */
export type ColorTheme = 'light' | 'dark';

/** Backgrounds the ramp fades into and token text colours, per theme (the theme CSS uses the same). */
export const RAMP_THEME: Record<ColorTheme, { background: string; text: string; negative: string; positive: string }> = {
  // Saturated ends dark enough on white to stay light behind black text: contrast >= 4.5:1.
  light: { background: '#ffffff', text: '#000000', negative: '#ef5350', positive: '#43a047' },
  // Saturated ends dark enough behind light text.
  dark: { background: '#161616', text: '#ececec', negative: '#b3372f', positive: '#27702c' },
};

/**
 * WCAG relative luminance of any CSS colour (0 black .. 1 white).
 *
 * @example
 * ```ts
 * relativeLuminance('#ffffff'); // 1
 * ```
 */
export function relativeLuminance(css: string): number {
  const c = parseColor(css);
  if (!c) return 0;
  const { r, g, b } = c.rgb();
  const lin = (v: number): number => {
    const x = Math.max(0, Math.min(255, v)) / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/**
 * WCAG contrast ratio of two CSS colours (1 .. 21).
 *
 * @example
 * ```ts
 * contrastRatio('#000', '#fff'); // 21
 * ```
 */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * A d3 diverging ramp for a theme: zero is the page background (so near-zero scores fade into
 * it), -1 and 1 are saturated red and green that keep at least 4.5:1 contrast with the theme's
 * token text, interpolated in Lab so the contrast changes monotonically. Scores are clamped.
 *
 * @example
 * ```ts
 * const ramp = themeRamp('dark');
 * ramp(0);   // 'rgb(22, 22, 22)' - the dark background
 * ramp(0.8); // a dark green, readable under light text
 * ```
 */
export function themeRamp(theme: ColorTheme): (score: number) => string {
  const t = RAMP_THEME[theme];
  const scale = scaleDiverging(piecewise(interpolateLab, [t.negative, t.background, t.positive])).domain([-1, 0, 1]).clamp(true);
  return (score: number) => scale(Number.isNaN(score) ? 0 : score);
}
