/**
 * `<gradscope-qa>`: a question-answering result: the answer in its context, and the start and
 * end attributions, each labelled.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { QuestionAnsweringResult } from '../src/types.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { answerSpan } from '../src/viz/summary.js';
import { qaViewStyles } from './qa-view.styles.js';
import { TextViewElement } from './text-view.js';

/**
 * The predicted answer highlighted in the context (a note when the end comes before the start,
 * which makes the answer empty), then what moved the start and what moved the end, painted on
 * the question and the context.
 *
 * @example
 * ```html
 * <gradscope-qa><script type="application/json">{ "predictedAnswer": "...", "startPosition": 20, ... }</script></gradscope-qa>
 * ```
 *
 * @tag gradscope-qa
 * @csspart context - The context with the answer marked.
 * @csspart answer - The answer mark.
 * @csspart start - The start attributions.
 * @csspart end - The end attributions.
 * @cssprop --gradscope-answer-bg - Answer highlight background.
 */
export class GradscopeQa extends TextViewElement {
  static override styles = qaViewStyles;

  override render(): TemplateResult {
    const r = this.result;
    if (!r || detectResultKind(r) !== 'question-answering') return html`<p class="gs-empty">No question-answering result to show.</p>`;
    const qa = r as QuestionAnsweringResult;
    const span = answerSpan(qa);
    const context = qa.texts?.[1];
    const prob = (p: number | undefined): string => (p === undefined ? '' : ` (p ${p.toFixed(2)})`);
    const at = (pos: number): string => `${qa.tokens[pos] ?? '?'} at position ${pos}`;
    return html`<p class="gs-summary" part="summary">
        Answer: ${span.empty ? html`<em>none</em>` : html`<strong>${span.text}</strong>`}
      </p>
      ${span.empty
        ? html`<p class="gs-note" role="note">The predicted end (${at(qa.endPosition)}) comes before the predicted start (${at(qa.startPosition)}), so the answer is empty.</p>`
        : nothing}
      ${context !== undefined && span.start !== undefined && span.end !== undefined
        ? html`<p class="gs-context" part="context"><span class="gs-visually-hidden">Context, answer marked: </span>${context.slice(0, span.start)}<mark class="gs-answer" part="answer">${context.slice(span.start, span.end)}</mark>${context.slice(span.end)}</p>`
        : nothing}
      <div class="gs-boundaries">
        <section class="gs-boundary" part="start" data-boundary="start">
          <p class="gs-section-title">Start: ${at(qa.startPosition)}${prob(qa.startProbability)}</p>
          ${this.tokensFor('start', 'Word importance for the answer start')}
          ${this.convergence(qa.deltas.start, undefined)}
        </section>
        <section class="gs-boundary" part="end" data-boundary="end">
          <p class="gs-section-title">End: ${at(qa.endPosition)}${prob(qa.endProbability)}</p>
          ${this.tokensFor('end', 'Word importance for the answer end')}
          ${this.convergence(qa.deltas.end, qa.autoSteps)}
        </section>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-qa': GradscopeQa;
  }
}
