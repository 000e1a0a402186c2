/**
 * Words mapped back to the text the caller passed: which characters of the input each token
 * covers, and the tokens grouped into words with summed scores.
 *
 * transformers.js has no offset mapping, so tokens are aligned to the input: each input
 * character is put through the tokenizer's own normalizer (lower-casing, accent stripping,
 * control-character removal) and compared, whitespace ignored, with what the token spells
 * (WordPiece `##` removed, byte-level BPE decoded to UTF-8 bytes, SentencePiece `▁` read as a
 * space). Whitespace is ignored on both sides because compat mode re-spaces the text before
 * tokenising; offsets therefore always refer to the uncleaned input. Unknown tokens take the
 * text between their known neighbours.
 *
 * Pure functions over plain data: no tokenizer is called here (`word-spec.ts` reads a
 * transformers.js tokenizer's spelling).
 *
 * @module
 */

import type { TextWord } from '../../types.js';

export type { TextWord } from '../../types.js';

/** How a tokenizer's vocabulary strings spell text. */
export type TokenSpelling = 'wordpiece' | 'byte-level' | 'metaspace';

/** What the alignment needs to know about a tokenizer. */
export interface WordTokenizerSpec {
  readonly spelling: TokenSpelling;
  /** WordPiece's continuation prefix (`##`). */
  readonly continuingPrefix?: string;
  /** The unknown token's vocabulary string (`[UNK]`, `<unk>`); such tokens take the gap between known neighbours. */
  readonly unkToken?: string | null;
  /** The tokenizer's normalizer on a piece of text (lower-casing, accent stripping, ...); identity when absent. */
  readonly normalize?: (text: string) => string;
}

/** One token to align: its vocabulary string (markers kept) and which text it came from. */
export interface TokenToAlign {
  /** The vocabulary string (`##ing`, `Ġworld`, `▁the`), as `convert_ids_to_tokens` gives it. */
  readonly token: string;
  /** Index of the text it belongs to (0 first text, 1 pair/context/hypothesis); `null` for special tokens. */
  readonly segment: number | null;
}

/** Characters `[start, end)` of `texts[segment]` a token covers. */
export interface TokenCharSpan {
  readonly segment: number;
  readonly start: number;
  readonly end: number;
}

/** One unit of comparison: a normalised code unit (or byte) and the input character it came from. */
interface Atom {
  readonly unit: string;
  readonly charStart: number;
  readonly charEnd: number;
}

const WHITESPACE = /\s/u;
const ASCII_SPACE_BYTES = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);
/** Characters that may sit inside or at the end of a word without a token of their own. */
const ATTACHED = /^[\p{M}\p{Cf}]$/u;
/** Punctuation and symbols (`<`, `+`, `$`, emoji) stand apart from letters. */
const PUNCTUATION = /^[\p{P}\p{S}]$/u;
const SENTENCEPIECE_SPACE = '\u2581';
const BYTE_FALLBACK = /^<0x[0-9A-Fa-f]{2}>$/;

let byteDecoder: Map<string, number> | undefined;

/** GPT-2's `bytes_to_unicode`, inverted: the character a byte-level vocabulary uses for each byte. */
function byteLevelDecoder(): Map<string, number> {
  if (byteDecoder) return byteDecoder;
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
  byteDecoder = new Map();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const code = printable(b) ? b : 256 + extra++;
    byteDecoder.set(String.fromCodePoint(code), b);
  }
  return byteDecoder;
}

const encoder = new TextEncoder();

function bytesAsUnits(text: string): string {
  let out = '';
  for (const b of encoder.encode(text)) if (!ASCII_SPACE_BYTES.has(b)) out += String.fromCharCode(b);
  return out;
}

function charUnits(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) if (!WHITESPACE.test(ch)) out += ch;
  return out;
}

