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
  | 'image-classification';

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

/** Fields every text result carries. */
export interface TextResultBase {
  /**
   * Only for quantized or fp16 files: which function attributions and delta describe.
   * `'dequantized'`: the float network with the file's dequantized weights (activation
   * quantization taken as the identity); `'float32'`: the fp16 network computed in float32.
   * Predictions are always the file's own.
   */
  explained?: 'dequantized' | 'float32';
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
}

/** Result of {@link SequenceClassificationExplainer} and the pairwise explainer. */
export interface SequenceClassificationResult extends TextResultBase {
  wordAttributions: WordAttribution[];
  /** Per-token sums over the hidden axis, before L2 normalisation (sign flipped when asked). */
  rawAttributions: number[];
  predictedClassIndex: number;
  predictedClassName: string;
  predictedProbability: number;
  attributionClassIndex: number;
  attributionClassName: string;
  /** Convergence delta: sum(attributions) - (F(x) - F(x')). */
  delta: number;
}

/** Result of the multi-label explainer: one attribution list per label. */
export interface MultiLabelResult extends TextResultBase {
  wordAttributions: Record<string, WordAttribution[]>;
  rawAttributions: Record<string, number[]>;
  /** sigmoid(logit) per label. */
  labelProbabilities: Record<string, number>;
  deltas: Record<string, number>;
}

/** Result of the zero-shot explainer: one attribution list per candidate label. */
export interface ZeroShotResult extends TextResultBase {
  wordAttributions: Record<string, WordAttribution[]>;
  rawAttributions: Record<string, number[]>;
  predictedLabel: string;
  /** Entailment sigmoids normalised to sum 1 over the candidate labels. */
  labelScores: Record<string, number>;
  /** The entailment probability that was explained, per label. */
  labelProbabilities: Record<string, number>;
  deltas: Record<string, number>;
  /** Tokens per label (the hypothesis differs per label). */
  tokensByLabel?: Record<string, string[]>;
}

/** Result of the question-answering explainer. */
export interface QuestionAnsweringResult extends TextResultBase {
  wordAttributions: { start: WordAttribution[]; end: WordAttribution[] };
  rawAttributions: { start: number[]; end: number[] };
  predictedAnswer: string;
  startPosition: number;
  endPosition: number;
  startProbability?: number;
  endProbability?: number;
  deltas: { start: number; end: number };
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
  rawAttributions?: number[];
  delta?: number;
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
  /** Convergence delta (IG only). */
  delta?: number;
  /** Only with `nSteps: 'auto'` (IG): how the count was chosen. */
  autoSteps?: AutoStepsInfo;
  /** The model input the attributions refer to, [1, 3, H, W], when kept. */
  pixelValues?: Float32Array;
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
  | ImageClassificationResult;
