/**
 * `<gradscope-generation>`: what a causal language model wrote, and which earlier tokens made
 * each written token likely.
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { TextGenerationResult } from '../src/explainers/text/generation/types.js';
import { cssGradient } from '../src/viz/color-bar.js';
import { generationMatrix, type GenerationMatrix } from '../src/viz/generation-matrix.js';
import { isResultKind } from '../src/viz/result-kind.js';
import { generationStyles } from './generation.styles.js';
import { ResultElement } from './result-source.js';

/** Detail of the `gradscope-target-select` event. */
export interface TargetSelectDetail {
  /** Index of the selected target token. */
  index: number;
  token: string;
  /** Its attributions over the prompt and earlier tokens. */
  scores: number[];
}

/**
 * The generated text, each target token selectable (click, or arrow keys / Home / End in the
 * target list); the selected target's attributions colour the prompt and the earlier tokens,
 * beside a target x source heat map (d3 diverging scale, symmetric around 0) and its colour bar.
 *
 * @example
 * ```html
 * <gradscope-generation>
 *   <script type="application/json">…the CLI's --task text-generation JSON…</script>
 * </gradscope-generation>
 * ```
 *
 * @tag gradscope-generation
 * @fires gradscope-target-select - A target token was selected; detail: {@link TargetSelectDetail}.
 * @csspart text - The prompt and generated text.
 * @csspart target - Each generated (target) token.
 * @csspart heatmap - The target x source table.
 * @csspart colorbar - The colour bar.
 * @cssprop --gradscope-focus - Selection and focus ring colour.
 * @cssprop --gradscope-muted - Colour of tokens after the selected target.
 * @cssprop --gradscope-token-radius - Token corner radius.
 */
export class GradscopeGeneration extends ResultElement {
  static override styles = generationStyles;

  static override properties: PropertyDeclarations = {
    ...ResultElement.properties,
    selected: { type: Number, reflect: true },
    heatmap: { type: Boolean },
  };

  /** Index of the selected target token. */
  selected = 0;
  /** Show the heat map beside the text (default true). */
  heatmap = true;

  private _matrix: GenerationMatrix | undefined;
  private _matrixKey: { result: unknown; theme: string } | undefined;

  /** The result when it is a text-generation result (other kinds render a note). */
  get generation(): TextGenerationResult | undefined {
    const r = this.result;
    return r !== undefined && isResultKind(r, 'generation') ? r : undefined;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('result') && changed.get('result') !== undefined) this.selected = 0;
    // Colours follow the theme in effect (the attribute or the page's colour scheme), which can
    // change without `result` changing.
    const theme = this.effectiveTheme;
    if (this._matrixKey === undefined || this._matrixKey.result !== this.result || this._matrixKey.theme !== theme) {
      const g = this.generation;
      this._matrix = g ? generationMatrix(g, theme) : undefined;
      this._matrixKey = { result: this.result, theme };
    }
  }

  private _select(i: number, focus: boolean): void {
    const r = this.generation;
    if (!r || r.targetTokens.length === 0) return;
    const next = Math.max(0, Math.min(r.targetTokens.length - 1, i));
    this.selected = next;
    const detail: TargetSelectDetail = { index: next, token: r.targetTokens[next], scores: [...(r.tokenAttributions[next] ?? [])] };
    this.dispatchEvent(new CustomEvent<TargetSelectDetail>('gradscope-target-select', { detail, bubbles: true, composed: true }));
    if (focus) {
      void this.updateComplete.then(() => (this.renderRoot as ShadowRoot).querySelector<HTMLElement>(`.gs-target[data-index="${next}"]`)?.focus());
    }
  }

  private _onKeydown(e: KeyboardEvent): void {
    const n = this.generation?.targetTokens.length ?? 0;
    const to: Record<string, number> = { ArrowRight: this.selected + 1, ArrowDown: this.selected + 1, ArrowLeft: this.selected - 1, ArrowUp: this.selected - 1, Home: 0, End: n - 1 };
    const i = to[e.key];
    if (i === undefined) return;
    e.preventDefault();
    this._select(i, true);
  }

  override render(): TemplateResult {
    const r = this.generation;
    const m = this._matrix;
    if (!r || !m || r.targetTokens.length === 0) return html`<p class="gs-empty">No generation to show.</p>`;
    const sel = Math.min(this.selected, r.targetTokens.length - 1);
    const row = m.cells[sel] ?? [];
    const cellStyle = (j: number) => {
      const c = row[j];
      return c && c.score !== undefined ? styleMap({ backgroundColor: c.background, color: c.foreground }) : nothing;
    };
    const score = (j: number): string => (row[j]?.score !== undefined ? `, attribution ${(row[j].score as number).toFixed(3)}` : '');
    // Token text goes through Lit's escaped text bindings only.
    return html`<div class="gs-layout">
      <p class="gs-text" part="text">
        ${r.promptTokens.map((t, j) => html`<span class="gs-src" title=${`${t}${score(j)}`} style=${cellStyle(j)}>${t}</span>`)}
        <span role="listbox" aria-label="Generated tokens: choose one to see what led to it" aria-orientation="horizontal" @keydown=${this._onKeydown}
          >${r.targetTokens.map((t, i) => {
            const j = m.promptLength + i;
            return html`<span class="gs-target ${i > sel ? 'gs-later' : ''}" part="target" role="option" data-index=${i}
              tabindex=${i === sel ? 0 : -1} aria-selected=${i === sel ? 'true' : 'false'}
              aria-label=${`generated token ${t}, log probability ${(r.targetLogProbs[i] ?? NaN).toFixed(2)}${score(j)}`}
              style=${i < sel ? cellStyle(j) : nothing} @click=${() => this._select(i, true)}>${t}</span>`;
          })}</span
        >
      </p>
      ${this.heatmap ? this._heatmap(m, sel) : nothing}
    </div>`;
  }

  private _heatmap(m: GenerationMatrix, sel: number): TemplateResult {
    return html`<div class="gs-heatmap">
      <table part="heatmap" aria-label="Attributions: one row per generated token, one column per earlier token">
        <thead>
          <tr><th scope="col">target \\ source</th>${m.sources.map((s) => html`<th scope="col">${s}</th>`)}</tr>
        </thead>
        <tbody>
          ${m.cells.map(
            (cells, i) => html`<tr class=${i === sel ? 'gs-selected' : ''}>
              <th scope="row" @click=${() => this._select(i, false)}>${m.targets[i]}</th>
              ${cells.map((c) =>
                c.score === undefined
                  ? html`<td></td>`
                  : html`<td style=${styleMap({ backgroundColor: c.background, color: c.foreground })} title=${c.score.toFixed(5)}>${c.score.toFixed(2)}</td>`,
              )}
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="gs-bar" part="colorbar" role="img" aria-label=${`colour scale from ${(-m.maxAbs).toFixed(3)} to ${m.maxAbs.toFixed(3)}`} style=${styleMap({ background: cssGradient(m.bar) })}></div>
      <div class="gs-ticks" aria-hidden="true">${m.bar.ticks.map((t) => html`<span style=${styleMap({ left: `${(t.offset * 100).toFixed(2)}%` })}>${t.label}</span>`)}</div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-generation': GradscopeGeneration;
  }
}
