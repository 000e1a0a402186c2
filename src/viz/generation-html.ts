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

/** Styles of {@link generationFragment} (constant text, no user data). */
export const GENERATION_CSS = `.gs-gen-text .gs-generated { text-decoration: underline; }
.gs-gen table { border-collapse: collapse; font-size: 0.85em; }
.gs-gen th, .gs-gen td { border: 1px solid var(--gradscope-border); padding: 0.2em 0.4em; white-space: pre; }
.gs-gen th.gs-generated { font-style: italic; }
.gs-gen .gs-bar { height: 12px; width: 320px; margin-top: 1em; }
.gs-gen .gs-ticks { position: relative; width: 320px; height: 1.2em; font-size: 0.8em; color: var(--gradscope-muted); }
.gs-gen .gs-ticks span { position: absolute; transform: translateX(-50%); }
.gs-gen .gs-scroll { overflow-x: auto; }`;

/**
 * One result as an HTML fragment: prompt and continuation, the target x source heat map and
 * its colour bar (see {@link GENERATION_CSS}); every token escaped.
 *
 * @example
 * container.innerHTML = generationFragment(result);
 */
export function generationFragment(result: TextGenerationResult): string {
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
  return `<section class="gs-gen"><p class="gs-gen-text">${escapeHtml(result.prompt)}<span class="gs-generated">${escapeHtml(result.generatedText)}</span></p>
<div class="gs-scroll"><table>
<thead>${head}</thead>
<tbody>
${rows}
</tbody></table></div>
<div class="gs-bar" style="background:${cssGradient(m.bar)}"></div><div class="gs-ticks">${ticks}</div></section>`;
}
