/**
 * SequenceClassificationExplainer and PairwiseSequenceClassificationExplainer: which tokens
 * pushed a classifier towards a class, as transformers-interpret computes it.
 */
import { normalizeAttributions, toWordAttributions } from '../../attribution/normalize.js';
import type { HeadSpec } from '../../autodiff/spec.js';
import { ModelError } from '../../errors.js';
import type { SequenceClassificationResult } from '../../types.js';
import { forwardOutputs } from './forward.js';
import type { TextRows } from './text-attribution.js';
import { buildSingleTextInputs, buildTextPairInputs, type TextInputs } from './inputs.js';
import { requireHead, resolveEmbeddingLayer, type EmbeddingType } from './text-model.js';
import { argmax, softmax, sigmoid, oneHot } from '../core/math.js';
import { textIntegratedGradientsSteps } from './text-steps.js';
import { checkOptions, compatOf, integrationOptions, TEXT_OPTION_KEYS, type CommonExplainOptions } from '../core/options.js';
import { checkLabelCount, labelName, resolveTarget } from '../core/target.js';
import { TextExplainer } from './text-explainer.js';
import { markExplained } from '../core/loaded-model.js';
import { algorithmField, requireEvaluable } from '../core/evaluate.js';
import { evaluateTextFaithfulness } from './text-faithfulness.js';

/** Options of a sequence-classification explanation. */
export interface SequenceExplainOptions extends CommonExplainOptions {
  /** Class to explain by index (wins over className). Default: the predicted class. */
  index?: number;
  /** Class to explain by name. Unknown names are an error listing the valid ones. */
  className?: string;
  /** Layer to integrate: word embeddings ('word' / 0, default) or position embeddings ('position' / 1). */
  embeddingType?: 'word' | 'position' | 0 | 1;
  /** Called with warnings (e.g. a position-embedding request falling back to word embeddings). Default console.warn. */
  onWarning?: (message: string) => void;
}

/** Options of a pairwise explanation. */
export interface PairwiseExplainOptions extends SequenceExplainOptions {
  /** Flip the sign of the attributions (single-output models, e.g. cross-encoders). */
  flipSign?: boolean;
}

/** The option keys of {@link SequenceClassificationExplainer.explain}. */
export const SEQUENCE_OPTION_KEYS = [...TEXT_OPTION_KEYS, 'index', 'className'] as const;

/** The option keys of {@link PairwiseSequenceClassificationExplainer.explain}. */
export const PAIRWISE_OPTION_KEYS = [...SEQUENCE_OPTION_KEYS, 'flipSign'] as const;

const EMBEDDING_TYPES: readonly EmbeddingType[] = ['word', 'position', 0, 1];

/** Shared machinery of the sequence explainers. */
abstract class SequenceExplainerBase extends TextExplainer<SequenceClassificationResult> {
  /** The last result's fields, as the Python explainer's properties. */
  get wordAttributions(): SequenceClassificationResult['wordAttributions'] | undefined { return this.last?.wordAttributions; }
  get predictedClassIndex(): number | undefined { return this.last?.predictedClassIndex; }
  get predictedClassName(): string | undefined { return this.last?.predictedClassName; }
  get attributionClassIndex(): number | undefined { return this.last?.attributionClassIndex; }
  get attributionClassName(): string | undefined { return this.last?.attributionClassName; }

