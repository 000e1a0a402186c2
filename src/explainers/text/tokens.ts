/**
 * Tokens for display, as transformers-interpret shows them.
 *
 * @module
 */
import { ModelError } from '../../errors.js';

/** The marker byte-level BPE (GPT-2, RoBERTa, DeBERTa) puts for a leading space. */
export const BYTE_LEVEL_SPACE_MARKER = 'Ġ';

/**
 * Removes every byte-level space marker `Ġ` from a token (Python `token.replace("Ġ", "")`);
 * a token that was only a space becomes `''`.
 *
 * @example
 * ```ts
 * stripByteLevelMarker('Ġworld'); // 'world'
 * ```
 */
export function stripByteLevelMarker(token: string): string {
  return token.replaceAll(BYTE_LEVEL_SPACE_MARKER, '');
}

/**
 * `convert_ids_to_tokens` followed by {@link stripByteLevelMarker}: the tokens an explainer
 * reports. `idToToken` is the tokenizer's vocabulary lookup.
 *
 * @throws RangeError for an id the vocabulary does not know (ids must come from the same tokenizer).
 * @example
 * ```ts
 * displayTokens([0, 42, 2], (id) => vocab[id]); // ['<s>', 'hello', '</s>']
 * ```
 */
export function displayTokens(
  ids: readonly number[],
  idToToken: (id: number) => string | undefined | null,
): string[] {
  return ids.map((id) => {
    const token = idToToken(id);
    if (token === undefined || token === null) {
      throw new ModelError(`Token id ${id} is not in the tokenizer's vocabulary: the tokenizer does not belong to this model.`, { code: 'bad-tokenizer' });
    }
    return stripByteLevelMarker(token);
  });
}
