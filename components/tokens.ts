/**
 * `<gradscope-tokens>`: a text's tokens highlighted by attribution score.
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { ExplanationResult, TextWord, WordAttribution } from '../src/types.js';
import { type MergedToken, isSpecialToken, mergeSubwords, unmergedTokens } from '../src/viz/subwords.js';
import { type TableRow, formatSpecialToken, tableRows } from '../src/viz/table-rows.js';
import {
  type DivergingScheme,
  type TokenColorScale,
  RAMP_THEME,
  isDivergingScheme,
  readableTextColor,
  tokenColor,
} from '../src/viz/text-colors.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { textRuns, wordsFitTexts } from '../src/viz/word-runs.js';
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

/** What is painted: words on the original text, or the tokens. */
export type Granularity = 'words' | 'tokens';

/** A displayed unit with, for words, where it sits in the input. */
interface Unit extends MergedToken {
  word?: TextWord;
}

/** The texts a result's words refer to, per segment, and what to call each one. */
function segmentTexts(result: ExplanationResult | undefined, key: string | undefined): { texts: (string | undefined)[]; names: string[] } {
  if (!result || !('tokens' in result)) return { texts: [], names: [] };
  const texts: (string | undefined)[] = [...(result.texts ?? [])];
  const kind = detectResultKind(result);
  if (kind === 'zero-shot' && key !== undefined && 'hypotheses' in result) texts[1] = result.hypotheses?.[key];
  const names =
    kind === 'question-answering' ? ['Question', 'Context'] : kind === 'zero-shot' ? ['Text', 'Hypothesis'] : ['Text', 'Text pair'];
  return { texts, names };
}

