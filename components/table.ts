/**
 * `<gradscope-table>`: captum's attribution table, one row per explained target.
 */
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ExplanationResult } from '../src/types.js';
import { LEGEND } from '../src/viz/html-export.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { type TableRow, UNKNOWN_LABEL, formatPredicted, formatScore, tableRows } from '../src/viz/table-rows.js';
import { formatDelta } from '../src/viz/summary.js';
import type { DivergingScheme, TokenColorScale } from '../src/viz/text-colors.js';
import { captumColor } from '../src/viz/text-colors.js';
import { ResultElement } from './result-source.js';
import { tableStyles } from './table.styles.js';

/**
 * captum's table (True Label, Predicted Label, Attribution Label, Attribution Score, Word
 * Importance) for any text result: one row for sequence classification, one per label for
 * multi-label and zero-shot, start and end rows for QA, one per token for NER. The word
 * cells are `<gradscope-tokens>` elements, so tokens are keyboard reachable with tooltips
 * (`components/index.ts` registers both).
 *
 * @example
 * ```html
 * <gradscope-table result='{"tokens": [...], "wordAttributions": {...}, "predictedLabel": "sports", ...}'></gradscope-table>
 * ```
 *
 * @tag gradscope-table
 * @fires gradscope-token-focus - Bubbles from the word cells; `detail.target` is the row key.
 * @csspart table - The table.
 * @csspart legend - The Negative / Neutral / Positive legend.
 * @csspart row - Each body row.
 * @cssprop --gradscope-border - Cell border colour.
 * @cssprop --gradscope-header-bg - Header background.
 */
export class GradscopeTable extends ResultElement {
  static override styles = tableStyles;

  static override properties: PropertyDeclarations = {
    results: { attribute: false },
    noLegend: { type: Boolean, attribute: 'no-legend' },
    scale: { type: String },
    scheme: { type: String },
    mergeSubwords: { type: Boolean, attribute: 'merge-subwords' },
    hideSpecial: { type: Boolean, attribute: 'hide-special' },
    specialTokens: { type: String, attribute: 'special-tokens' },
    caption: { type: String },
  };

  /** Several results in one table (rows appended in order); `result` is used when unset. */
  results: ExplanationResult[] | undefined;
  /** Hide the legend. */
  noLegend = false;
  /** Token colours: `auto` (default: captum's, the fading ramp in the dark theme), `captum`, `ramp` or `diverging`. */
  scale: TokenColorScale | 'auto' = 'auto';
  /** d3 scheme for `scale="diverging"`. */
  scheme: DivergingScheme = 'RdYlGn';
  /** Merge word pieces into words in the Word Importance column. */
  mergeSubwords = false;
  /** Leave special tokens out of the Word Importance column. */
  hideSpecial = false;
  /** `captum` shows `<s>` as `#s`; `raw` leaves tokens as they are. */
  specialTokens: 'captum' | 'raw' = 'captum';
  /** Optional table caption. */
  caption: string | undefined;

  /** The rows currently shown. */
  get rows(): TableRow[] {
    const list = this.results ?? (this.result ? [this.result] : []);
    return list.filter((r) => detectResultKind(r) !== 'image').flatMap((r) => tableRows(r));
  }

  override render(): TemplateResult {
    const rows = this.rows;
    if (rows.length === 0) return html`<p class="gs-empty">No text attributions to show.</p>`;
    // Columns that say nothing (every cell n/a or empty) are left out.
    const blank = (v: string): boolean => v === '' || v === UNKNOWN_LABEL;
    const cols = {
      trueLabel: !rows.every((r) => blank(r.trueLabel)),
      predicted: !rows.every((r) => blank(formatPredicted(r))),
      delta: rows.some((r) => r.delta !== undefined && r.delta !== null),
    };
    return html`${this.noLegend
        ? nothing
        : html`<div class="gs-legend" part="legend"><b>Legend: </b>${LEGEND.map(
            (l) => html`<span class="gs-legend-item"><span class="gs-swatch" style="background-color: ${captumColor(l.score)}" aria-hidden="true"></span>${l.label}</span> `,
          )}</div>`}
      <div>
        <table class="gs-table" part="table">
          ${this.caption ? html`<caption>${this.caption}</caption>` : nothing}
          <thead>
            <tr>
              ${cols.trueLabel ? html`<th scope="col">True Label</th>` : nothing}
              ${cols.predicted ? html`<th scope="col">Predicted Label</th>` : nothing}
              <th scope="col">Attribution Label</th>
              <th scope="col">Attribution Score</th>
              ${cols.delta ? html`<th scope="col">Delta</th>` : nothing}
              <th scope="col">Word Importance</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) => html`<tr part="row" data-key=${r.key}>
                ${cols.trueLabel ? html`<td class="gs-label" data-label="True Label">${r.trueLabel}</td>` : nothing}
                ${cols.predicted ? html`<td class="gs-label" data-label="Predicted Label">${formatPredicted(r)}</td>` : nothing}
                <td class="gs-label" data-label="Attribution Label">${r.attributionLabel}</td>
                <td class="gs-label" data-label="Attribution Score">${formatScore(r.attributionScore)}</td>
                ${cols.delta ? html`<td class="gs-label gs-delta" data-label="Delta">${r.delta === undefined ? '' : formatDelta(r.delta)}</td>` : nothing}
                <td class="gs-words">
                  <gradscope-tokens
                    .attributions=${r.wordAttributions}
                    .target=${r.key}
                    .scale=${this.scale}
                    .scheme=${this.scheme}
                    .mergeSubwords=${this.mergeSubwords}
                    .hideSpecial=${this.hideSpecial}
                    .specialTokens=${this.specialTokens}
                    .label=${`Word importance for ${r.attributionLabel}`}
                    theme=${this.theme ?? nothing}
                  ></gradscope-tokens>
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-table': GradscopeTable;
  }
}
