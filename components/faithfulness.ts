/**
 * `<gradscope-faithfulness>`: the faithfulness numbers of a result (`evaluate: true`) with one
 * line on how to read them.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { faithfulnessRows } from '../src/viz/faithfulness-rows.js';
import { faithfulnessStyles } from './faithfulness.styles.js';
import { ResultElement } from './result-source.js';

/**
 * Shows comprehensiveness, sufficiency and tau-LOO per explained target of a text result, or
 * the deletion and insertion AOPC of an image result; renders nothing for a result that was
 * not evaluated. Labels are rendered as text (escaped by Lit).
 *
 * @example
 * ```html
 * <gradscope-faithfulness result='{"faithfulness": {"aopcComprehensiveness": 0.4, ...}, ...}'></gradscope-faithfulness>
 * ```
 *
 * @tag gradscope-faithfulness
 * @csspart table - The numbers.
 * @csspart hint - The line on how to read them.
 */
export class GradscopeFaithfulness extends ResultElement {
  static override styles = faithfulnessStyles;

  override render(): TemplateResult | typeof nothing {
    if (!this.result) return nothing;
    const { rows, hint } = faithfulnessRows(this.result);
    if (rows.length === 0) return nothing;
    const showTarget = rows.length > 1 || rows[0].target !== '';
    return html`<div class="gs-scroll">
        <table class="gs-table" part="table">
          <caption>Faithfulness</caption>
          <thead>
            <tr>
              ${showTarget ? html`<th scope="col">Target</th>` : nothing}
              ${rows[0].cells.map((c) => html`<th scope="col" title=${c.title}>${c.name}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) => html`<tr>
                ${showTarget ? html`<th scope="row" class="gs-label">${r.target}</th>` : nothing}
                ${r.cells.map((c) => html`<td class="gs-num">${c.value}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p class="gs-hint" part="hint">${hint}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-faithfulness': GradscopeFaithfulness;
  }
}
