/**
 * The target x source matrix of a text-generation explanation, as plain data for the HTML
 * export and the `<gradscope-generation>` element: one row per target token, one column per
 * source position (prompt tokens, then the generated tokens), each cell a score and its colour
 * on a symmetric diverging d3 scale shared by the whole matrix.
 *
 * @module
 */
import type { TextGenerationResult } from '../explainers/text/generation/types.js';
import { colorBar, type ColorBar } from './color-bar.js';
import { type Colormap, cssColor, linearColormap, rdWhGn } from './colormap.js';
import { type ColorTheme, RAMP_THEME, readableTextColor } from './text-colors.js';

/** The dark theme's map: near-zero scores fade into the dark background (red, background, green). */
function darkMap(): Colormap {
  const t = RAMP_THEME.dark;
  return linearColormap('gradscope-dark-ramp', [t.negative, t.background, t.positive]);
}

/** One cell: undefined score where the source comes after the target (never attributed). */
export interface MatrixCell {
  score: number | undefined;
  background: string;
  foreground: '#000' | '#fff';
}

/** The matrix and its colour scale. */
export interface GenerationMatrix {
  /** Column labels: prompt tokens then target tokens. */
  sources: string[];
  /** Number of leading columns that are prompt tokens. */
  promptLength: number;
  /** Row labels. */
  targets: string[];
  cells: MatrixCell[][];
  /** The scale runs from -maxAbs to maxAbs. */
  maxAbs: number;
  bar: ColorBar;
}

/**
 * Builds the matrix of a result. `theme: 'dark'` uses a ramp whose zero is the dark
 * background, so near-zero cells fade into the page instead of shining white.
 *
 * @example
 * const m = generationMatrix(result);
 * m.cells[0][0].background; // 'rgb(...)'
 */
export function generationMatrix(result: Pick<TextGenerationResult, 'promptTokens' | 'targetTokens' | 'tokenAttributions'>, theme: ColorTheme = 'light'): GenerationMatrix {
  const sources = [...result.promptTokens, ...result.targetTokens];
  let maxAbs = 0;
  for (const row of result.tokenAttributions) for (const v of row) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const m = maxAbs > 0 ? maxAbs : 1;
  const cmap = theme === 'dark' ? darkMap() : rdWhGn();
  const cells = result.tokenAttributions.map((row) =>
    sources.map((_, j): MatrixCell => {
      const score = j < row.length ? row[j] : undefined;
      const background = score === undefined || !Number.isFinite(score) ? 'transparent' : cssColor(cmap, score, -m, m);
      return { score, background, foreground: background === 'transparent' ? '#000' : readableTextColor(background) };
    }),
  );
  return { sources, promptLength: result.promptTokens.length, targets: [...result.targetTokens], cells, maxAbs, bar: colorBar(cmap, -m, m) };
}
