/**
 * ZeroShotClassificationExplainer: an NLI model asked "does the text entail <hypothesis about
 * label>?" for each candidate label, explained as transformers-interpret does it.
 */
import { normalizeAttributions, toWordAttributions } from '../../attribution/normalize.js';
import { InputError, ModelError } from '../../errors.js';
import type { ZeroShotResult } from '../../types.js';
import { type OutputArrays } from '../core/head-eval.js';
import { forwardOutputs } from './forward.js';
import { mergeAutoSteps } from '../core/steps.js';
import type { AutoStepsInfo } from '../../types.js';
import { DEFAULT_HYPOTHESIS_TEMPLATE, formatHypothesis } from './hypothesis.js';
import { buildZeroShotInputs, zeroShotSliceEnd, type TextInputs } from './inputs.js';
import { isBlank, requireHead, resolveEmbeddingLayer, type EmbeddingType } from './text-model.js';
import { argmax, sigmoid, oneHot } from '../core/math.js';
import { normalizedTokenSums, textIntegratedGradientsSteps } from './text-steps.js';
import { checkOptions, compatOf, integrationOptions, TEXT_OPTION_KEYS, type CommonExplainOptions } from '../core/options.js';
import { TextExplainer } from './text-explainer.js';
import { markExplained } from '../core/loaded-model.js';
import { algorithmField, requireEvaluable } from '../core/evaluate.js';
import { evaluateTextFaithfulness } from './text-faithfulness.js';

/** Options of a zero-shot explanation. */
export interface ZeroShotExplainOptions extends CommonExplainOptions {
  /** Python format string with one `{}` for the label. Default `"this text is about {} ."`. */
  hypothesisTemplate?: string;
  /** Return (and normalise over) the hypothesis tokens too. Default false: the text part only. */
  includeHypothesis?: boolean;
  /** Layer to integrate: word embeddings ('word' / 0, default) or position embeddings ('position' / 1). */
  embeddingType?: 'word' | 'position' | 0 | 1;
  /** Called with warnings (e.g. position embeddings falling back to word embeddings). Default console.warn. */
  onWarning?: (message: string) => void;
}

const EMBEDDING_TYPES: readonly EmbeddingType[] = ['word', 'position', 0, 1];

/** The option keys of {@link ZeroShotClassificationExplainer.explain}. */
export const ZERO_SHOT_OPTION_KEYS = [...TEXT_OPTION_KEYS, 'hypothesisTemplate', 'includeHypothesis'] as const;

/**
 * Index of the model's entailment class, as transformers-interpret looks it up ("entailment"
 * or "ENTAILMENT"); any other casing is accepted too, since it names the same class.
 */
export function entailmentIndex(labels: readonly string[]): number {
  let i = labels.indexOf('entailment');
  if (i < 0) i = labels.indexOf('ENTAILMENT');
  if (i < 0) i = labels.findIndex((l) => l.toLowerCase() === 'entailment');
  if (i < 0) {
    throw new ModelError(
      `Zero-shot classification needs an NLI model with an "entailment" label, but this model's labels are ${labels.map((l) => JSON.stringify(l)).join(', ') || '(none)'}. ` +
        'Use an NLI model (e.g. one fine-tuned on MNLI), or pass customLabels naming its entailment class "entailment".',
      { code: 'no-entailment-label' },
    );
  }
  return i;
}

function checkLabels(labels: unknown): string[] {
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new InputError('Zero-shot classification needs candidate labels: pass a non-empty array of strings, e.g. ["finance", "sports"].', { code: 'missing-labels' });
  }
  const seen = new Set<string>();
  for (const l of labels) {
    if (typeof l !== 'string' || isBlank(l)) {
      throw new InputError(`Every candidate label must be a non-empty string, got ${JSON.stringify(l)}.`, { code: 'bad-labels' });
    }
    // Results are keyed by label, so a repeated label would overwrite itself.
    if (seen.has(l)) throw new InputError(`The candidate label "${l}" is given twice; give each label once.`, { code: 'bad-labels' });
    seen.add(l);
  }
  return labels as string[];
}

/**
 * Explains zero-shot classification with an NLI model: for each candidate label, which tokens
 * made the model think the text entails "this text is about <label> .".
 *
 * @example
 * const explainer = await ZeroShotClassificationExplainer.fromPretrained('Xenova/distilbert-base-uncased-mnli');
 * const r = await explainer.explain('Apple released a new laptop today.', ['finance', 'technology', 'sports']);
 * console.log(r.predictedLabel, r.labelScores, r.wordAttributions.technology);
 */
export class ZeroShotClassificationExplainer extends TextExplainer<ZeroShotResult> {
  /** The last result's word attributions per candidate label. */
  get wordAttributions(): ZeroShotResult['wordAttributions'] | undefined { return this.last?.wordAttributions; }

  /** The last result's predicted label. */
  get predictedLabel(): string | undefined { return this.last?.predictedLabel; }

