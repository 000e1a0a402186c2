/**
 * TokenClassificationExplainer (NER, POS tagging, ...): for each selected token, which tokens
 * made the model give it its predicted class, as transformers-interpret computes it, with the
 * results keyed by position.
 */
import { normalizeAttributions, toWordAttributions } from '../../attribution/normalize.js';
import { InputError, ModelError } from '../../errors.js';
import type { TokenAttributionEntry, TokenClassificationResult } from '../../types.js';
import { forwardOutputs } from './forward.js';
import { buildSingleTextInputs } from './inputs.js';
import { requireHead, resolveEmbeddingLayer, type EmbeddingType } from './text-model.js';
import { argmax, softmax } from '../core/math.js';
import { textIntegratedGradientsSteps } from './text-steps.js';
import { checkOptions, compatOf, integrationOptions, TEXT_OPTION_KEYS, type CommonExplainOptions } from '../core/options.js';
import { checkLabelCount, labelName } from '../core/target.js';
import { TextExplainer } from './text-explainer.js';
import { markExplained } from '../core/loaded-model.js';
import { algorithmField, requireEvaluable } from '../core/evaluate.js';
import { evaluateTextFaithfulness } from './text-faithfulness.js';

/** Options of a token-classification explanation. */
export interface TokenClassificationExplainOptions extends CommonExplainOptions {
  /** Skip tokens whose predicted label is one of these (e.g. `['O']`). Must be model labels. */
  ignoredLabels?: string[];
  /** Skip the tokens at these positions (0 = the first special token). */
  ignoredIndexes?: number[];
  /** Layer to integrate: word embeddings ('word' / 0, default) or position embeddings ('position' / 1). */
  embeddingType?: 'word' | 'position' | 0 | 1;
  /** Called with warnings (e.g. position embeddings falling back to word embeddings). Default console.warn. */
  onWarning?: (message: string) => void;
}

const EMBEDDING_TYPES: readonly EmbeddingType[] = ['word', 'position', 0, 1];

/** The option keys of {@link TokenClassificationExplainer.explain}. */
export const TOKEN_OPTION_KEYS = [...TEXT_OPTION_KEYS, 'ignoredLabels', 'ignoredIndexes'] as const;

/** Per-token rows of a [1, T, C] logits tensor. */
function tokenRows(data: Float32Array, T: number, C: number): Float32Array[] {
  return Array.from({ length: T }, (_, t) => data.subarray(t * C, (t + 1) * C));
}

/**
 * Explains a token classifier: one attribution per selected token, of the probability of the
 * class predicted for that token. Every selected token is integrated in one batch.
 *
 * @example
 * const explainer = await TokenClassificationExplainer.fromPretrained('Xenova/bert-base-NER');
 * const r = await explainer.explain('We visited Paris last weekend.', { ignoredLabels: ['O'] });
 * for (const e of r.wordAttributions) console.log(e.index, e.token, e.label, e.attributions);
 */
export class TokenClassificationExplainer extends TextExplainer<TokenClassificationResult> {
  /** The last result's explained tokens, by position. */
  get wordAttributions(): TokenAttributionEntry[] | undefined { return this.last?.wordAttributions; }

  /** The last result's predicted label of every token. */
  get predictedLabels(): string[] | undefined { return this.last?.predictedLabels; }