/** The input text as atoms, each pointing back to its character. */
function inputAtoms(text: string, spec: WordTokenizerSpec): Atom[] {
  const atoms: Atom[] = [];
  let i = 0;
  for (const ch of text) {
    const end = i + ch.length;
    if (!WHITESPACE.test(ch)) {
      const normalized = spec.normalize ? safeNormalize(spec.normalize, ch) : ch;
      const units = spec.spelling === 'byte-level' ? bytesAsUnits(normalized) : charUnits(normalized);
      // One atom per UTF-16 code unit, so offsets in the joined string are atom indexes.
      for (let k = 0; k < units.length; k++) atoms.push({ unit: units[k], charStart: i, charEnd: end });
    }
    i = end;
  }
  return atoms;
}

function safeNormalize(normalize: (text: string) => string, ch: string): string {
  const out = normalize(ch);
  return typeof out === 'string' ? out : ch;
}

/** What a token spells, in the same units as {@link inputAtoms}; `null` for a token that spells nothing knowable. */
function tokenUnits(token: string, spec: WordTokenizerSpec): string | null {
  if (spec.unkToken && token === spec.unkToken) return null;
  switch (spec.spelling) {
    case 'byte-level': {
      const decoder = byteLevelDecoder();
      let out = '';
      for (const ch of token) {
        const b = decoder.get(ch);
        if (b === undefined) out += bytesAsUnits(ch); // an added token written as plain text
        else if (!ASCII_SPACE_BYTES.has(b)) out += String.fromCharCode(b);
      }
      return out;
    }
    case 'metaspace':
      if (BYTE_FALLBACK.test(token)) return null;
      return charUnits(token.replaceAll(SENTENCEPIECE_SPACE, ' '));
    case 'wordpiece': {
      const prefix = spec.continuingPrefix ?? '##';
      const body = token.startsWith(prefix) && token.length > prefix.length ? token.slice(prefix.length) : token;
      return charUnits(body);
    }
  }
}

/**
 * Aligns tokens to the texts they came from. Returns, per token, the characters it covers, or
 * `null` for special tokens, tokens that spell only whitespace (a lone `Ġ`) and tokens that
 * could not be placed.
 *
 * @example
 * ```ts
 * const spec = { spelling: 'wordpiece', continuingPrefix: '##', normalize: (s) => s.toLowerCase() } as const;
 * alignTokens(['Hello wörld'], [
 *   { token: '[CLS]', segment: null }, { token: 'hello', segment: 0 },
 *   { token: 'wo', segment: 0 }, { token: '##rld', segment: 0 }, { token: '[SEP]', segment: null },
 * ], spec);
 * // [null, { segment: 0, start: 0, end: 5 }, { segment: 0, start: 6, end: 8 }, { segment: 0, start: 8, end: 11 }, null]
 * ```
 */
export function alignTokens(
  texts: readonly string[],
  tokens: readonly TokenToAlign[],
  spec: WordTokenizerSpec,
): (TokenCharSpan | null)[] {
  const spans: (TokenCharSpan | null)[] = tokens.map(() => null);
  texts.forEach((text, segment) => {
    const positions: number[] = [];
    tokens.forEach((t, i) => {
      if (t.segment === segment) positions.push(i);
    });
    if (positions.length > 0) alignSegment(text, segment, positions, tokens, spec, spans);
  });
  return spans;
}

