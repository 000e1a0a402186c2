/**
 * Options and result of {@link TextGenerationExplainer}: what a causal language model wrote
 * and which earlier tokens made each written token likely.
 *
 * @module
 */
import type { IntegrationMethod } from '../../../attribution/quadrature.js';
import type { AutoStepsInfo, TextWord } from '../../../types.js';

/** The most new tokens one explanation generates (each costs a row per path point). */
export const MAX_NEW_TOKENS_CAP = 64;

/** Default number of greedy tokens when neither `target` nor `maxNewTokens` is given. */
export const DEFAULT_MAX_NEW_TOKENS = 5;

/** Options of {@link TextGenerationExplainer.explain}. */
export interface TextGenerationExplainOptions {
  /** Greedy tokens to generate when no `target` is given (1..{@link MAX_NEW_TOKENS_CAP}, default 5). Generation stops early at end-of-sequence. */
  maxNewTokens?: number;
  /** A continuation to explain instead of generating (tokenised without special tokens). */
  target?: string;
  /** Integration steps (default 50) or `'auto'` (Gauss-Legendre counts until the normalised attributions settle). */
  nSteps?: number | 'auto';
  /** With `nSteps: 'auto'`: the max abs change of the normalised attributions accepted (default 1e-3). */
  tolerance?: number;
  /** Quadrature rule (default 'gausslegendre', as captum). */
  method?: IntegrationMethod;
  /** Token id whose embedding is the path's start at every attributed position (default 0, captum's default). */
  baseline?: number;
  /**
   * `'captum'`: captum 0.7's `LLMGradientAttribution(LayerIntegratedGradients)` on the token
   * embeddings: the path runs over the prompt positions only, earlier targets are fed as real
   * tokens, and `tokenAttributions[i]` has one score per prompt token. Default: prompt and
   * earlier targets are integrated alike (inseq's source-and-target view).
   */
  compat?: 'captum';
  /** Cut the prompt from the start when prompt plus target exceed the model's positions, instead of failing. */
  truncation?: boolean;
  /** Rows per model run; unset: chosen to fit memory. Does not change results. */
  internalBatchSize?: number | null;
  signal?: AbortSignal;
  /** Integration progress: rows done out of total. */
  onProgress?: (done: number, total: number) => void;
}

/** How many model runs an explanation took. */
export interface ModelRuns {
  /** Forward runs of greedy generation (0 with a given target). */
  generation: number;
  /** Runs of the embedding lookup and of the gradient graph (path ends plus integration chunks). */
  attribution: number;
}

/** Result of a text-generation explanation. */
export interface TextGenerationResult {
  task: 'text-generation';
  /** Optional: the model id or folder the result was computed with. */
  model?: string;
  /** Optional ground truth, shown in the table's "True Label" column. */
  trueLabel?: string;
  prompt: string;
  /** The explained continuation as text (generated, or the given target). */
  generatedText: string;
  promptIds: number[];
  /** Display tokens of the prompt (byte-level markers removed). */
  promptTokens: string[];
  targetIds: number[];
  targetTokens: string[];
  /**
   * Per target i: one score per attributed position, summed over the hidden axis: the prompt
   * and targets 0..i-1 (default), or the prompt only (`compat: 'captum'`).
   */
  tokenAttributions: number[][];
  /** Per prompt token: its attributions summed over the targets. */
  sequenceAttributions: number[];
  /**
   * The prompt's words (segment 0, offsets into `prompt`) scored by `sequenceAttributions`;
   * `tokens` index `promptIds`. Special tokens (BOS) are in no word; a prompt cut by
   * `truncation` has words only for the tokens kept.
   */
  words?: TextWord[];
  /**
   * Per target i: the words `tokenAttributions[i]` scores: the prompt's (segment 0, offsets
   * into `prompt`) and, unless `compat: 'captum'`, those of targets 0..i-1 (segment 1, offsets
   * into `generatedText`); `tokens` index `tokenAttributions[i]` (prompt positions, then
   * targets). A word whose tokens run past target i-1 holds only the part scored so far;
   * special tokens (an end-of-sequence target) are in no word.
   */
  targetWords?: TextWord[][];
  /** log p(target_i | prompt, target_<i) at the real input. */
  targetLogProbs: number[];
  /** Per target: sum of its attributions - (F(input) - F(baseline)), the completeness gap. */
  delta: number[];
  /** `'source-and-target'` (default) or `'captum'`. */
  attributedPositions: 'source-and-target' | 'captum';
  nSteps: number;
  modelRuns: ModelRuns;
  autoSteps?: AutoStepsInfo;
}