  /**
   * Explains every token of `text` that is not ignored. Options apply to this call only.
   *
   * @throws InputError for ignored labels that are not model labels, or bad ignored indexes.
   */
  async explain(text: string, options?: TokenClassificationExplainOptions | null): Promise<TokenClassificationResult> {
    const opts = checkOptions(options, TOKEN_OPTION_KEYS);
    this.text.requireWords(text);
    requireEvaluable('token-classification', opts);
    requireHead(this.text, 'token', 'The token-classification explainer');
    const labels = this.text.labels;
    const ignoredLabels = new Set(this.checkIgnoredLabels(opts.ignoredLabels));
    const cut = resolveEmbeddingLayer(this.text, opts.embeddingType ?? 'word', EMBEDDING_TYPES, opts.onWarning);
    const compat = compatOf(opts);
    const rows = this.text.fitLength(text, opts.truncation, (t) => buildSingleTextInputs(this.text.tokenizer, t, { ...compat, task: 'token-classification' }));
    const T = rows.inputIds.length;
    const ignoredIndexes = new Set(checkIgnoredIndexes(opts.ignoredIndexes, T));

    // Targets: the class predicted for each token on the real input. Compat: like the original's
    // `model(input_ids)` (mask of ones, default token types, which its rows use anyway).
    const pred = Object.values(await forwardOutputs(this.text.model, compat.compat !== undefined ? { inputIds: rows.inputIds } : rows))[0];
    if (pred.dims.length !== 3) {
      throw new ModelError(`The token-classification explainer needs per-token logits [batch, tokens, classes]; this model's first output has dims ${JSON.stringify(pred.dims)}. Use the explainer that matches the model's task.`, { code: 'wrong-model-kind' });
    }
    const C = pred.dims[2];
    checkLabelCount(labels.length, C);
    const name = (c: number): string => labelName(labels, c);
    const predicted = tokenRows(pred.data, T, C).map(argmax);
    const selected = predicted.flatMap((c, i) => (ignoredIndexes.has(i) || ignoredLabels.has(name(c)) ? [] : [i]));
    const tokens = this.text.tokens(rows.inputIds);
    const words = this.text.wordMapper([text], rows);
    const result: TokenClassificationResult = {
      wordAttributions: [],
      texts: [text],
      predictedLabels: predicted.map(name),
      tokens,
      inputIds: [...rows.inputIds],
    };
    if (selected.length > 0) {
      // One target per selected token i: a [T, C] mask with a single 1 at (i, c_i).
      const targets = selected.map((i) => {
        const m = new Float32Array(T * C);
        m[i * C + predicted[i]] = 1;
        return m;
      });
      const { result: ig, autoSteps } = await textIntegratedGradientsSteps(
        this.text.model,
        { rows, cut, head: { kind: 'token-classification' }, targets, maskShape: [T, C], ...integrationOptions(opts), compatDelta: compat.compat !== undefined },
        opts,
      );
      if (autoSteps) result.autoSteps = autoSteps;
      const atInput = tokenRows(Object.values(ig.outputsAtInput)[0].data, T, C);
      const faith =
        opts.evaluate === true
          ? await evaluateTextFaithfulness(this.text.model, rows, { kind: 'token-classification' }, selected.map((i, k) => ({ mask: targets[k], scores: ig.targets[k].tokenSums, position: i })), opts.signal ? { signal: opts.signal } : {})
          : undefined;
      result.wordAttributions = selected.map((i, k) => {
        const t = ig.targets[k];
        const norm = normalizeAttributions(t.tokenSums);
        // The original labels each entry from its LAST forward (the real input as the
        // attribution feeds it), not from the prediction that chose the target.
        const label = compat.compat !== undefined ? argmax(atInput[i]) : predicted[i];
        return {
          index: i,
          token: tokens[i],
          label: name(label),
          probability: softmax(atInput[i])[label],
          attributions: toWordAttributions(tokens, norm.normalized),
          words: words(norm.normalized),
          rawAttributions: Array.from(norm.raw),
          delta: t.delta,
          ...(faith ? { faithfulness: faith[k] } : {}),
        };
      });
    }
    Object.assign(result, algorithmField(opts));
    markExplained(result, this.text.model);
    this.last = result;
    return result;
  }

  private checkIgnoredLabels(ignored: unknown): string[] {
    if (ignored === undefined) return [];
    if (!Array.isArray(ignored)) throw new InputError('ignoredLabels must be an array of label names.', { code: 'bad-ignored-labels' });
    const unknown = ignored.filter((l) => typeof l !== 'string' || !this.text.labels.includes(l));
    if (unknown.length > 0) {
      throw new InputError(
        `ignoredLabels has ${unknown.map((l) => JSON.stringify(l)).join(', ')}, which ${unknown.length === 1 ? 'is not a label' : 'are not labels'} of this model. Valid labels: ${this.text.labels.map((l) => JSON.stringify(l)).join(', ')}.`,
        { code: 'unknown-class-name' },
      );
    }
    return ignored as string[];
  }
}

function checkIgnoredIndexes(ignored: unknown, T: number): number[] {
  if (ignored === undefined) return [];
  if (!Array.isArray(ignored)) throw new InputError('ignoredIndexes must be an array of token positions.', { code: 'bad-ignored-indexes' });
  const bad = ignored.filter((i) => !Number.isInteger(i) || (i as number) < 0 || (i as number) >= T);
  if (bad.length > 0) {
    throw new InputError(`ignoredIndexes has ${bad.map((i) => JSON.stringify(i)).join(', ')}: positions must be integers from 0 to ${T - 1} (the input has ${T} tokens, special tokens included).`, { code: 'bad-ignored-indexes' });
  }
  return ignored as number[];
}
