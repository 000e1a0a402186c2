/**
 * Result shapes shared by the explainers, the CLI's JSON output and the Lit elements.
 *
 * These are a stable contract: the CLI prints exactly these objects (plus `task` and `model`),
 * and every element accepts them as its `result` property or as the same JSON.
 *
 * @module
 */

/** A token and its normalised attribution score, as transformers-interpret returns them. */
export type WordAttribution = [token: string, score: number];

/** Which explainer produced a result. */
export type Task =
  | 'text-classification'
  | 'text-pair-classification'
  | 'multi-label-classification'
  | 'zero-shot-classification'
  | 'question-answering'
  | 'token-classification'
  | 'image-classification'
  | 'text-generation';

/**
 * How `nSteps: 'auto'` chose the count (present only with `'auto'`).
 *
 * @example
 * ```ts
 * const r = await explainer.explain('Great film', { nSteps: 'auto' });
 * r.autoSteps; // { nSteps: 5, evaluations: 8, converged: true, stoppedBy: 'agreement', errorEstimate: 2e-4 }
 * ```
 */
export interface AutoStepsInfo {
  /** Gauss-Legendre node count of the returned answer. */
  nSteps: number;
  /** Path points evaluated over every count tried (per explained target; summed over zero-shot labels). */
  evaluations: number;
  /** Whether the tolerance was met (false: the schedule ran out; the last answer is returned). */
  converged: boolean;
  /** 'agreement': two counts agreed; 'extrapolation': geometric convergence predicted the error; 'schedule-end': neither. */
  stoppedBy: 'agreement' | 'extrapolation' | 'schedule-end';
  /** Estimated max abs error of the returned (normalised) attributions. */
  errorEstimate: number;
}

/**
 * Faithfulness of one explained text target (present with `evaluate: true`); see
 * `attribution/faithfulness.ts`. Higher comprehensiveness and lower sufficiency are better.
 */
export interface TextFaithfulnessInfo {
  /** Mean over the kept rationale sizes of p(x) - p(x without the rationale). */
  aopcComprehensiveness: number;
  /** Mean over the kept rationale sizes of p(x) - p(special tokens + rationale only). */
  aopcSufficiency: number;
  /** Kendall's tau-b between the scores and the leave-one-out drops (null when undefined). */
  tauLoo: number | null;
  /** The explained probability at the input. */
  p: number;
  /** Per kept fraction q: rationale size and both measures. */
  curve: { q: number; size: number; comprehensiveness: number; sufficiency: number }[];
}

/** Deletion / insertion faithfulness of an image explanation (present with `evaluate: true`). */
export interface ImageFaithfulnessInfo {
  /** Mean over the curve of p(x) - p(top-k patches at the baseline): higher is better. */
  aopcDeletion: number;
  /** Mean over the curve of p(top-k patches on the baseline) - p(baseline): higher is better. */
  aopcInsertion: number;
  /** Patches moved at each curve point. */
  steps: number[];
  deletion: number[];
  insertion: number[];
  /** Patch side in pixels. */
  patch: number;
}

/** The attribution algorithm of a result (absent: integrated gradients). */
export type AlgorithmName = 'integrated-gradients' | 'gradient-x-input' | 'saliency' | 'smoothgrad';

/** Marks an intermediate result of a progressive explanation (`<gradscope-explain progressive>`). */
export interface ProgressiveInfo {
  /** False while a better result is still coming. */
  final: boolean;
  /** What this result is: the one-pass preview, or an integrated-gradients refinement. */
  stage: 'gradient-x-input' | 'integrated-gradients';
  /** For IG stages: the node count of this refinement. */
  nSteps?: number;
}

/**
 * A word of the input text with its attribution: `text === texts[segment].slice(start, end)`,
 * offsets in UTF-16 code units into the text the caller passed (before any compat cleaning).
 * Special tokens belong to no word; a token that spells only whitespace neither.
 *
 * @example
 * ```ts
 * const r = await explainer.explain('I love it!');
 * r.words; // [{ text: 'I', start: 0, end: 1, score: 0.1, tokens: [1], segment: 0 }, { text: 'love', ... }, ...]
 * ```
 */
