/**
 * Words of a text-generation result, mapped back to the caller's prompt (segment 0) and to the
 * explained continuation (segment 1, offsets into `generatedText`). Tokens are aligned once over
 * prompt + continuation; each score list then groups the positions it scores.
 *
 * @module
 */
import type { TextWord } from '../../../types.js';
import { alignTokens, groupWords, type WordTokenizerSpec } from '../words.js';

/** What the mapping needs from the tokenizer. */
export interface GenerationWordSource {
  readonly spec: WordTokenizerSpec;
  /** Vocabulary string of an id (markers kept); undefined for ids the tokenizer does not know. */
  idToToken(id: number): string | undefined;
  /** Ids that are special tokens (BOS, EOS, pad...): never part of a word. */
  readonly specialIds: ReadonlySet<number>;
}

/**
 * Returns a function from per-position scores (positions of `[...promptIds, ...targetIds]`,
 * as many as the list holds) to words. Special tokens and unknown ids make no word.
 *
 * @example
 * const words = generationWordMapper(src, 'Hello world', ' again', [15496, 995], [757]);
 * words([0.5, 0.25]); // [{ text: 'Hello', score: 0.5, segment: 0, ... }, { text: 'world', ... }]
 */
export function generationWordMapper(
  src: GenerationWordSource,
  prompt: string,
  generatedText: string,
  promptIds: readonly number[],
  targetIds: readonly number[],
): (scores: readonly number[]) => TextWord[] {
  const ids = [...promptIds, ...targetIds];
  const tokens = ids.map((id) => src.idToToken(id) ?? '');
  const segments = ids.map((id, i) => (src.specialIds.has(id) || src.idToToken(id) === undefined ? null : i < promptIds.length ? 0 : 1));
  const texts = [prompt, generatedText];
  const spans = alignTokens(texts, tokens.map((token, i) => ({ token, segment: segments[i] })), src.spec);
  return (scores) => groupWords(texts, spans.slice(0, scores.length), tokens, scores, { continuingPrefix: src.spec.continuingPrefix });
}
