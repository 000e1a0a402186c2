/**
 * transformers-interpret's `_clean_text`, used in compat mode only.
 *
 * @module
 */

/** The punctuation that gets a space on both sides: `. , ! ? ( )`. */
const PUNCTUATION = /([.,!?()])/g;

/**
 * Runs of two or more whitespace characters as Python 3's `re` `\s` sees them in a `str`
 * pattern. Spelled out because JavaScript's `\s` differs: Python also counts U+001C-U+001F and
 * U+0085, and does not count U+FEFF.
 */
const PY_WHITESPACE_RUN =
  // eslint-disable-next-line no-control-regex -- U+001C-U+001F are whitespace to Python
  /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{2,}/g;

/**
 * Compat-mode text cleaning: a space on both sides of each `. , ! ? ( )`, then every run of two
 * or more whitespace characters becomes one space. A single whitespace character is left as it
 * is (a lone newline stays a newline), the text is not trimmed, and it usually ends with a space
 * (which byte-level BPE turns into a lone `Ġ` token) - all as in the original.
 *
 * @example
 * ```ts
 * cleanText('I love you, I like you'); // 'I love you , I like you'
 * cleanText('Fine.');                  // 'Fine . '
 * ```
 */
export function cleanText(text: string): string {
  return text.replace(PUNCTUATION, ' $1 ').replace(PY_WHITESPACE_RUN, ' ');
}
