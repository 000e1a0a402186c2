/**
 * TextGenerationExplainer: which tokens made a causal language model write what it wrote.
 * Greedy generation (or a given continuation), then integrated gradients of
 * log p(target_i | prompt, target_<i) for every target token in shared batched runs.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import type { TextWord } from '../../../types.js';
import { requireEvaluable } from '../../core/evaluate.js';
import { checkCommon, checkOptionKeys, COMMON_OPTION_KEYS } from '../../core/options.js';
import { withSteps } from '../../core/steps.js';
import { TextExplainer } from '../text-explainer.js';
import { requireText, TextModel } from '../text-model.js';
import { normalizedTokenSums } from '../text-steps.js';
import { lmIntegratedGradients, type LmIgResult } from './attribute.js';
import { checkBaseline, checkCompat, checkMaxNewTokens, checkTarget, requireCausalLm } from './checks.js';
import { greedyGenerate } from './greedy.js';
import { generationWordMapper } from './words.js';
import { kvLayout, type KvLayout, type LmConfig } from './lm-feeds.js';
import { DEFAULT_MAX_NEW_TOKENS, type TextGenerationExplainOptions, type TextGenerationResult } from './types.js';

/** The option keys `explain()` takes; any other key is refused (`unknown-option`), naming these. */
export const GENERATION_OPTION_KEYS = [
  // Progressive refinement and SmoothGrad's knobs do not apply: generation explains with IG only.
  ...COMMON_OPTION_KEYS.filter((k) => !['onRefine', 'smoothGradSamples', 'smoothGradNoise', 'seed'].includes(k)),
  'compat',
  'truncation',
  'maxNewTokens',
  'target',
  'baseline',
] as const;

interface CausalLmConfig extends LmConfig {
  architectures?: string[];
  vocab_size?: number;
  eos_token_id?: number | number[] | null;
  n_positions?: number;
  n_ctx?: number;
  max_position_embeddings?: number;
}

/**
 * Explains a causal language model's continuation of a prompt.
 *
 * @example
 * const ex = await TextGenerationExplainer.fromPretrained('Xenova/gpt2');
 * const r = await ex.explain('The movie was great because', { maxNewTokens: 5 });
 * console.log(r.generatedText, r.tokenAttributions[0]);
 */
export class TextGenerationExplainer extends TextExplainer<TextGenerationResult> {
  private readonly layout: KvLayout;

  /** Wraps a loaded model; throws `wrong-model-kind` for a model that is not a causal LM. */
  constructor(text: TextModel) {
    super(text);
    const cfg = this.config;
    requireCausalLm(text.model.onnx.graph, cfg.architectures ?? []);
    this.layout = kvLayout(text.model.onnx.graph, cfg);
  }

  private get config(): CausalLmConfig {
    return this.text.model.config as unknown as CausalLmConfig;
  }

  /** Positions the model has (n_positions / max_position_embeddings; the tokenizer's limit when smaller). */
  get maxPositions(): number {
    const c = this.config;
    return Math.min(c.n_positions ?? c.max_position_embeddings ?? c.n_ctx ?? Infinity, this.text.maxLength);
  }

  /** Size of the vocabulary (the logits' last axis). */
  get vocabSize(): number {
    const logits = this.text.model.onnx.graph.outputs.find((o) => o.name === 'logits') ?? this.text.model.onnx.graph.outputs[0];
    const last = logits.shape?.[2];
    return typeof last === 'number' ? last : Number(this.config.vocab_size ?? 0);
  }

  private eosIds(): Set<number> {
    const e = this.config.eos_token_id;
    const ids = new Set<number>(Array.isArray(e) ? e : typeof e === 'number' ? [e] : []);
    const tokEos = this.text.tokenizer.specialTokenIds.eos;
    if (typeof tokEos === 'number') ids.add(tokEos);
    return ids;
  }

