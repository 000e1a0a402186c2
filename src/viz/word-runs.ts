/**
 * The input text cut into runs for painting words on it: the words themselves and the text
 * between them (spaces, punctuation no token covers), so a page shows the user's own text with
 * its spacing.
 *
 * @module
 */
import type { TextWord } from '../types.js';

/** A piece of the text: a word (`word` is its index in the list given) or the text between words. */
export interface TextRun {
  text: string;
  word?: number;
}

/**
 * Cuts `text` into runs at the given words (of one segment, in order, not overlapping). Words
 * whose offsets do not fit the text (a result painted on the wrong text) are left unpainted.
 *
 * @example
 * ```ts
 * textRuns('I love it!', [{ start: 2, end: 6 }, { start: 9, end: 10 }]);
 * // [{ text: 'I ' }, { text: 'love', word: 0 }, { text: ' it' }, { text: '!', word: 1 }]
 * ```
 */
export function textRuns(text: string, words: readonly Pick<TextWord, 'start' | 'end'>[]): TextRun[] {
  const runs: TextRun[] = [];
  let at = 0;
  words.forEach((w, i) => {
    if (!(w.start >= at && w.end > w.start && w.end <= text.length)) return;
    if (w.start > at) runs.push({ text: text.slice(at, w.start) });
    runs.push({ text: text.slice(w.start, w.end), word: i });
    at = w.end;
  });
  if (at < text.length) runs.push({ text: text.slice(at) });
  return runs;
}

/**
 * Whether `words` can be painted on `texts`: every word's text is where its offsets say.
 *
 * @example
 * ```ts
 * wordsFitTexts(['hi there'], [{ text: 'there', start: 3, end: 8, segment: 0 }]); // true
 * ```
 */
export function wordsFitTexts(texts: readonly string[], words: readonly Pick<TextWord, 'text' | 'start' | 'end' | 'segment'>[]): boolean {
  return words.every((w) => texts[w.segment]?.slice(w.start, w.end) === w.text);
}