function alignSegment(
  text: string,
  segment: number,
  positions: readonly number[],
  tokens: readonly TokenToAlign[],
  spec: WordTokenizerSpec,
  spans: (TokenCharSpan | null)[],
): void {
  const atoms = inputAtoms(text, spec);
  const haystack = atoms.map((a) => a.unit).join('');
  let cursor = 0;
  // Unknown tokens waiting for the next known one, in groups that each take one chunk of the
  // gap: an unknown token is a group; consecutive byte-fallback tokens (one character's bytes)
  // share one; a whitespace-only token closes the group before it.
  let groups: number[][] = [];
  let closed = true;

  const placeUnknown = (gapEnd: number): void => {
    if (groups.length === 0) return;
    const from = cursor < atoms.length ? atoms[cursor].charStart : text.length;
    const to = gapEnd < atoms.length ? atoms[gapEnd].charStart : text.length;
    assignGap(text, segment, from, to, groups, spans);
    groups = [];
    closed = true;
  };

  for (const i of positions) {
    const token = tokens[i].token;
    const units = tokenUnits(token, spec);
    if (units === null) {
      const byte = BYTE_FALLBACK.test(token);
      const last = groups[groups.length - 1];
      if (byte && !closed && last && BYTE_FALLBACK.test(tokens[last[0]].token)) last.push(i);
      else groups.push([i]);
      closed = !byte;
      continue;
    }
    if (units === '') {
      closed = true; // whitespace-only token: covers no character of a word
      continue;
    }
    const at = haystack.indexOf(units, cursor);
    if (at < 0) continue; // cannot be placed (a normalisation this alignment does not know)
    placeUnknown(at);
    const first = atoms[at];
    const last = atoms[at + units.length - 1];
    spans[i] = { segment, start: first.charStart, end: last.charEnd };
    cursor = at + units.length;
  }
  placeUnknown(atoms.length);
  extendOverAttached(text, positions, spans);
}

/** Shares the text between two known tokens among the groups of unknown tokens found there, by whitespace-separated chunks. */
function assignGap(
  text: string,
  segment: number,
  from: number,
  to: number,
  groups: readonly (readonly number[])[],
  spans: (TokenCharSpan | null)[],
): void {
  const chunks: { start: number; end: number }[] = [];
  const re = /\S+/gu;
  const gap = text.slice(from, to);
  for (let m = re.exec(gap); m; m = re.exec(gap)) chunks.push({ start: from + m.index, end: from + m.index + m[0].length });
  if (chunks.length === 0) return;
  const n = groups.length;
  groups.forEach((group, k) => {
    const lo = Math.floor((k * chunks.length) / n);
    const hi = Math.floor(((k + 1) * chunks.length) / n);
    if (hi <= lo) return;
    for (const tokenIndex of group) spans[tokenIndex] = { segment, start: chunks[lo].start, end: chunks[hi - 1].end };
  });
}

/** Lets a token's span run over the combining marks and zero-width characters that follow it. */
function extendOverAttached(text: string, positions: readonly number[], spans: (TokenCharSpan | null)[]): void {
  const placed = positions.filter((i) => spans[i] !== null);
  placed.forEach((i, k) => {
    const span = spans[i];
    if (!span) return;
    const next = k + 1 < placed.length ? spans[placed[k + 1]] : null;
    const limit = next ? Math.max(next.start, span.end) : text.length;
    let end = span.end;
    while (end < limit) {
      const cp = text.codePointAt(end);
      if (cp === undefined) break;
      const ch = String.fromCodePoint(cp);
      if (!ATTACHED.test(ch)) break;
      end += ch.length;
    }
    if (end !== span.end) spans[i] = { ...span, end };
  });
}

/** Options of {@link groupWords}. */
export interface GroupWordsOptions {
  /** WordPiece continuation prefix: a token with it always continues the word before it. */
  readonly continuingPrefix?: string;
}

/**
 * Groups aligned tokens into words. A new word starts at a new text, after whitespace, or where
 * punctuation meets a letter (so `you,` is `you` and `,` whatever the tokenizer), except that a
 * WordPiece continuation (`##`) and a token sharing a character with the previous one (byte-level
 * BPE splitting an emoji's bytes) always continue the word. Tokens without a span are left out.
 *
 * @example
 * ```ts
 * groupWords(['Hello, world'], [{ segment: 0, start: 0, end: 5 }, { segment: 0, start: 5, end: 6 }, { segment: 0, start: 7, end: 12 }], ['Hello', ',', 'Ġworld'], [0.5, 0.1, 0.2]);
 * // [{ text: 'Hello', start: 0, end: 5, score: 0.5, tokens: [0], segment: 0 }, { text: ',', ... }, { text: 'world', ... }]
 * ```
 */