  /**
   * Generates (or takes `target`) and explains each token of the continuation.
   *
   * @example
   * const r = await ex.explain('Berlin is a city in', { target: ' Germany', compat: 'captum' });
   */
  async explain(prompt: string, options: TextGenerationExplainOptions | null = {}): Promise<TextGenerationResult> {
    const opts = checkOptionKeys(options, GENERATION_OPTION_KEYS);
    requireText(prompt, 'prompt');
    requireEvaluable('text-generation', opts as { evaluate?: boolean });
    const algorithm = (opts as { algorithm?: unknown }).algorithm;
    if (algorithm !== undefined && algorithm !== 'integrated-gradients') {
      throw new InputError(`algorithm ${JSON.stringify(algorithm)} is not available for text generation yet; it explains with integrated-gradients. Drop the algorithm option.`, { code: 'algorithm-unsupported' });
    }
    checkCompat(opts);
    checkMaxNewTokens(opts.maxNewTokens);
    checkTarget(opts.target);
    checkBaseline(opts.baseline, this.vocabSize);
    checkCommon({
      ...(opts.nSteps !== undefined ? { nSteps: opts.nSteps } : {}),
      ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}),
      ...(opts.method !== undefined ? { method: opts.method } : {}),
      ...(opts.internalBatchSize !== undefined ? { internalBatchSize: opts.internalBatchSize } : {}),
    });
    const tok = this.text.tokenizer;
    let promptIds = [...tok.encode(prompt, { addSpecialTokens: true }).ids];
    const given = opts.target === undefined ? undefined : [...tok.encode(opts.target, { addSpecialTokens: false }).ids];
    if (given && given.length === 0) throw new InputError('The target has no tokens. Pass a non-empty continuation.', { code: 'empty-target' });
    const newTokens = given ? given.length : (opts.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS);
    promptIds = this.fit(promptIds, newTokens, opts.truncation === true);

    let targetIds: number[];
    let generationRuns = 0;
    if (given) targetIds = given;
    else {
      const gen = await greedyGenerate(await this.text.model.forward(), this.layout, promptIds, newTokens, this.eosIds(), opts.signal);
      targetIds = gen.ids;
      generationRuns = gen.runs;
    }

    const captum = opts.compat === 'captum';
    let attributionRuns = 0;
    const { result: ig, autoSteps } = await withSteps<LmIgResult & { nSteps: number }>(
      { ...(opts.nSteps !== undefined ? { nSteps: opts.nSteps } : {}), ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}), ...(opts.signal ? { signal: opts.signal } : {}) },
      async (n) => {
        const nSteps = n ?? 50;
        const r = await lmIntegratedGradients(this.text.model, {
          layout: this.layout,
          promptIds,
          targetIds,
          vocabSize: this.vocabSize,
          baselineId: opts.baseline ?? 0,
          promptOnly: captum,
          nSteps,
          method: opts.method ?? 'gausslegendre',
          ...(opts.internalBatchSize !== undefined ? { internalBatchSize: opts.internalBatchSize } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        });
        attributionRuns += r.runs;
        return { ...r, nSteps };
      },
      (r) => normalizedTokenSums(r),
    );

    const P = promptIds.length;
    const tokenAttributions = ig.targets.map((t) => Array.from(t.tokenSums));
    const sequenceAttributions = new Array<number>(P).fill(0);
    for (const row of tokenAttributions) for (let j = 0; j < P; j++) sequenceAttributions[j] += row[j];
    const generatedText = opts.target ?? this.decode(targetIds);
    const words = this.wordMapper(prompt, generatedText, promptIds, targetIds);
    const result: TextGenerationResult = {
      task: 'text-generation',
      prompt,
      generatedText,
      promptIds: [...promptIds],
      promptTokens: this.tokens(promptIds),
      targetIds: [...targetIds],
      targetTokens: this.tokens(targetIds),
      tokenAttributions,
      sequenceAttributions,
      words: words(sequenceAttributions),
      targetWords: tokenAttributions.map(words),
      targetLogProbs: ig.targets.map((t) => t.fInput),
      delta: ig.targets.map((t) => t.delta),
      attributedPositions: captum ? 'captum' : 'source-and-target',
      nSteps: ig.nSteps,
      modelRuns: { generation: generationRuns, attribution: attributionRuns },
      ...(autoSteps ? { autoSteps } : {}),
    };
    this.last = result;
    return result;
  }

  private wordMapper(prompt: string, generatedText: string, promptIds: readonly number[], targetIds: readonly number[]): (scores: readonly number[]) => TextWord[] {
    const tok = this.text.tokenizer;
    const specialIds = new Set(Object.values(tok.specialTokenIds).filter((v): v is number => typeof v === 'number'));
    return generationWordMapper({ spec: this.text.wordSpec, idToToken: (id) => tok.idToToken(id), specialIds }, prompt, generatedText, promptIds, targetIds);
  }

  /**
   * Display tokens; ids the tokenizer does not know (models whose logits are wider than the
   * vocabulary, e.g. padded to a multiple of 64) show as `[id N]` instead of failing.
   */
  private tokens(ids: readonly number[]): string[] {
    const tok = this.text.tokenizer;
    return ids.map((id) => (tok.idToToken(id) === undefined ? `[id ${id}]` : this.text.tokens([id])[0]));
  }

  private decode(ids: readonly number[]): string {
    const known = ids.every((id) => this.text.tokenizer.idToToken(id) !== undefined);
    return known && this.text.tokenizer.decode ? this.text.tokenizer.decode(ids) : this.tokens(ids).join('');
  }

  /** Prompt ids that leave room for `newTokens`: unchanged, cut from the start (truncation), or a typed error. */
  private fit(promptIds: number[], newTokens: number, truncation: boolean): number[] {
    const max = this.maxPositions;
    if (promptIds.length + newTokens <= max) return promptIds;
    if (!truncation || newTokens >= max) {
      throw new InputError(
        `The prompt (${promptIds.length} tokens) plus ${newTokens} target tokens exceed the model's ${max} positions. Shorten the prompt or the target, or pass truncation: true to drop the prompt's first tokens.`,
        { code: 'input-too-long' },
      );
    }
    return promptIds.slice(promptIds.length + newTokens - max);
  }
}