  /**
   * Explains `text` against each candidate label. Options apply to this call only.
   *
   * @throws InputError for no labels or a bad template; ModelError for a model without an entailment class.
   */
  async explain(text: string, labels: string[], options?: ZeroShotExplainOptions | null): Promise<ZeroShotResult> {
    const opts = checkOptions(options, ZERO_SHOT_OPTION_KEYS);
    this.text.requireWords(text);
    const candidates = checkLabels(labels);
    requireEvaluable('zero-shot-classification', opts);
    requireHead(this.text, 'sequence', 'The zero-shot explainer');
    const entailment = entailmentIndex(this.text.labels);
    const nClasses = this.text.labels.length;
    const cut = resolveEmbeddingLayer(this.text, opts.embeddingType ?? 'word', EMBEDDING_TYPES, opts.onWarning);
    const compat = compatOf(opts);
    const template = opts.hypothesisTemplate ?? DEFAULT_HYPOTHESIS_TEMPLATE;
    const hypotheses = candidates.map((l) => formatHypothesis(template, l));
    const fit = (clean: boolean | undefined, hypothesis: string): TextInputs =>
      this.text.fitLength(text, opts.truncation, (t) => buildZeroShotInputs(this.text.tokenizer, t, hypothesis, { ...compat, ...(clean === undefined ? {} : { clean }) }), 'text and hypothesis');

    const result: ZeroShotResult = {
      wordAttributions: {},
      rawAttributions: {},
      predictedLabel: '',
      labelScores: {},
      labelProbabilities: {},
      deltas: {},
      tokens: [],
      inputIds: [],
      tokensByLabel: {},
      texts: [text],
      words: {},
      hypotheses: {},
    };
    const entailmentLogits: number[] = [];
    const autos: (AutoStepsInfo | undefined)[] = [];
    // Each hypothesis is a different input (its ids differ), so each label is one integration.
    for (const [k, label] of candidates.entries()) {
      const rows = fit(undefined, hypotheses[k]);
      // Progress over the whole call: every label integrates the same number of rows.
      const progress = opts.onProgress;
      const end = zeroShotSliceEnd(rows, { ...compat, includeHypothesis: opts.includeHypothesis === true });
      const { result: ig, autoSteps } = await textIntegratedGradientsSteps(
        this.text.model,
        {
          rows,
          cut,
          head: { kind: 'classification', activation: 'softmax' },
          targets: [oneHot(nClasses, entailment)],
          maskShape: [nClasses],
          ...integrationOptions(opts),
          ...(progress ? { onProgress: (done: number, total: number) => progress(k * total + done, candidates.length * total) } : {}),
          compatDelta: compat.compat !== undefined,
        },
        opts,
        (r) => normalizedTokenSums(r, end),
      );
      autos.push(autoSteps);
      const t = ig.targets[0];
      const norm = normalizeAttributions(t.tokenSums, { end });
      const tokens = this.text.tokens(rows.inputIds);
      result.wordAttributions[label] = toWordAttributions(tokens, norm.normalized);
      // Hypothesis words (segment 1) refer to hypotheses[label]; only tokens that have a score
      // (compat cuts the scores at the end of the text) make words.
      const scored = norm.normalized.length;
      const words = this.text.wordMapper([text, hypotheses[k]], rows)(norm.normalized).filter((w) => w.tokens.every((i) => i < scored));
      (result.words ??= {})[label] = words;
      (result.hypotheses ??= {})[label] = hypotheses[k];
      result.rawAttributions[label] = Array.from(norm.raw);
      result.labelProbabilities[label] = t.fInput;
      result.deltas[label] = t.delta;
      (result.tokensByLabel ??= {})[label] = tokens;
      if (opts.evaluate === true) {
        const [f] = await evaluateTextFaithfulness(this.text.model, rows, { kind: 'classification', activation: 'softmax' }, [{ mask: oneHot(nClasses, entailment), scores: t.tokenSums }], { end, ...(opts.signal ? { signal: opts.signal } : {}) });
        (result.faithfulness ??= {})[label] = f;
      }
      if (k === 0) {
        result.tokens = tokens;
        result.inputIds = [...rows.inputIds];
      }
      // The prediction: compat mode runs it on the RAW text (the original cleans only for the
      // attribution); by default it is the very input explained, i.e. the outputs at alpha = 1.
      const outputs: OutputArrays = compat.compat !== undefined ? await this.forwardRaw(fit(false, hypotheses[k])) : ig.outputsAtInput;
      entailmentLogits.push(Object.values(outputs)[0].data[entailment]);
    }

    const sig = entailmentLogits.map(sigmoid);
    const total = sig.reduce((a, b) => a + b, 0);
    candidates.forEach((l, i) => (result.labelScores[l] = sig[i] / total));
    result.predictedLabel = candidates[argmax(sig)];
    Object.assign(result, algorithmField(opts));
    const auto = mergeAutoSteps(autos);
    if (auto) result.autoSteps = auto;
    markExplained(result, this.text.model);
    this.last = result;
    return result;
  }

  /** The original's prediction pass: the raw-text rows with its token types, positions and mask. */
  private forwardRaw(rows: TextInputs): Promise<OutputArrays> {
    return forwardOutputs(this.text.model, { inputIds: rows.inputIds, attentionMask: rows.attentionMask, tokenTypeIds: rows.tokenTypeIds });
  }
}
