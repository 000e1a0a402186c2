/**
 * MultiLabelClassificationExplainer: every label of a multi-label classifier explained on its
 * own sigmoid, as transformers-interpret does it, but with all labels sharing one batch.
 */
import { normalizeAttributions, toWordAttributions } from '../../attribution/normalize.js';
import { ModelError } from '../../errors.js';
import type { MultiLabelResult, WordAttribution } from '../../types.js';
import { buildSingleTextInputs } from './inputs.js';
import { requireHead, resolveEmbeddingLayer, type EmbeddingType } from './text-model.js';
import { sigmoid, oneHot } from '../core/math.js';
import { textIntegratedGradientsSteps } from './text-steps.js';
import { checkOptions, compatOf, integrationOptions, TEXT_OPTION_KEYS, type CommonExplainOptions } from '../core/options.js';
import { TextExplainer } from './text-explainer.js';
import { markExplained } from '../core/loaded-model.js';
import { algorithmField, requireEvaluable } from '../core/evaluate.js';
import { evaluateTextFaithfulness } from './text-faithfulness.js';
import type { HeadSpec } from '../../autodiff/spec.js';

/** Options of a multi-label explanation. */
export interface MultiLabelExplainOptions extends CommonExplainOptions {
  /** Layer to integrate: word embeddings ('word' / 0, default) or position embeddings ('position' / 1). */
  embeddingType?: 'word' | 'position' | 0 | 1;
  /** Called with warnings (e.g. position embeddings falling back to word embeddings). Default console.warn. */
  onWarning?: (message: string) => void;
}

const EMBEDDING_TYPES: readonly EmbeddingType[] = ['word', 'position', 0, 1];

/** The option keys of {@link MultiLabelClassificationExplainer.explain}. */
export const MULTI_LABEL_OPTION_KEYS = TEXT_OPTION_KEYS;

/**
 * Explains a multi-label classifier: for EVERY label, which tokens pushed `sigmoid(logit)` of
 * that label up or down. All labels are integrated in one batch of model runs.
 *
 * @example
 * const explainer = await MultiLabelClassificationExplainer.fromPretrained('SamLowe/roberta-base-go_emotions');
 * const r = await explainer.explain('I loved the film, but the ending scared me.');
 * console.log(r.labelProbabilities.joy, r.wordAttributions.joy);
 */
export class MultiLabelClassificationExplainer extends TextExplainer<MultiLabelResult> {
  /** The last result's word attributions per label. */
  get wordAttributions(): Record<string, WordAttribution[]> | undefined { return this.last?.wordAttributions; }

  /** The last result's sigmoid probability per label. */
  get labelProbabilities(): Record<string, number> | undefined { return this.last?.labelProbabilities; }

  /** Explains one text for every label. Options apply to this call only. */
  async explain(text: string, options?: MultiLabelExplainOptions | null): Promise<MultiLabelResult> {
    const opts = checkOptions(options, MULTI_LABEL_OPTION_KEYS);
    this.text.requireWords(text);
    requireEvaluable('multi-label-classification', opts);
    requireHead(this.text, 'sequence', 'The multi-label explainer');
    const labels = this.text.labels;
    if (labels.length === 0) {
      throw new ModelError('The model config has no id2label, so the labels to explain are unknown. Pass customLabels when loading the explainer.', { code: 'no-labels' });
    }
    const cut = resolveEmbeddingLayer(this.text, opts.embeddingType ?? 'word', EMBEDDING_TYPES, opts.onWarning);
    const compat = compatOf(opts);
    const rows = this.text.fitLength(text, opts.truncation, (t) => buildSingleTextInputs(this.text.tokenizer, t, { ...compat, task: 'multi-label-classification' }));
    const n = labels.length;

    // One target per label: the one-hot masks select sigmoid(logits)[label] row by row.
    const head: HeadSpec = { kind: 'classification', activation: 'sigmoid' };
    const { result: ig, autoSteps } = await textIntegratedGradientsSteps(
      this.text.model,
      {
        rows,
        cut,
        head,
        targets: labels.map((_, i) => oneHot(n, i)),
        maskShape: [n],
        ...integrationOptions(opts),
        compatDelta: compat.compat !== undefined,
      },
      opts,
    );

    // The original reports each label's probability from its last forward: the real input as
    // the attribution feeds it (in compat mode with its token types), which is alpha = 1 here.
    const logits = Object.values(ig.outputsAtInput)[0].data;
    const tokens = this.text.tokens(rows.inputIds);
    const words = this.text.wordMapper([text], rows);
    const result: MultiLabelResult = {
      wordAttributions: {},
      words: {},
      texts: [text],
      rawAttributions: {},
      labelProbabilities: {},
      deltas: {},
      tokens,
      inputIds: [...rows.inputIds],
      ...(autoSteps ? { autoSteps } : {}),
    };
    Object.assign(result, algorithmField(opts));
    if (opts.evaluate === true) {
      const fs = await evaluateTextFaithfulness(this.text.model, rows, head, labels.map((_, i) => ({ mask: oneHot(n, i), scores: ig.targets[i].tokenSums })), opts.signal ? { signal: opts.signal } : {});
      result.faithfulness = Object.fromEntries(labels.map((l, i) => [l, fs[i]]));
    }
    labels.forEach((label, i) => {
      const t = ig.targets[i];
      const norm = normalizeAttributions(t.tokenSums);
      result.wordAttributions[label] = toWordAttributions(tokens, norm.normalized);
      (result.words ??= {})[label] = words(norm.normalized);
      result.rawAttributions[label] = Array.from(norm.raw);
      result.labelProbabilities[label] = sigmoid(logits[i]);
      result.deltas[label] = t.delta;
    });
    markExplained(result, this.text.model);
    this.last = result;
    return result;
  }
}
