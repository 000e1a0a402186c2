/**
 * `<gradscope-token-matrix>`: token classification as a matrix, explained tokens by input tokens.
 */
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { TokenClassificationResult } from '../src/types.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { isSpecialToken } from '../src/viz/subwords.js';
import { isDivergingScheme, tokenColor } from '../src/viz/text-colors.js';
import { TextViewElement } from './text-view.js';
import { tokenMatrixStyles } from './token-matrix.styles.js';

/** Detail of `gradscope-row-select`. */
export interface RowSelectDetail {
  /** Position of the explained token in the input. */
  index: number;
}

/**
 * One row per explained token (its predicted label), one column per input token, each cell
 * coloured by the attribution, with a colour bar. Choosing a row (its button; arrow keys move
 * between rows) shows that token's attributions painted on the text below.
 *
 * @example
 * ```html
 * <gradscope-token-matrix><script type="application/json">{ "predictedLabels": [...], ... }</script></gradscope-token-matrix>
 * ```
 *
 * @tag gradscope-token-matrix
 * @fires gradscope-row-select - A row was chosen; detail: {@link RowSelectDetail}.
 * @csspart matrix - The matrix table.
 * @csspart colorbar - The colour bar.
 * @csspart detail - The chosen row's attributions.
 */
export class GradscopeTokenMatrix extends TextViewElement {
  static override styles = tokenMatrixStyles;

  static override properties: PropertyDeclarations = {
    ...TextViewElement.properties,
    row: { type: Number, reflect: true },
  };

  /** Input position of the explained token whose attributions are shown below; default the first. */
  row: number | undefined;

  private _color(score: number): string {
    const scale = this.scale === 'auto' ? (this.effectiveTheme === 'dark' ? 'ramp' : 'captum') : this.scale;
    return tokenColor(score, scale, isDivergingScheme(this.scheme) ? this.scheme : 'RdYlGn', this.effectiveTheme);
  }

  override render(): TemplateResult {
    const r = this.result;
    if (!r || detectResultKind(r) !== 'token-classification') return html`<p class="gs-empty">No token-classification result to show.</p>`;
    const tc = r as TokenClassificationResult;
    const entries = tc.wordAttributions;
    if (entries.length === 0) return html`<p class="gs-empty">No token was explained.</p>`;
    const columns = tc.tokens.map((t, i) => ({ t, i })).filter((c) => !(this.hideSpecial && isSpecialToken(c.t)));
    const chosen = entries.find((e) => e.index === this.row) ?? entries[0];
    const stops = [-1, -0.5, 0, 0.5, 1].map((s, k) => `${this._color(s)} ${k * 25}%`).join(', ');
    return html`<p class="gs-summary" part="summary">${entries.length} explained token${entries.length === 1 ? '' : 's'}; choose a row to see its attributions on the text.</p>
      <div class="gs-colorbar" part="colorbar">
        <span>-1 (against)</span><span class="gs-colorbar-ramp" role="img" aria-label="Colour scale from -1 (against the label) through 0 to 1 (for the label)" style="background: linear-gradient(to right, ${stops})"></span><span>1 (for)</span>
      </div>
      <div class="gs-matrix-wrap" tabindex="0" role="region" aria-label="Attribution matrix (scrolls sideways)">
        <table class="gs-matrix" part="matrix">
          <caption class="gs-visually-hidden">Rows: explained tokens and their labels; columns: input tokens; cells: attribution.</caption>
          <thead>
            <tr>
              <td></td>
              ${columns.map((c) => html`<th scope="col" title=${c.t}>${c.t}</th>`)}
            </tr>
          </thead>
          <tbody @keydown=${this._onKeydown}>
            ${entries.map((e) => {
              const selected = e === chosen;
              return html`<tr data-index=${e.index} ?data-selected=${selected}>
                <th scope="row">
                  <button type="button" class="gs-row-button" data-index=${e.index} aria-pressed=${selected ? 'true' : 'false'}
                    tabindex=${selected ? 0 : -1} @click=${() => this._choose(e.index)}>${e.token} · ${e.label}</button>
                </th>
                ${columns.map((c) => {
                  const score = e.attributions[c.i]?.[1] ?? 0;
                  return html`<td class="gs-cell" data-score=${score} style=${styleMap({ backgroundColor: this._color(score) })}
                    title=${`${c.t}: ${score.toFixed(3)}`}><span class="gs-visually-hidden">${score.toFixed(2)}</span></td>`;
                })}
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <section part="detail" class="gs-detail">
        <p class="gs-section-title">${chosen.token} (position ${chosen.index}) → ${chosen.label}${chosen.probability !== undefined ? ` (p ${chosen.probability.toFixed(2)})` : ''}</p>
        ${this.tokensFor(String(chosen.index), `Word importance for ${chosen.token} (${chosen.index})`)}
        ${this.convergence(chosen.delta, tc.autoSteps)}
      </section>
      ${nothing}`;
  }

  private _choose(index: number): void {
    this.row = index;
    this.dispatchEvent(new CustomEvent<RowSelectDetail>('gradscope-row-select', { detail: { index }, bubbles: true, composed: true }));
  }

  private _onKeydown(e: KeyboardEvent): void {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...(this.renderRoot as ShadowRoot).querySelectorAll<HTMLButtonElement>('.gs-row-button')];
    const at = buttons.findIndex((b) => b === (this.renderRoot as ShadowRoot).activeElement);
    if (at < 0) return;
    e.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    this._choose(Number(next.dataset.index));
    void this.updateComplete.then(() => next.focus());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-token-matrix': GradscopeTokenMatrix;
  }
}
