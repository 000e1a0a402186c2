/**
 * `<gradscope-sequence>`: a sequence or pair classification, its prediction and its words.
 */
import { html, type TemplateResult } from 'lit';
import type { SequenceClassificationResult } from '../src/types.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { sequenceViewStyles } from './sequence-view.styles.js';
import { TextViewElement } from './text-view.js';

/**
 * The prediction of a (pair) sequence classifier and the words that drove it, painted on the
 * text the caller passed (`granularity="tokens"` for token chips). `<gradscope-table>` shows
 * the same result as captum's table.
 *
 * @example
 * ```html
 * <gradscope-sequence><script type="application/json">{ "wordAttributions": [...], ... }</script></gradscope-sequence>
 * ```
 *
 * @tag gradscope-sequence
 * @csspart summary - The prediction line.
 * @csspart convergence - The delta / auto-steps line.
 */
export class GradscopeSequence extends TextViewElement {
  static override styles = sequenceViewStyles;

  override render(): TemplateResult {
    const r = this.result;
    if (!r || detectResultKind(r) !== 'sequence') return html`<p class="gs-empty">No sequence-classification result to show.</p>`;
    const s = r as SequenceClassificationResult;
    const sameClass = s.attributionClassName === s.predictedClassName;
    return html`<p class="gs-summary" part="summary">
        Prediction: <strong>${s.predictedClassName}</strong> (${s.predictedProbability.toFixed(2)})${sameClass
          ? ''
          : html`; attributions explain <strong>${s.attributionClassName}</strong>`}
      </p>
      ${this.tokensFor(undefined, `Word importance for ${s.attributionClassName}`)}
      ${this.convergence(s.delta, s.autoSteps)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-sequence': GradscopeSequence;
  }
}
