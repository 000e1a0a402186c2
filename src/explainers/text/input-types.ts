/**
 * The shapes of text inputs: what the builders in `inputs.ts` take (a minimal tokenizer
 * interface and options) and what they return (the rows fed to the model).
 *
 * @module
 */
/** Special token ids of a tokenizer; `null`/missing when it has none. */
export interface SpecialTokenIds {
  readonly cls?: number | null;
  readonly sep?: number | null;
  readonly pad?: number | null;
  readonly bos?: number | null;
  readonly eos?: number | null;
}

/** Options of {@link TextTokenizer.encode}. */
export interface EncodeOptions {
  /** Second text of a pair (the tokenizer's pair template). */
  readonly pair?: string | null;
  /** Apply the tokenizer's template (`[CLS] ... [SEP]`); default false. */
  readonly addSpecialTokens?: boolean;
}

/** Output of {@link TextTokenizer.encode}. */
export interface EncodedText {
  readonly ids: readonly number[];
  /** Token types as the tokenizer gives them; missing when it gives none (e.g. RoBERTa). */
  readonly tokenTypeIds?: readonly number[] | null;
}

/** What the input builders need from a tokenizer. */
export interface TextTokenizer {
  /** `config.model_type` of the model (decides gpt2's pad and RoBERTa's pair baseline). */
  readonly modelType?: string;
  readonly specialTokenIds: SpecialTokenIds;
  /** Token ids of `text` (and `pair`), like Python's `tokenizer.encode` / `tokenizer(text, pair)`. */
  encode(text: string, options?: EncodeOptions): EncodedText;
}

/** The only compat mode there is. */
export type CompatMode = 'transformers-interpret';

/** Common options of the builders. */
export interface BuildOptions {
  /** `'transformers-interpret'` reproduces the original's rows; default: the real input. */
  readonly compat?: CompatMode | null;
}

/** Half-open token range `[start, end)`. */
export interface TokenSpan {
  readonly start: number;
  readonly end: number;
}

/** The rows of one explained input. All arrays have the sequence length T. */
export interface TextInputs {
  /** The first text as tokenised (after cleaning when the mode cleans). */
  readonly text: string;
  /** The second text (pair, hypothesis or context) as tokenised; absent for single texts. */
  readonly textPair?: string;
  /** Present when the text was cleaned (compat mode): the same as `text`. */
  readonly cleanedText?: string;
  readonly inputIds: number[];
  /** Baseline ids: special tokens kept, every text token replaced by the reference (pad) id. */
  readonly refInputIds: number[];
  readonly tokenTypeIds: number[];
  /** All zeros. */
  readonly refTokenTypeIds: number[];
  /** `0 .. T-1`. Not for RoBERTa-like models, whose positions start after the pad id. */
  readonly positionIds: number[];
  /** All zeros. */
  readonly refPositionIds: number[];
  /** All ones. */
  readonly attentionMask: number[];
  /**
   * The original's `sep_idx`: number of tokens of the first text (sequence, multi-label,
   * token classification, zero-shot), of the question (QA), or that + 1 (pairwise). Compat-mode
   * token types are `0 if i <= sepIdx else 1`, and compat zero-shot scores are cut to `[:sepIdx]`.
   */
  readonly sepIdx: number;
  /** Where the first text's tokens are. */
  readonly textSpan: TokenSpan;
  /** Where the second text's tokens are (pairs, zero-shot hypothesis, QA context). */
  readonly pairSpan?: TokenSpan;
}

/** Which single-text explainer the rows are for. */
export type SingleTextTask = 'sequence-classification' | 'multi-label-classification' | 'token-classification';

/** Options of {@link buildSingleTextInputs}. */
export interface SingleTextOptions extends BuildOptions {
  /** Default 'sequence-classification'. */
  readonly task?: SingleTextTask;
  /** Override the mode's cleaning (compat cleans, default does not). */
  readonly clean?: boolean;
}

/** Options of {@link buildZeroShotInputs}. */
export interface ZeroShotOptions extends BuildOptions {
  /**
   * Override the mode's cleaning. Compat mode cleans the text for the attribution pass; pass
   * `clean: false` for the original's prediction pass, which runs on the raw text.
   */
  readonly clean?: boolean;
}

/** Special ids after the original's fallbacks (cls -> bos, sep -> eos, gpt2 pad -> eos). */
export interface ResolvedSpecialTokens {
  readonly cls: number | null;
  readonly sep: number | null;
  /** The baseline id (`ref_token_id`). */
  readonly ref: number;
}
