/**
 * Standalone HTML for results: captum's attribution table for text results, the picture
 * and colour bar for image results. Every piece of token and label text is escaped.
 *
 * @module
 */
import type { ExplanationResult, ImageClassificationResult, TextGenerationResult, WordAttribution } from '../types.js';
import { GENERATION_CSS, generationFragment } from './generation-html.js';
import { colorBar, cssGradient } from './color-bar.js';
import { escapeHtml } from './escape.js';
import { type ImageVizOptions, visualizeImageResult } from './image.js';
import { pngDataUrl } from './png.js';
import { detectResultKind } from './result-kind.js';
import { type TableRow, formatPredicted, formatScore, formatSpecialToken, tableRows } from './table-rows.js';
import { captumColor } from './text-colors.js';
import { TABLE_CSS, themeCss } from './theme-css.js';

/** Options of {@link visualizeHtml}. */
export interface HtmlExportOptions {
  /** Document title. Default `gradscope explanation`. */
  title?: string;
  /** Show the Negative / Neutral / Positive legend. Default true. */
  legend?: boolean;
  /** `captum` shows `<s>` as `#s` like captum does; `raw` shows tokens as they are. Default `captum`. */
  specialTokens?: 'captum' | 'raw';
  /** Pin the colour scheme; default follows the reader's `prefers-color-scheme`. */
  theme?: 'auto' | 'light' | 'dark';
  /** Options for image results (method, sign, outlier percent, ...). */
  image?: ImageVizOptions;
}

/** The captum legend's three entries. */
export const LEGEND: readonly { label: string; score: number }[] = [
  { label: 'Negative', score: -1 },
  { label: 'Neutral', score: 0 },
  { label: 'Positive', score: 1 },
];

function tokenHtml([token, score]: WordAttribution, specialTokens: 'captum' | 'raw'): string {
  const shown = specialTokens === 'captum' ? formatSpecialToken(token) : token;
  const tip = `${token} (${score.toFixed(4)})`;
  return `<mark class="gs-token" style="background-color: ${captumColor(score)}" title="${escapeHtml(tip)}">${escapeHtml(shown)}</mark>`;
}

function rowHtml(r: TableRow, specialTokens: 'captum' | 'raw'): string {
  const cells = [r.trueLabel, formatPredicted(r), r.attributionLabel, formatScore(r.attributionScore)]
    .map((t) => `<td class="gs-label">${escapeHtml(t)}</td>`)
    .join('');
  const words = r.wordAttributions.map((wa) => tokenHtml(wa, specialTokens)).join(' ');
  return `<tr>${cells}<td class="gs-words">${words}</td></tr>`;
}

/**
 * The legend as an HTML fragment.
 *
 * @example
 * ```ts
 * legendHtml(); // '<div class="gs-legend"><b>Legend: </b>…</div>'
 * ```
 */
export function legendHtml(): string {
  const items = LEGEND.map(
    (l) => `<span class="gs-swatch" style="background-color: ${captumColor(l.score)}"></span>${escapeHtml(l.label)}`,
  ).join(' ');
  return `<div class="gs-legend"><b>Legend: </b>${items}</div>`;
}

/**
 * captum's table for one or more text results, as an HTML fragment (no `<style>`; see
 * {@link TABLE_CSS}).
 *
 * @example
 * ```ts
 * container.innerHTML = tableHtml([result]); // safe: all text is escaped
 * ```
 */
export function tableHtml(results: readonly ExplanationResult[], options: Pick<HtmlExportOptions, 'legend' | 'specialTokens'> = {}): string {
  const rows = results.flatMap((r) => tableRows(r));
  const head =
    '<tr><th scope="col">True Label</th><th scope="col">Predicted Label</th><th scope="col">Attribution Label</th>' +
    '<th scope="col">Attribution Score</th><th scope="col">Word Importance</th></tr>';
  const body = rows.map((r) => rowHtml(r, options.specialTokens ?? 'captum')).join('\n');
  const legend = options.legend ?? true ? legendHtml() : '';
  return `${legend}<table class="gs-table"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

function imageHtml(result: ImageClassificationResult, options: ImageVizOptions = {}): string {
  const viz = visualizeImageResult(result, options);
  const caption = `Prediction: ${result.predictedClassName} (${result.predictedProbability.toFixed(2)})`;
  const bar = viz.colorScale ? colorBar(viz.colorScale.colormap, viz.colorScale.vmin, viz.colorScale.vmax) : undefined;
  const barHtml = bar
    ? `<div class="gs-colorbar" style="background: ${cssGradient(bar)}; height: 12px; width: ${viz.panel.width}px; margin-left: ${
        viz.image.width - viz.panel.width
      }px"></div><div class="gs-ticks" style="position: relative; height: 1.2em; width: ${viz.panel.width}px; margin-left: ${
        viz.image.width - viz.panel.width
      }px">${bar.ticks
        .map((t) => `<span style="position: absolute; left: ${(t.offset * 100).toFixed(2)}%; transform: translateX(-50%)">${escapeHtml(t.label)}</span>`)
        .join('')}</div>`
    : '';
  const alt = `Attributions (${viz.method}, sign ${viz.sign}) for class ${result.attributionClassName}`;
  return `<figure class="gs-figure"><img src="${pngDataUrl(viz.image)}" width="${viz.image.width}" height="${viz.image.height}" alt="${escapeHtml(
    alt,
  )}">${barHtml}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/**
 * A standalone HTML document for one or more results: text results as captum's attribution
 * table (one row per explained target), image results as a PNG with colour bar and caption.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('explanation.html', visualizeHtml(result));
 * ```
 */
export function visualizeHtml(results: ExplanationResult | readonly ExplanationResult[], options: HtmlExportOptions = {}): string {
  const list: readonly ExplanationResult[] = Array.isArray(results) ? results : [results as ExplanationResult];
  const text = list.filter((r) => detectResultKind(r) !== 'image' && detectResultKind(r) !== 'generation');
  const generations = list.filter((r): r is TextGenerationResult => detectResultKind(r) === 'generation');
  const images = list.filter((r): r is ImageClassificationResult => detectResultKind(r) === 'image');
  const parts: string[] = [];
  if (text.length > 0) parts.push(tableHtml(text, options));
  for (const img of images) parts.push(imageHtml(img, options.image));
  for (const gen of generations) parts.push(generationFragment(gen));
  return htmlDocument({
    title: options.title ?? 'gradscope explanation',
    theme: options.theme ?? 'auto',
    css: `.gs-figure { display: inline-block; margin: 1em 0; }
.gs-figure img { image-rendering: pixelated; display: block; }
.gs-ticks { font-size: 0.8em; color: var(--gradscope-muted); }
${TABLE_CSS}
${GENERATION_CSS}`,
    body: parts.join('\n'),
  });
}

/**
 * The standalone page around already escaped `body` HTML: theme variables, page colours and
 * `css` (constant stylesheet text, never user data).
 *
 * @example
 * htmlDocument({ title: 'x', theme: 'auto', css: '', body: '<p>hi</p>' });
 */
export function htmlDocument(page: { title: string; theme: 'auto' | 'light' | 'dark'; css: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en"${page.theme === 'auto' ? '' : ` data-theme="${page.theme}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
${themeCss(':root')}
body { font-family: var(--gradscope-font); color: var(--gradscope-fg); background: var(--gradscope-bg); margin: 1.5em; }
${page.css}
</style>
</head>
<body>
${page.body}
</body>
</html>
`;
}