export interface TextWord {
  text: string;
  /** Offset of the first character in `texts[segment]`. */
  start: number;
  /** Offset one past the last character. */
  end: number;
  /** Sum of the (normalised) scores of its tokens. */
  score: number;
  /** Positions of its tokens in `tokens` / the attribution list. */
  tokens: number[];
  /** Which text: 0 the (first) text or the question, 1 the pair text, the QA context or the zero-shot hypothesis. */
  segment: 0 | 1;
}

/** Fields every text result carries. */
export interface TextResultBase {
  /**
   * Only for quantized or fp16 files: which function attributions and delta describe.
   * `'dequantized'`: the float network with the file's dequantized weights (activation
   * quantization taken as the identity); `'float32'`: the fp16 network computed in float32.
   * Predictions are always the file's own.
   */
  explained?: 'dequantized' | 'float32';
  /**
   * The texts `words` refer to, as the caller passed them: `[text]`, `[text, textPair]`,
   * `[question, context]`; zero-shot: `[text]` (its hypothesis words refer to `hypotheses[label]`).
   */
  texts?: string[];
  /** Tokens as the tokenizer produced them (byte-level marker `Ġ` removed). */
  tokens: string[];
  /** Token ids fed to the model. */
  inputIds: number[];
  /** Optional: present in CLI output and results passed through `withTask`. */
  task?: Task;
  /** Optional: the model id or folder the result was computed with. */
  model?: string;
  /** Optional ground-truth label, shown in the "True Label" column. */
  trueLabel?: string;
  /** Only with `nSteps: 'auto'`: how the count was chosen. */
  autoSteps?: AutoStepsInfo;
  /** Present when another algorithm than integrated gradients produced the scores. */
  algorithm?: AlgorithmName;
  /** Present on the intermediate and final results of a progressive explanation. */
  progressive?: ProgressiveInfo;
}

/** Result of {@link SequenceClassificationExplainer} and the pairwise explainer. */
export interface SequenceClassificationResult extends TextResultBase {
  wordAttributions: WordAttribution[];
  /** The attributions summed over the words of the input (see {@link TextWord}). */
  words?: TextWord[];
  /** Per-token sums over the hidden axis, before L2 normalisation (sign flipped when asked). */
  rawAttributions: number[];
  predictedClassIndex: number;
  predictedClassName: string;
  predictedProbability: number;
  attributionClassIndex: number;
  attributionClassName: string;
  /** Convergence delta: sum(attributions) - (F(x) - F(x')); NaN for algorithms other than IG. */
  delta: number;
  /** With `evaluate: true`. */
  faithfulness?: TextFaithfulnessInfo;
}

/** Result of the multi-label explainer: one attribution list per label. */
export interface MultiLabelResult extends TextResultBase {
  wordAttributions: Record<string, WordAttribution[]>;
  /** Words of the input per label. */
  words?: Record<string, TextWord[]>;
  rawAttributions: Record<string, number[]>;
  /** sigmoid(logit) per label. */
  labelProbabilities: Record<string, number>;
  deltas: Record<string, number>;
  /** With `evaluate: true`: per label. */
  faithfulness?: Record<string, TextFaithfulnessInfo>;
}

/** Result of the zero-shot explainer: one attribution list per candidate label. */
export interface ZeroShotResult extends TextResultBase {
  wordAttributions: Record<string, WordAttribution[]>;
  /** Words per label: the text's (segment 0) and the hypothesis' (segment 1, offsets into `hypotheses[label]`). */
  words?: Record<string, TextWord[]>;
  /** The hypothesis built for each label. */
  hypotheses?: Record<string, string>;
  rawAttributions: Record<string, number[]>;
  predictedLabel: string;
  /** Entailment sigmoids normalised to sum 1 over the candidate labels. */
  labelScores: Record<string, number>;
  /** The entailment probability that was explained, per label. */
  labelProbabilities: Record<string, number>;
  deltas: Record<string, number>;
  /** Tokens per label (the hypothesis differs per label). */
  tokensByLabel?: Record<string, string[]>;
  /** With `evaluate: true`: per label. */
  faithfulness?: Record<string, TextFaithfulnessInfo>;
}