export function groupWords(
  texts: readonly string[],
  spans: readonly (TokenCharSpan | null)[],
  tokens: readonly string[],
  scores: readonly number[],
  options: GroupWordsOptions = {},
): TextWord[] {
  const prefix = options.continuingPrefix ?? '##';
  const words: TextWord[] = [];
  let current: TextWord | undefined;
  spans.forEach((span, i) => {
    if (!span) return;
    const text = texts[span.segment];
    const score = scores[i] ?? 0;
    if (current && current.segment === span.segment && continues(text, current, span, tokens[i], prefix)) {
      current.end = Math.max(current.end, span.end);
      current.text = text.slice(current.start, current.end);
      current.score += score;
      current.tokens.push(i);
      return;
    }
    current = {
      text: text.slice(span.start, span.end),
      start: span.start,
      end: span.end,
      score,
      tokens: [i],
      segment: span.segment === 0 ? 0 : 1,
    };
    words.push(current);
  });
  return words;
}

function continues(text: string, word: TextWord, span: TokenCharSpan, token: string | undefined, prefix: string): boolean {
  if (span.start < word.end) return true; // shares a character (bytes of one character split across tokens)
  const gap = text.slice(word.end, span.start);
  if (/\s/u.test(gap)) return false;
  if (token !== undefined && token.startsWith(prefix) && token.length > prefix.length) return true;
  if (gap.length > 0) return false; // text no token covers: keep words to what tokens cover
  const before = lastChar(text, word.end);
  const after = firstChar(text, span.start);
  const pb = PUNCTUATION.test(before);
  const pa = PUNCTUATION.test(after);
  return !pb && !pa;
}

function lastChar(text: string, end: number): string {
  // Skip back over attached marks so `é` (e + combining accent) reads as a letter.
  let i = end;
  while (i > 0) {
    const cp = text.codePointAt(i - 1);
    const hi = i >= 2 ? text.charCodeAt(i - 2) : 0;
    const ch = cp !== undefined && cp >= 0xdc00 && cp <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff ? text.slice(i - 2, i) : text.slice(i - 1, i);
    if (!ATTACHED.test(ch)) return ch;
    i -= ch.length;
  }
  return '';
}

function firstChar(text: string, start: number): string {
  const cp = text.codePointAt(start);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Everything {@link mapWords} needs about one explained input. */
export interface WordMappingInput {
  /** The texts as the caller passed them: `[text]`, or `[text, pair]` / `[question, context]` / `[text, hypothesis]`. */
  readonly texts: readonly string[];
  /** Vocabulary strings of every position (markers kept, special tokens included). */
  readonly tokens: readonly string[];
  /** Which text each position belongs to; `null` for special tokens. */
  readonly segments: readonly (number | null)[];
  readonly spec: WordTokenizerSpec;
}

/**
 * The words of one input under one attribution: {@link alignTokens} then {@link groupWords}.
 * For several attributions of the same input (multi-label, QA start/end), align once with
 * {@link alignTokens} and call {@link groupWords} per score list.
 *
 * @example
 * ```ts
 * const words = mapWords({ texts: ['Great film!'], tokens, segments, spec }, scores);
 * words.map((w) => [w.text, w.score]); // [['Great', 0.7], ['film', 0.2], ['!', 0.01]]
 * ```
 */
export function mapWords(input: WordMappingInput, scores: readonly number[]): TextWord[] {
  const spans = alignTokens(
    input.texts,
    input.tokens.map((token, i) => ({ token, segment: input.segments[i] ?? null })),
    input.spec,
  );
  return groupWords(input.texts, spans, input.tokens, scores, { continuingPrefix: input.spec.continuingPrefix });
}
