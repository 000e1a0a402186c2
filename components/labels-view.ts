/**
 * `<gradscope-labels>`: zero-shot and multi-label results as a ranked label list.
 */
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { MultiLabelResult, ZeroShotResult } from '../src/types.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { rankedLabels } from '../src/viz/summary.js';
import { labelsViewStyles } from './labels-view.styles.js';
import { TextViewElement } from './text-view.js';

/** Detail of `gradscope-label-select`. */
export interface LabelSelectDetail {
  label: string;
}

/**
 * The candidate labels, best first (name, score, the winner marked), and the attributions of
 * the chosen label painted on the text. Choose another label with its button (Tab / Enter).
 *
 * @example
 * ```html
 * <gradscope-labels><script type="application/json">{ "predictedLabel": "sports", ... }</script></gradscope-labels>
 * ```
 *
 * @tag gradscope-labels
 * @fires gradscope-label-select - A label was chosen; detail: {@link LabelSelectDetail}.
 * @csspart labels - The label list.
 * @csspart label - Each label button.
 */
export class GradscopeLabels extends TextViewElement {
  static override styles = labelsViewStyles;

  static override properties: PropertyDeclarations = {
    ...TextViewElement.properties,
    label: { type: String, reflect: true },
  };

  /** The label whose attributions are shown; default the top one. */
  label: string | undefined;

  override render(): TemplateResult {
    const r = this.result;
    const kind = r ? detectResultKind(r) : undefined;
    if (!r || (kind !== 'zero-shot' && kind !== 'multi-label')) return html`<p class="gs-empty">No zero-shot or multi-label result to show.</p>`;
    const res = r as ZeroShotResult | MultiLabelResult;
    const ranked = rankedLabels(res);
    const chosen = ranked.find((l) => l.label === this.label)?.label ?? ranked[0]?.label;
    const zeroShot = kind === 'zero-shot';
    const delta = chosen !== undefined ? res.deltas[chosen] : undefined;
    return html`<p class="gs-summary" part="summary">
        ${zeroShot ? html`Predicted label: <strong>${(res as ZeroShotResult).predictedLabel}</strong>` : html`Labels scored one by one (sigmoid); 0.5 or more counts as predicted.`}
      </p>
      <ul class="gs-labels" part="labels" aria-label=${zeroShot ? 'Candidate labels, best first' : 'Labels, best first'}>
        ${ranked.map(
          (l) => html`<li>
            <button type="button" class="gs-label-button ${l.winner ? 'gs-winner' : ''}" part="label" data-label=${l.label}
              aria-pressed=${l.label === chosen ? 'true' : 'false'} @click=${() => this._choose(l.label)}>
              <span class="gs-label-name">${l.label}${l.winner ? html` <span aria-hidden="true">★</span><span class="gs-visually-hidden"> (top)</span>` : nothing}${!zeroShot && l.predicted ? ' · predicted' : nothing}</span>
              <span class="gs-label-score">${l.score.toFixed(3)}${zeroShot && l.probability !== undefined ? html` <span class="gs-note-inline">(p ${l.probability.toFixed(2)})</span>` : nothing}</span>
              <span class="gs-bar" aria-hidden="true"><span style="width: ${(Math.max(0, Math.min(1, l.score)) * 100).toFixed(1)}%"></span></span>
            </button>
          </li>`,
        )}
      </ul>
      ${chosen !== undefined
        ? html`<p class="gs-section-title">Attributions for <q>${chosen}</q></p>${this.tokensFor(chosen, `Word importance for ${chosen}`)}${this.convergence(delta, res.autoSteps)}`
        : nothing}`;
  }

  private _choose(label: string): void {
    this.label = label;
    this.dispatchEvent(new CustomEvent<LabelSelectDetail>('gradscope-label-select', { detail: { label }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-labels': GradscopeLabels;
  }
}
