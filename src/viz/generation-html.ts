/**
 * Standalone HTML of a text-generation explanation: the prompt and generated text, then the
 * target x source heat map with its colour bar. Every token is escaped.
 *
 * @module
 */
import type { TextGenerationResult } from '../explainers/text/generation/types.js';
import { cssGradient } from './color-bar.js';
import { escapeHtml } from './escape.js';
import { generationMatrix } from './generation-matrix.js';
import { htmlDocument } from './html-export.js';

/**
 * The page for one result.
 *
 * @example
 * await writeFile('generation.html', generationHtml(result));
 */
export function generationHtml(result: TextGenerationResult, options: { title?: string; theme?: 'auto' | 'light' | 'dark' } = {}): string {
  const m = generationMatrix(result);
  const head = `<tr><th scope="col">target \\ source</th>${m.sources
    .map((s, j) => `<th scope="col" class="${j < m.promptLength ? 'gs-prompt' : 'gs-generated'}">${escapeHtml(s)}</th>`)
    .join('')}</tr>`;
  const rows = m.cells
    .map((row, i) => {
      const lp = result.targetLogProbs[i];
      const label = `${m.targets[i]} (log p ${lp === undefined ? '?' : lp.toFixed(3)})`;
      const tds = row
        .map((c) => (c.score === undefined ? '<td class="gs-empty"></td>' : `<td style="background:${c.background};color:${c.foreground}" title="${c.score.toFixed(5)}">${c.score.toFixed(3)}</td>`))
        .join('');
      return `<tr><th scope="row">${escapeHtml(label)}</th>${tds}</tr>`;
    })
    .join('\n');
  const ticks = m.bar.ticks.map((t) => `<span style="left:${(t.offset * 100).toFixed(2)}%">${escapeHtml(t.label)}</span>`).join('');
  return htmlDocument({
    title: options.title ?? 'gradscope generation explanation',
    theme: options.theme ?? 'auto',
    css: `.gs-text .gs-generated { text-decoration: underline; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid var(--gradscope-border); padding: 0.2em 0.4em; white-space: pre; }
th.gs-generated { font-style: italic; }
.gs-bar { height: 12px; width: 320px; margin-top: 1em; }
.gs-ticks { position: relative; width: 320px; height: 1.2em; font-size: 0.8em; color: var(--gradscope-muted); }
.gs-ticks span { position: absolute; transform: translateX(-50%); }
.gs-scroll { overflow-x: auto; }`,
    body: `<p class="gs-text">${escapeHtml(result.prompt)}<span class="gs-generated">${escapeHtml(result.generatedText)}</span></p>
<div class="gs-scroll"><table>
<thead>${head}</thead>
<tbody>
${rows}
</tbody></table></div>
<div class="gs-bar" style="background:${cssGradient(m.bar)}"></div><div class="gs-ticks">${ticks}</div>`,
  });
}
