/**
 * Base of the per-task text views: the display options they pass to their
 * `<gradscope-tokens>` and the convergence line. Not registered as an element.
 */
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { convergenceText } from '../src/viz/summary.js';
import type { DivergingScheme, TokenColorScale } from '../src/viz/text-colors.js';
import type { AutoStepsInfo } from '../src/types.js';
import { ResultElement } from './result-source.js';
import type { Granularity } from './tokens.js';

export class TextViewElement extends ResultElement {
  static override properties: PropertyDeclarations = {
    ...ResultElement.properties,
    granularity: { type: String, reflect: true },
    scale: { type: String },
    scheme: { type: String },
    hideSpecial: { type: Boolean, attribute: 'hide-special' },
    mergeSubwords: { type: Boolean, attribute: 'merge-subwords' },
  };

  /** `words` (default): words painted on the caller's text; `tokens`: one chip per token. */
  granularity: Granularity = 'words';
  /** Token colours (see `<gradscope-tokens>`). */
  scale: TokenColorScale | 'auto' = 'auto';
  /** d3 scheme for `scale="diverging"`. */
  scheme: DivergingScheme = 'RdYlGn';
  /** Leave special tokens out of the token view. */
  hideSpecial = false;
  /** Merge word pieces in the token view. */
  mergeSubwords = false;

  /** A `<gradscope-tokens>` for one target of the result, with this element's options. */
  protected tokensFor(target: string | undefined, label: string): TemplateResult {
    return html`<gradscope-tokens
      .result=${this.result}
      .target=${target}
      .granularity=${this.granularity}
      .scale=${this.scale}
      .scheme=${this.scheme}
      .hideSpecial=${this.hideSpecial}
      .mergeSubwords=${this.mergeSubwords}
      .label=${label}
      theme=${this.theme ?? nothing}
    ></gradscope-tokens>`;
  }

  /** The delta / auto-steps line, or nothing. */
  protected convergence(delta: number | undefined, auto: AutoStepsInfo | undefined): TemplateResult | typeof nothing {
    const text = convergenceText(delta, auto);
    return text ? html`<p class="gs-note" part="convergence">${text}</p>` : nothing;
  }
}
