/**
 * Merging word pieces back into words for display.
 *
 * @module
 */
import type { WordAttribution } from '../types.js';

/** A displayed unit: one token, or several word pieces merged into a word. */
export interface MergedToken {
  /** Text to show (continuation and word-start markers removed when merged). */
  text: string;
  /** Sum of the pieces' scores (their contributions add up, like IG attributions do). */
  score: number;
  /** Positions of the pieces in the original attribution list. */
  pieces: number[];
  /** The pieces as they came from the tokenizer. */
  pieceTokens: string[];
}

const SPECIAL = /^(\[[A-Z]+\]|<\/?[a-z]+>|<(pad|unk|mask)>)$/;

/**
 * Whether a displayed token is a tokenizer's special token (`[CLS]`, `[SEP]`, `<s>`, `</s>`, `<pad>`).
 *
 * @example
 * ```ts
 * isSpecialToken('[CLS]'); // true
 * isSpecialToken('love');  // false
 * ```
 */
export function isSpecialToken(token: string): boolean {
  return SPECIAL.test(token);
}
const WORD_START = /^[\u0120\u2581]/; // Ġ (byte-level BPE) and ▁ (SentencePiece)

/**
 * Groups word pieces into words:
 * - WordPiece: a token starting with `##` continues the previous word;
 * - byte-level BPE / SentencePiece: when any token carries a `Ġ` or `▁` word-start marker,
 *   tokens without one continue the previous word.
 * Special tokens (`[CLS]`, `<s>`, ...) always stand alone. Results from gradscope's
 * explainers have `Ġ` already removed (as the original does), so only WordPiece merges
 * there; tokens straight from a tokenizer merge fully.
 *
 * @example
 * ```ts
 * mergeSubwords([['em', 0.1], ['##man', 0.2], ['##uel', 0.3]]);
 * // [{ text: 'emmanuel', score: 0.6, pieces: [0, 1, 2], pieceTokens: ['em', '##man', '##uel'] }]
 * ```
 */
export function mergeSubwords(attributions: readonly WordAttribution[]): MergedToken[] {
  const usesStartMarkers = attributions.some(([t]) => WORD_START.test(t));
  const out: MergedToken[] = [];
  let prevSpecial = true;
  attributions.forEach(([token, score], i) => {
    const special = SPECIAL.test(token);
    const isContinuation =
      !special && !prevSpecial && out.length > 0 && (token.startsWith('##') || (usesStartMarkers && !WORD_START.test(token)));
    const text = token.startsWith('##') && token.length > 2 ? token.slice(2) : token.replace(WORD_START, '');
    const last = out[out.length - 1];
    if (isContinuation && last) {
      last.text += text;
      last.score += score;
      last.pieces.push(i);
      last.pieceTokens.push(token);
    } else {
      out.push({ text: special ? token : text, score, pieces: [i], pieceTokens: [token] });
    }
    prevSpecial = special;
  });
  return out;
}

/**
 * One display unit per token, without merging (same shape as {@link mergeSubwords}).
 *
 * @example
 * ```ts
 * unmergedTokens([['love', 0.5]]); // [{ text: 'love', score: 0.5, pieces: [0], pieceTokens: ['love'] }]
 * ```
 */
export function unmergedTokens(attributions: readonly WordAttribution[]): MergedToken[] {
  return attributions.map(([token, score], i) => ({ text: token, score, pieces: [i], pieceTokens: [token] }));
}
