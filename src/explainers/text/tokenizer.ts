/**
 * Adapter from a transformers.js (4.x) tokenizer to the minimal {@link TextTokenizer} the input
 * builders use. Structural types only: this module does not import transformers.js.
 *
 * @module
 */

import { ModelError } from '../../errors.js';
import type { EncodeOptions, EncodedText, SpecialTokenIds, TextTokenizer } from './inputs.js';

/** Options transformers.js's tokenizer call accepts (the subset used here). */
export interface TransformersJsCallOptions {
  text_pair?: string | null;
  add_special_tokens?: boolean;
  return_tensor: false;
}

/** The parts of a transformers.js `PreTrainedTokenizer` the adapter uses. */
export interface TransformersJsTokenizerLike {
  /** The tokenizer's call (`tokenizer(text, options)`), which returns plain arrays with `return_tensor: false`. */
  _call(text: string, options: TransformersJsCallOptions): unknown;
  get_vocab(): Map<string, number>;
  /** Ids back to text (transformers.js `decode`); optional so that test doubles may omit it. */
  decode?(ids: number[], options: { skip_special_tokens?: boolean }): string;
  readonly pad_token_id?: number | null;
  readonly sep_token_id?: number | null;
  readonly bos_token_id?: number | null;
  readonly eos_token_id?: number | null;
  /** tokenizer_config.json; transformers.js 4 has no `cls_token_id`, so `cls_token` is read from here. */
  readonly _tokenizerConfig?: Readonly<Record<string, unknown>>;
}

/** A {@link TextTokenizer} that can also turn ids back into tokens. */
export interface VocabTextTokenizer extends TextTokenizer {
  /** Python's `convert_ids_to_tokens` for one id (byte-level markers kept). */
  idToToken(id: number): string | undefined;
  /** Ids back to text, special tokens skipped (the tokenizer's decoder); absent when the tokenizer cannot decode. */
  decode?(ids: readonly number[]): string;
}

/**
 * Wraps a transformers.js tokenizer. `cls` comes from `tokenizer_config.json`'s `cls_token`;
 * `overrides` replaces any special id (e.g. from `special_tokens_map.json`, which
 * transformers.js does not read).
 *
 * @example
 * ```ts
 * const tok = await AutoTokenizer.from_pretrained('bert-3class');
 * const textTok = fromTransformersJs(tok, config.model_type);
 * buildSingleTextInputs(textTok, 'Fine.', { compat: 'transformers-interpret' });
 * ```
 */
export function fromTransformersJs(
  tokenizer: TransformersJsTokenizerLike,
  modelType?: string,
  overrides: SpecialTokenIds = {},
): VocabTextTokenizer {
  const vocab = tokenizer.get_vocab();
  let inverse: Map<number, string> | undefined;
  const clsName = tokenContent(tokenizer._tokenizerConfig?.cls_token);
  const specialTokenIds: SpecialTokenIds = {
    cls: clsName !== undefined ? (vocab.get(clsName) ?? null) : null,
    sep: tokenizer.sep_token_id ?? null,
    pad: tokenizer.pad_token_id ?? null,
    bos: tokenizer.bos_token_id ?? null,
    eos: tokenizer.eos_token_id ?? null,
    ...overrides,
  };
  return {
    ...(modelType !== undefined ? { modelType } : {}),
    specialTokenIds,
    encode(text: string, options: EncodeOptions = {}): EncodedText {
      const out = tokenizer._call(text, {
        text_pair: options.pair ?? null,
        add_special_tokens: options.addSpecialTokens ?? false,
        return_tensor: false,
      });
      return toEncoded(out);
    },
    ...(tokenizer.decode ? { decode: (ids: readonly number[]): string => tokenizer.decode?.([...ids], { skip_special_tokens: true }) ?? '' } : {}),
    idToToken(id: number): string | undefined {
      if (!inverse) {
        inverse = new Map();
        for (const [token, tokenId] of vocab) if (!inverse.has(tokenId)) inverse.set(tokenId, token);
      }
      return inverse.get(id);
    },
  };
}

function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // tokenizer_config.json may hold an AddedToken object: { content: "[CLS]", ... }.
  if (value && typeof value === 'object' && 'content' in value) {
    const content = (value as { content: unknown }).content;
    if (typeof content === 'string') return content;
  }
  return undefined;
}

function toEncoded(out: unknown): EncodedText {
  if (!out || typeof out !== 'object' || !('input_ids' in out)) {
    throw new ModelError('The tokenizer call did not return input_ids; is tokenizer.json a text tokenizer?', { code: 'bad-tokenizer' });
  }
  const o = out as { input_ids: unknown; token_type_ids?: unknown };
  const ids = toNumbers(o.input_ids, 'input_ids');
  const types = o.token_type_ids === undefined ? null : toNumbers(o.token_type_ids, 'token_type_ids');
  return { ids, tokenTypeIds: types };
}

function toNumbers(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) throw new ModelError(`The tokenizer's ${name} is not an array (return_tensor: false).`, { code: 'bad-tokenizer' });
  return value.map((v: unknown) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw new ModelError(`The tokenizer's ${name} holds a ${typeof v}.`, { code: 'bad-tokenizer' });
  });
}