/** Result of the question-answering explainer. */
export interface QuestionAnsweringResult extends TextResultBase {
  wordAttributions: { start: WordAttribution[]; end: WordAttribution[] };
  /** Words of the question (segment 0) and the context (segment 1), for the start and the end. */
  words?: { start: TextWord[]; end: TextWord[] };
  rawAttributions: { start: number[]; end: number[] };
  predictedAnswer: string;
  startPosition: number;
  endPosition: number;
  startProbability?: number;
  endProbability?: number;
  deltas: { start: number; end: number };
  /** With `evaluate: true`: start and end (p = the max start / end logit, the explained scalar). */
  faithfulness?: { start: TextFaithfulnessInfo; end: TextFaithfulnessInfo };
}

/** One explained token of a token-classification result. */
export interface TokenAttributionEntry {
  /** Position of the token in the input (unique, unlike the original's token-keyed dict). */
  index: number;
  token: string;
  /** Predicted label of this token. */
  label: string;
  /** Probability of that label at that token. */
  probability?: number;
  attributions: WordAttribution[];
  /** The attributions summed over the words of the input. */
  words?: TextWord[];
  rawAttributions?: number[];
  delta?: number;
  /** With `evaluate: true` (the explained token stays in place in every perturbed input). */
  faithfulness?: TextFaithfulnessInfo;
}

/** Result of the token-classification explainer, keyed by token position. */
export interface TokenClassificationResult extends TextResultBase {
  wordAttributions: TokenAttributionEntry[];
  /** Predicted label for every token. */
  predictedLabels: string[];
}

/** Result of the image-classification explainer. */
export interface ImageClassificationResult {
  /**
   * Only for quantized or fp16 files: which function attributions and delta describe.
   * `'dequantized'`: the float network with the file's dequantized weights (activation
   * quantization taken as the identity); `'float32'`: the fp16 network computed in float32.
   * Predictions are always the file's own.
   */
  explained?: 'dequantized' | 'float32';
  /** Attributions over `pixel_values`, shape [1, 3, H, W], row-major. */
  attributions: Float32Array;
  shape: [number, number, number, number];
  predictedClassIndex: number;
  predictedClassName: string;
  predictedProbability: number;
  attributionClassIndex: number;
  attributionClassName: string;
  /** Convergence delta (IG only; NaN for other algorithms, absent for IGNT). */
  delta?: number;
  /** Only with `nSteps: 'auto'` (IG): how the count was chosen. */
  autoSteps?: AutoStepsInfo;
  /** Present when another algorithm than integrated gradients produced the attributions. */
  algorithm?: AlgorithmName;
  /** The model input the attributions refer to, [1, 3, H, W], when kept. */
  pixelValues?: Float32Array;
  /** With `evaluate: true`. */
  faithfulness?: ImageFaithfulnessInfo;
  task?: Task;
  model?: string;
  trueLabel?: string;
}

/** The JSON form of an image result (CLI output): tensors as base64 little-endian float32. */
export interface EncodedTensor {
  shape: number[];
  dtype: 'float32';
  base64: string;
}

/** Any result an element can render. */
export type ExplanationResult =
  | SequenceClassificationResult
  | MultiLabelResult
  | ZeroShotResult
  | QuestionAnsweringResult
  | TokenClassificationResult
  | ImageClassificationResult
  | TextGenerationResult;

export type { TextGenerationResult, ModelRuns } from './explainers/text/generation/types.js';
import type { TextGenerationResult } from './explainers/text/generation/types.js';