/**
 * Tokens highlighted by attribution score, captum's colours by default.
 *
 * Give it a `result` (property, JSON attribute or JSON script child) or plain
 * `attributions` (`[token, score]` pairs). For results with several targets (multi-label,
 * zero-shot, QA, NER) `target` picks one (label name, `start`/`end`, token index); the first
 * is shown otherwise.
 *
 * `granularity="words"` paints the result's `words` on the text the caller passed, with its
 * spacing and punctuation (results without `words` fall back to merged word pieces);
 * `granularity="tokens"` (default) shows one chip per token.
 *
 * Colours: `scale="auto"` (default) is captum's in the light theme and {@link themeRamp}'s in
 * the dark one, where scores near zero fade into the background.
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
    hideSpecial: { type: Boolean, attribute: 'hide-special' },
    granularity: { type: String, reflect: true },
    words: { attribute: false },
    texts: { attribute: false },
    label: { type: String },
    _active: { state: true, attribute: false },
    _tipVisible: { state: true, attribute: false },
  };

  /** `[token, score]` pairs to show; used when no `result` is set. */
  attributions: WordAttribution[] | undefined;
  /** Which target of a multi-target result to show (row key as in `tableRows`). */
  target: string | undefined;
  /** `auto` (default: captum's colours, the fading ramp in the dark theme), `captum`, `ramp` or `diverging` (a d3 scheme, see `scheme`). */
  scale: TokenColorScale | 'auto' = 'auto';
  /** d3 diverging scheme for `scale="diverging"`. Default `RdYlGn`. */
  scheme: DivergingScheme = 'RdYlGn';
  /** Merge word pieces (`##x`, `Ġ`/`▁` markers) into words, summing their scores. */
  mergeSubwords = false;
  /** `captum` shows `<s>` as `#s` (like captum); `raw` shows tokens as they are. */
  specialTokens: 'captum' | 'raw' = 'captum';
  /** Leave special tokens (`[CLS]`, `<s>`, ...) out of the token view (words never include them). */
  hideSpecial = false;
  /** `words`: paint words on the original text; `tokens` (default): one chip per token. */
  granularity: Granularity = 'tokens';
  /** Words to paint when no `result` is set (with `texts`). */
  words: TextWord[] | undefined;
  /** The texts `words` refer to, by segment. */
  texts: string[] | undefined;
  /** Accessible name of the token list. */
  label = 'Word importance';

  private _active = 0;
  private _tipVisible = false;
  private readonly _tipId = `gradscope-tip-${++tooltipIds}`;

  /** The displayed units (tokens, merged word pieces, or words of the text) for the current inputs. */
  get displayedTokens(): MergedToken[] {
    return this._units().units;
  }

  /** Whether the words are painted on the original text (words granularity and offsets that fit). */
  get paintsText(): boolean {
    return this._units().texts !== undefined;
  }

  private _row(): TableRow | undefined {
    const r = this.result;
    if (r === undefined || detectResultKind(r) === 'image') return undefined;
    const rows = tableRows(r);
    return (this.target !== undefined ? rows.find((x) => x.key === this.target) : undefined) ?? rows[0];
  }

  private _cache: { key: unknown[]; value: { units: Unit[]; texts: (string | undefined)[] | undefined; names: string[] } } | undefined;

  private _units(): { units: Unit[]; texts: (string | undefined)[] | undefined; names: string[] } {
    const key = [this.result, this.attributions, this.target, this.mergeSubwords, this.hideSpecial, this.granularity, this.words, this.texts];
    if (this._cache && this._cache.key.every((k, i) => k === key[i])) return this._cache.value;
    const value = this._computeUnits();
    this._cache = { key, value };
    return value;
  }

  private _computeUnits(): { units: Unit[]; texts: (string | undefined)[] | undefined; names: string[] } {
    const row = this._row();
    const list = this.result === undefined ? (this.attributions ?? []) : (row?.wordAttributions ?? []);
    if (this.granularity === 'words') {
      const words = this.result === undefined ? this.words : row?.words;
      const seg = this.result === undefined ? { texts: this.texts ?? [], names: ['Text', 'Text pair'] } : segmentTexts(this.result, row?.key);
      const texts = seg.texts;
      const fits = words !== undefined && words.length > 0 && wordsFitTexts(texts.map((t) => t ?? ''), words.filter((w) => texts[w.segment] !== undefined));
      if (words && fits) {
        const tokens = 'tokens' in (this.result ?? {}) ? (this.result as { tokens: string[] }).tokens : list.map(([t]) => t);
        const units: Unit[] = words
          .filter((w) => texts[w.segment] !== undefined)
          .map((w) => ({ text: w.text, score: w.score, pieces: w.tokens, pieceTokens: w.tokens.map((i) => tokens[i] ?? ''), word: w }));
        return { units, texts, names: seg.names };
      }
      // No offsets (older results): merged word pieces, special tokens left out as words leave them.
      return { units: mergeSubwords(list).filter((u) => !isSpecialToken(u.text)), texts: undefined, names: [] };
    }
    const units = this.mergeSubwords ? mergeSubwords(list) : unmergedTokens(list);
    return { units: this.hideSpecial ? units.filter((u) => !isSpecialToken(u.text)) : units, texts: undefined, names: [] };
  }

  private _targetKey(): string | undefined {
    if (this.result === undefined) return this.target;
    return this._row()?.key;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (['result', 'attributions', 'mergeSubwords', 'target', 'granularity', 'hideSpecial', 'words', 'texts'].some((k) => changed.has(k))) {
      this._active = 0;
      this._tipVisible = false;
    }
  }

  /** The colour scale in effect (`auto` resolved by the theme). */
  get effectiveScale(): TokenColorScale {
    const s = this.scale;
    if (s === 'diverging' || s === 'captum' || s === 'ramp') return s;
    return this.effectiveTheme === 'dark' ? 'ramp' : 'captum';
  }

  private _color(score: number): { bg: string; fg: string | undefined } {
    const scheme = isDivergingScheme(this.scheme) ? this.scheme : 'RdYlGn';
    const scale = this.effectiveScale;
    const theme = this.effectiveTheme;
    const bg = tokenColor(score, scale, scheme, theme);
    if (scale === 'ramp') return { bg, fg: RAMP_THEME[theme].text };
    return { bg, fg: scale === 'diverging' ? readableTextColor(bg) : undefined };
  }

  private _shown(text: string): string {
    return this.specialTokens === 'raw' ? text : formatSpecialToken(text);
  }

  override render(): TemplateResult {
    const r = this.result;
    if (r !== undefined && detectResultKind(r) === 'image') {
      return html`<p class="gs-empty">This result has no text attributions; use &lt;gradscope-image&gt;.</p>`;
    }
    const { units, texts, names } = this._units();
    if (units.length === 0) return html`<p class="gs-empty">No tokens to show.</p>`;
    const active = Math.min(this._active, units.length - 1);
    const current = units[active];
    const body = texts ? this._renderText(units, texts, names, active) : units.map((t, i) => html`${this._renderUnit(t, i, active)}${' '}`);
    return html`<div class="gs-tokens ${texts ? 'gs-painted' : ''}" part="tokens" role="group" aria-label=${this.label}
        @keydown=${this._onKeydown} @mouseleave=${this._onLeave} @focusout=${this._onFocusOut}>
        ${body}
        <div id=${this._tipId} class="gs-tooltip" part="tooltip" role="tooltip" ?hidden=${!this._tipVisible}>
          ${current
            ? html`<strong>${this._shown(current.text)}</strong> <span class="gs-tip-score">${current.score.toFixed(4)}</span>${current.pieces.length > 1
                  ? html`<br /><span>${current.pieceTokens.join(' ')}</span>`
                  : nothing}`
            : nothing}
        </div>
      </div>`;
  }

  private _renderUnit(t: Unit, i: number, active: number): TemplateResult {
    const { bg, fg } = this._color(t.score);
    const style = fg ? { backgroundColor: bg, color: fg } : { backgroundColor: bg };
    // Text bindings are escaped by Lit; token text never goes through unsafeHTML. Read-only
    // tokens get no widget role: the score is spoken from visually hidden text.
    return html`<span class="gs-token ${t.word ? 'gs-word' : ''} ${i === active ? 'gs-active' : ''}" part="token"
        data-index=${i} data-score=${t.score} tabindex=${i === active ? 0 : -1}
        aria-describedby=${i === active && this._tipVisible ? this._tipId : nothing}
        style=${styleMap(style)} @focus=${() => this._activate(i, 'focus')} @mouseenter=${() => this._activate(i, 'hover')}
      >${t.word ? t.text : this._shown(t.text)}<span class="gs-visually-hidden">, attribution ${t.score.toFixed(2)}</span></span>`;
  }

  private _renderText(units: Unit[], texts: (string | undefined)[], names: string[], active: number): TemplateResult[] {
    const segments = [...new Set(units.map((u) => u.word?.segment ?? 0))].sort();
    return segments.map((s) => {
      const text = texts[s] ?? '';
      const idx = units.flatMap((u, i) => (u.word?.segment === s ? [i] : []));
      const runs = textRuns(text, idx.map((i) => units[i].word as TextWord));
      return html`<p class="gs-text" part="text" data-segment=${s}>${segments.length > 1 || s > 0
          ? html`<span class="gs-segment" part="segment">${names[s] ?? `Text ${s + 1}`}</span> `
          : nothing}${runs.map((run) => (run.word === undefined ? run.text : this._renderUnit(units[idx[run.word]], idx[run.word], active)))}</p>`;
    });
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
