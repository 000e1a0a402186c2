/**
 * `<gradscope-tokens>`: a text's tokens highlighted by attribution score.
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { WordAttribution } from '../src/types.js';
import { type MergedToken, mergeSubwords, unmergedTokens } from '../src/viz/subwords.js';
import { formatSpecialToken, tableRows } from '../src/viz/table-rows.js';
import { type DivergingScheme, type TokenColorScale, isDivergingScheme, readableTextColor, tokenColor } from '../src/viz/text-colors.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { ResultElement } from './result-source.js';
import { tokensStyles } from './tokens.styles.js';

/** Detail of the `gradscope-token-focus` event. */
export interface TokenFocusDetail {
  /** Position among the displayed tokens (words, when merged). */
  index: number;
  /** Displayed text. */
  text: string;
  /** Score (sum of the pieces' scores when merged). */
  score: number;
  /** Positions of the underlying tokens in the attribution list. */
  pieces: number[];
  /** The underlying tokens. */
  pieceTokens: string[];
  /** Which row/target of the result is shown (label, `start`/`end`, token index), if any. */
  target: string | undefined;
  /** What moved the focus. */
  source: 'focus' | 'hover';
}

let tooltipIds = 0;

/** Accessible text for a token: "token love, attribution 0.48". */
export function tokenAriaLabel(text: string, score: number): string {
  return `token ${text}, attribution ${score.toFixed(2)}`;
}

/**
 * Tokens highlighted by attribution score, captum's colours by default.
 *
 * Give it a `result` (property, JSON attribute or JSON script child) or plain
 * `attributions` (`[token, score]` pairs). For results with several targets (multi-label,
 * zero-shot, QA, NER) `target` picks one (label name, `start`/`end`, token index); the first
 * is shown otherwise.
 *
 * Keyboard: Tab enters the token list, arrow keys / Home / End move between tokens, Escape
 * hides the tooltip. The tooltip shows on hover and on focus.
 *
 * @example
 * ```html
 * <gradscope-tokens merge-subwords>
 *   <script type="application/json">{"tokens": [...], "wordAttributions": [["love", 0.48]], ...}</script>
 * </gradscope-tokens>
 * ```
 *
 * @tag gradscope-tokens
 * @fires gradscope-token-focus - A token got focus or the pointer; detail: {@link TokenFocusDetail}.
 * @csspart tokens - The token list.
 * @csspart token - Each token.
 * @csspart tooltip - The tooltip.
 * @cssprop --gradscope-token-fg - Token text colour (captum scale).
 * @cssprop --gradscope-token-radius - Token corner radius.
 * @cssprop --gradscope-focus - Focus ring colour.
 * @cssprop --gradscope-tooltip-bg - Tooltip background.
 * @cssprop --gradscope-tooltip-fg - Tooltip text colour.
 */
export class GradscopeTokens extends ResultElement {
  static override styles = tokensStyles;

  static override properties: PropertyDeclarations = {
    attributions: { attribute: false },
    target: { type: String },
    scale: { type: String },
    scheme: { type: String },
    mergeSubwords: { type: Boolean, attribute: 'merge-subwords' },
    specialTokens: { type: String, attribute: 'special-tokens' },
    label: { type: String },
    _active: { state: true, attribute: false },
    _tipVisible: { state: true, attribute: false },
  };

  /** `[token, score]` pairs to show; used when no `result` is set. */
  attributions: WordAttribution[] | undefined;
  /** Which target of a multi-target result to show (row key as in `tableRows`). */
  target: string | undefined;
  /** `captum` (default) or `diverging` (a d3 scheme, see `scheme`). */
  scale: TokenColorScale = 'captum';
  /** d3 diverging scheme for `scale="diverging"`. Default `RdYlGn`. */
  scheme: DivergingScheme = 'RdYlGn';
  /** Merge word pieces (`##x`, `Ġ`/`▁` markers) into words, summing their scores. */
  mergeSubwords = false;
  /** `captum` shows `<s>` as `#s` (like captum); `raw` shows tokens as they are. */
  specialTokens: 'captum' | 'raw' = 'captum';
  /** Accessible name of the token list. */
  label = 'Word importance';

  private _active = 0;
  private _tipVisible = false;
  private readonly _tipId = `gradscope-tip-${++tooltipIds}`;

  /** The displayed units (tokens or merged words) for the current inputs. */
  get displayedTokens(): MergedToken[] {
    const list = this._attributionList();
    return this.mergeSubwords ? mergeSubwords(list) : unmergedTokens(list);
  }

  private _attributionList(): WordAttribution[] {
    const r = this.result;
    if (r === undefined) return this.attributions ?? [];
    if (detectResultKind(r) === 'image') return [];
    const rows = tableRows(r);
    const row = (this.target !== undefined ? rows.find((x) => x.key === this.target) : undefined) ?? rows[0];
    return row?.wordAttributions ?? [];
  }

