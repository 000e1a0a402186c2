/**
 * QuestionAnsweringExplainer: which tokens made an extractive QA model put the start and the
 * end of its answer where it did, as transformers-interpret computes it.
 */
import { normalizeAttributions, toWordAttributions } from '../../attribution/normalize.js';
import type { QuestionAnsweringResult } from '../../types.js';
import { buildQuestionAnsweringInputs } from './inputs.js';
import { requireHead, resolveEmbeddingLayer, type EmbeddingType } from './text-model.js';
import { argmax, softmax } from '../core/math.js';
import { textIntegratedGradientsSteps } from './text-steps.js';
import { checkOptions, compatOf, integrationOptions, TEXT_OPTION_KEYS, type CommonExplainOptions } from '../core/options.js';
import { TextExplainer } from './text-explainer.js';
import { markExplained } from '../core/loaded-model.js';
import { algorithmField, requireEvaluable } from '../core/evaluate.js';
import { evaluateTextFaithfulness } from './text-faithfulness.js';

/** Options of a question-answering explanation. */
export interface QuestionAnsweringExplainOptions extends CommonExplainOptions {
  /**
   * Layer to integrate: the output of the whole embeddings block ('embeddings' / 2, default, as
   * the original), word embeddings ('word' / 0) or position embeddings ('position' / 1).
   * `truncation: true` shortens the CONTEXT (from its end) when question + context are too long.
   */
  embeddingType?: 'word' | 'position' | 'embeddings' | 0 | 1 | 2;
  /** Called with warnings (e.g. position embeddings falling back to word embeddings). Default console.warn. */
  onWarning?: (message: string) => void;
}

const EMBEDDING_TYPES: readonly EmbeddingType[] = ['word', 'position', 'embeddings', 0, 1, 2];
/** The option keys of {@link QuestionAnsweringExplainer.explain}. */
export const QUESTION_ANSWERING_OPTION_KEYS = TEXT_OPTION_KEYS;

const START = 'start_logits';
const END = 'end_logits';

/**
 * Explains an extractive question-answering model: attributions of the start logit's maximum
 * and of the end logit's maximum (both integrated in one batch), and the predicted answer.
 *
 * @example
 * const explainer = await QuestionAnsweringExplainer.fromPretrained('Xenova/distilbert-base-cased-distilled-squad');
 * const r = await explainer.explain('What is NLP?', 'NLP is a field of AI that studies language.');
 * console.log(r.predictedAnswer, r.wordAttributions.start);
 */
export class QuestionAnsweringExplainer extends TextExplainer<QuestionAnsweringResult> {
  /** The last result's start and end attributions. */
  get wordAttributions(): QuestionAnsweringResult['wordAttributions'] | undefined { return this.last?.wordAttributions; }

  /** The last result's answer. */
  get predictedAnswer(): string | undefined { return this.last?.predictedAnswer; }

  /** The last result's start position. */
  get startPosition(): number | undefined { return this.last?.startPosition; }

  /** The last result's end position. */
  get endPosition(): number | undefined { return this.last?.endPosition; }

  /**
   * Explains the answer to `question` in `context`. Options apply to this call only.
   *
   * @throws InputError when question + context are longer than the model takes (unless `truncation`).
   */
  async explain(question: string, context: string, options?: QuestionAnsweringExplainOptions | null): Promise<QuestionAnsweringResult> {
    const opts = checkOptions(options, QUESTION_ANSWERING_OPTION_KEYS);
    this.text.requireWords(question, 'question');
    this.text.requireWords(context, 'context');
    requireEvaluable('question-answering', opts);
    requireHead(this.text, 'span', 'The question-answering explainer');
    const cut = resolveEmbeddingLayer(this.text, opts.embeddingType ?? 'embeddings', EMBEDDING_TYPES, opts.onWarning);
    const compat = compatOf(opts);
    // fitLength shortens the text it is given: here the context, which the question is about.
    const rows = this.text.fitLength(context, opts.truncation, (c) => buildQuestionAnsweringInputs(this.text.tokenizer, question, c, compat), 'question and context');

    // Two targets in one batch: F = max start logit, then F = max end logit.
    const { result: ig, autoSteps } = await textIntegratedGradientsSteps(
      this.text.model,
      {
        rows,
        cut,
        head: { kind: 'span-max', outputs: [START, END] },
        targets: [Float32Array.of(1, 0), Float32Array.of(0, 1)],
        maskShape: [2],
        ...integrationOptions(opts),
        compatDelta: compat.compat !== undefined,
      },
      opts,
    );

    // Positions come from the logits at the real input as the attribution feeds it (the original
    // calls the model with the same token types, positions and mask).
    const startLogits = ig.outputsAtInput[START].data;
    const endLogits = ig.outputsAtInput[END].data;
    const startPosition = argmax(startLogits);
    const endPosition = argmax(endLogits);
    const tokens = this.text.tokens(rows.inputIds);
    const [s, e] = ig.targets.map((t) => normalizeAttributions(t.tokenSums));
    const words = this.text.wordMapper([question, context], rows);
    const result: QuestionAnsweringResult = {
      wordAttributions: { start: toWordAttributions(tokens, s.normalized), end: toWordAttributions(tokens, e.normalized) },
      words: { start: words(s.normalized), end: words(e.normalized) },
      texts: [question, context],
      rawAttributions: { start: Array.from(s.raw), end: Array.from(e.raw) },
      predictedAnswer: this.answer(rows.inputIds, startPosition, endPosition, compat.compat !== undefined),
      startPosition,
      endPosition,
      startProbability: softmax(startLogits)[startPosition],
      endProbability: softmax(endLogits)[endPosition],
      deltas: { start: ig.targets[0].delta, end: ig.targets[1].delta },
      tokens,
      inputIds: [...rows.inputIds],
      ...(autoSteps ? { autoSteps } : {}),
      ...algorithmField(opts),
    };
    if (opts.evaluate === true) {
      // p is the explained scalar itself: the max start (end) logit, whatever position it moves to.
      const [fs, fe] = await evaluateTextFaithfulness(
        this.text.model,
        rows,
        { kind: 'span-max', outputs: [START, END] },
        [{ mask: Float32Array.of(1, 0), scores: ig.targets[0].tokenSums }, { mask: Float32Array.of(0, 1), scores: ig.targets[1].tokenSums }],
        opts.signal ? { signal: opts.signal } : {},
      );
      result.faithfulness = { start: fs, end: fe };
    }
    markExplained(result, this.text.model);
    this.last = result;
    return result;
  }

  /**
   * Compat: the original's `" ".join(tokens[start:end+1])` (word pieces, special tokens kept,
   * empty when end < start). Default: the tokenizer's decoding of those ids, special tokens
   * skipped (the word pieces joined back into text).
   */
  private answer(ids: readonly number[], start: number, end: number, compat: boolean): string {
    const span = ids.slice(start, end + 1);
    if (span.length === 0) return '';
    const tok = this.text.tokenizer;
    if (compat || !tok.decode) return span.map((id) => tok.idToToken(id) ?? '').join(' ');
    return tok.decode(span).trim();
  }
}