  protected async explainRows(rows: TextInputs, opts: PairwiseExplainOptions, pairwise: boolean, texts: string[]): Promise<SequenceClassificationResult> {
    requireEvaluable(pairwise ? 'text-pair-classification' : 'text-classification', opts);
    const compat = opts.compat === 'transformers-interpret';
    const cut = resolveEmbeddingLayer(this.text, opts.embeddingType ?? 'word', EMBEDDING_TYPES, opts.onWarning);
    const ids: TextRows = rows;

    // The class to explain needs the prediction first: one forward of the real input. The
    // class count is the logits' width (a config without id2label names no classes).
    const predictedLogits = await this.predictLogits(rows, compat);
    const nLabels = predictedLogits.length;
    checkLabelCount(this.text.labels.length, nLabels);
    const single = nLabels === 1;
    const head: HeadSpec = { kind: 'classification', activation: single ? 'sigmoid' : 'softmax' };
    const predictedClassIndex = single ? 0 : argmax(predictedLogits);
    const target = resolveTarget(opts, this.text.labels, nLabels, predictedClassIndex);

    const flip = pairwise && single && opts.flipSign === true;
    const { result: ig, autoSteps: auto } = await textIntegratedGradientsSteps(
      this.text.model,
      { rows: ids, cut, head, targets: [oneHot(nLabels, target)], maskShape: [nLabels], ...integrationOptions(opts), compatDelta: compat },
      opts,
    );
    const t = ig.targets[0];
    const norm = normalizeAttributions(t.tokenSums, { flipSign: flip });
    const tokens = this.text.tokens(rows.inputIds);
    const logitsAtInput = Object.values(ig.outputsAtInput)[0]?.data ?? predictedLogits;
    const probs = single ? [sigmoid(logitsAtInput[0])] : Array.from(softmax(logitsAtInput));
    const name = (i: number): string => labelName(this.text.labels, i);
    const result: SequenceClassificationResult = {
      wordAttributions: toWordAttributions(tokens, norm.normalized),
      words: this.text.wordMapper(texts, rows)(norm.normalized),
      texts,
      rawAttributions: Array.from(norm.raw),
      tokens,
      inputIds: [...rows.inputIds],
      predictedClassIndex,
      predictedClassName: name(predictedClassIndex),
      predictedProbability: probs[predictedClassIndex],
      attributionClassIndex: target,
      attributionClassName: name(target),
      delta: t.delta,
      ...(auto ? { autoSteps: auto } : {}),
      ...algorithmField(opts),
    };
    if (opts.evaluate === true) {
      // The scores as computed (before flipSign): the ones that raise the explained probability.
      const [f] = await evaluateTextFaithfulness(this.text.model, rows, head, [{ mask: oneHot(nLabels, target), scores: t.tokenSums }], opts.signal ? { signal: opts.signal } : {});
      result.faithfulness = f;
    }
    markExplained(result, this.text.model);
    this.last = result;
    return result;
  }

  /**
   * Logits used for the prediction. Compat: the original predicts from `model(input_ids)`
   * alone (mask of ones, default token types); default: the real input as fed for attribution.
   */
  private async predictLogits(rows: TextInputs, compat: boolean): Promise<Float32Array> {
    const out = await forwardOutputs(this.text.model, compat ? { inputIds: rows.inputIds } : rows);
    const logits = out[this.text.model.outputNames[0]];
    if (!logits || logits.dims.length !== 2 || logits.dims[0] !== 1) {
      throw new ModelError(`This model's first output is not classification logits [batch, classes] (got dims ${logits ? JSON.stringify(logits.dims) : 'none'}). Use the explainer that matches the model's task.`, { code: 'wrong-model-kind' });
    }
    return logits.data;
  }
}


/**
 * Explains a sequence classifier (sentiment, topic, ...).
 *
 * @example
 * const explainer = await SequenceClassificationExplainer.fromPretrained('Xenova/distilbert-base-uncased-finetuned-sst-2-english');
 * const r = await explainer.explain('I love you, I like you');
 * console.log(r.predictedClassName, r.wordAttributions);
 */
export class SequenceClassificationExplainer extends SequenceExplainerBase {
  /** Explains one text. Options apply to this call only. */
  async explain(text: string, options?: SequenceExplainOptions | null): Promise<SequenceClassificationResult> {
    const opts = checkOptions(options, SEQUENCE_OPTION_KEYS);
    this.text.requireWords(text);
    requireHead(this.text, 'sequence', 'The text-classification explainer');
    const rows = this.text.fitLength(text, opts.truncation, (t) => buildSingleTextInputs(this.text.tokenizer, t, compatOf(opts)));
    return this.explainRows(rows, opts, false, [text]);
  }
}

/**
 * Explains a classifier of text pairs (NLI, cross-encoders).
 *
 * @example
 * const explainer = await PairwiseSequenceClassificationExplainer.fromPretrained('cross-encoder/ms-marco-MiniLM-L-6-v2');
 * const r = await explainer.explain('How many people live in Berlin?', 'Berlin has 3.5 million inhabitants.', { flipSign: true });
 */
export class PairwiseSequenceClassificationExplainer extends SequenceExplainerBase {
  /** Explains a pair of texts. Options apply to this call only. */
  async explain(text: string, textPair: string, options?: PairwiseExplainOptions | null): Promise<SequenceClassificationResult> {
    const opts = checkOptions(options, PAIRWISE_OPTION_KEYS);
    this.text.requireWords(text);
    this.text.requireWords(textPair, 'text pair');
    requireHead(this.text, 'sequence', 'The text-pair classification explainer');
    const rows = this.text.fitLength(text, opts.truncation, (t) => buildTextPairInputs(this.text.tokenizer, t, textPair, compatOf(opts)), 'text pair');
    return this.explainRows(rows, opts, true, [text, textPair]);
  }
}