  private _targetKey(): string | undefined {
    const r = this.result;
    if (r === undefined) return this.target;
    if (detectResultKind(r) === 'image') return undefined;
    const rows = tableRows(r);
    return ((this.target !== undefined ? rows.find((x) => x.key === this.target) : undefined) ?? rows[0])?.key;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('result') || changed.has('attributions') || changed.has('mergeSubwords') || changed.has('target')) {
      this._active = 0;
      this._tipVisible = false;
    }
  }

  private _color(score: number): { bg: string; fg: string | undefined } {
    const scheme = isDivergingScheme(this.scheme) ? this.scheme : 'RdYlGn';
    const bg = tokenColor(score, this.scale === 'diverging' ? 'diverging' : 'captum', scheme);
    return { bg, fg: this.scale === 'diverging' ? readableTextColor(bg) : undefined };
  }

  private _shown(text: string): string {
    return this.specialTokens === 'raw' ? text : formatSpecialToken(text);
  }

  override render(): TemplateResult {
    const r = this.result;
    if (r !== undefined && detectResultKind(r) === 'image') {
      return html`<p class="gs-empty">This result has no text attributions; use &lt;gradscope-image&gt;.</p>`;
    }
    const tokens = this.displayedTokens;
    if (tokens.length === 0) return html`<p class="gs-empty">No tokens to show.</p>`;
    const active = Math.min(this._active, tokens.length - 1);
    const current = tokens[active];
    return html`<div class="gs-tokens" part="tokens" role="listbox" aria-orientation="horizontal" aria-label=${this.label}
        @keydown=${this._onKeydown} @mouseleave=${this._onLeave} @focusout=${this._onFocusOut}>
        ${tokens.map((t, i) => {
          const { bg, fg } = this._color(t.score);
          const style = fg ? { backgroundColor: bg, color: fg } : { backgroundColor: bg };
          // Text bindings below are escaped by Lit; token text never goes through unsafeHTML.
          return html`<span class="gs-token ${i === active ? 'gs-active' : ''}" part="token" role="option"
              data-index=${i} tabindex=${i === active ? 0 : -1} aria-selected=${i === active ? 'true' : 'false'}
              aria-label=${tokenAriaLabel(t.text, t.score)}
              aria-describedby=${i === active && this._tipVisible ? this._tipId : nothing}
              style=${styleMap(style)} @focus=${() => this._activate(i, 'focus')} @mouseenter=${() => this._activate(i, 'hover')}
            >${this._shown(t.text)}</span>${' '}`;
        })}
        <div id=${this._tipId} class="gs-tooltip" part="tooltip" role="tooltip" ?hidden=${!this._tipVisible}>
          ${current
            ? html`<strong>${this._shown(current.text)}</strong> <span class="gs-tip-score">${current.score.toFixed(4)}</span>${current.pieces.length > 1
                  ? html`<br /><span>${current.pieceTokens.join(' ')}</span>`
                  : nothing}`
            : nothing}
        </div>
      </div>`;
  }

  protected override updated(): void {
    if (!this._tipVisible) return;
    const root = this.renderRoot as ShadowRoot;
    const tok = root.querySelector<HTMLElement>(`.gs-token[data-index="${Math.min(this._active, this.displayedTokens.length - 1)}"]`);
    const tip = root.querySelector<HTMLElement>('.gs-tooltip');
    if (!tok || !tip) return;
    // Above the token, unless that would leave the element (first line): then below it.
    const below = tok.offsetTop < tip.offsetHeight + 8;
    tip.classList.toggle('gs-below', below);
    tip.style.left = `${tok.offsetLeft + tok.offsetWidth / 2}px`;
    tip.style.top = `${below ? tok.offsetTop + tok.offsetHeight : tok.offsetTop}px`;
  }

  private _activate(i: number, source: 'focus' | 'hover'): void {
    this._active = i;
    this._tipVisible = true;
    const t = this.displayedTokens[i];
    if (!t) return;
    const detail: TokenFocusDetail = { index: i, text: t.text, score: t.score, pieces: t.pieces, pieceTokens: t.pieceTokens, target: this._targetKey(), source };
    this.dispatchEvent(new CustomEvent<TokenFocusDetail>('gradscope-token-focus', { detail, bubbles: true, composed: true }));
  }

  private _focusToken(i: number): void {
    const n = this.displayedTokens.length;
    if (n === 0) return;
    const next = Math.max(0, Math.min(n - 1, i));
    this._active = next;
    void this.updateComplete.then(() => {
      (this.renderRoot as ShadowRoot).querySelector<HTMLElement>(`.gs-token[data-index="${next}"]`)?.focus();
    });
  }

  private _onKeydown(e: KeyboardEvent): void {
    const keys: Record<string, number> = { ArrowRight: this._active + 1, ArrowDown: this._active + 1, ArrowLeft: this._active - 1, ArrowUp: this._active - 1, Home: 0, End: this.displayedTokens.length - 1 };
    if (e.key === 'Escape') {
      this._tipVisible = false;
      return;
    }
    const to = keys[e.key];
    if (to === undefined) return;
    e.preventDefault();
    this._focusToken(to);
  }

  private _onLeave(): void {
    const focused = (this.renderRoot as ShadowRoot).activeElement;
    if (!focused) this._tipVisible = false;
  }

  private _onFocusOut(e: FocusEvent): void {
    const to = e.relatedTarget as Node | null;
    if (!to || !(this.renderRoot as ShadowRoot).contains(to)) this._tipVisible = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-tokens': GradscopeTokens;
  }
}
