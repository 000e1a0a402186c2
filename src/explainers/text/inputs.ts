/**
 * The rows a text explainer feeds to the model and to the attribution: real ids and their
 * baseline, token types, positions, attention mask, and where the text sits in the sequence.
 *
 * Pure functions over a minimal tokenizer interface ({@link TextTokenizer}), so they can be
 * tested without a model. Two modes (see the parity spec):
 * - compat (`compat: 'transformers-interpret'`): the rows exactly as transformers-interpret 0.10
 *   builds them (text cleaning, manual `[CLS] a [SEP] b [SEP]` layouts for zero-shot and QA,
 *   off-by-one token types);
 * - default: the tokenizer's own template and token types; the baseline keeps the template's
 *   special tokens and replaces every text token by the pad token.
 *
 * @module
 */

import { InternalError, ModelError } from '../../errors.js';
import { cleanText } from './clean-text.js';
import type { BuildOptions, EncodedText, ResolvedSpecialTokens, SingleTextOptions, TextInputs, TextTokenizer, TokenSpan, ZeroShotOptions } from './input-types.js';

export type * from './input-types.js';

/** Model types whose tokenizer puts two separators between the texts of a pair, and that
 * transformers-interpret should treat like "roberta" (it only checks that exact name). */
const ROBERTA_LIKE = new Set(['roberta', 'xlm-roberta', 'xlm-roberta-xl', 'camembert', 'longformer', 'data2vec-text']);

/** True for RoBERTa-family model types (double separator in pairs, 0-based positions not accepted). */
export function isRobertaLike(modelType: string | undefined): boolean {
  return modelType !== undefined && ROBERTA_LIKE.has(modelType);
}

/**
 * The original's special ids: `cls_token_id` else `bos_token_id`, `sep_token_id` else
 * `eos_token_id`, baseline `pad_token_id` (gpt2: `eos_token_id`).
 *
 * @throws Error when the tokenizer has no baseline id.
 * @example
 * ```ts
 * resolveSpecialTokens({ specialTokenIds: { bos: 0, eos: 2, pad: 1 }, encode }); // { cls: 0, sep: 2, ref: 1 }
 * ```
 */
export function resolveSpecialTokens(tokenizer: Pick<TextTokenizer, 'modelType' | 'specialTokenIds'>): ResolvedSpecialTokens {
  const s = tokenizer.specialTokenIds;
  const cls = s.cls ?? s.bos ?? null;
  const sep = s.sep ?? s.eos ?? null;
  const ref = tokenizer.modelType === 'gpt2' ? s.eos : s.pad;
  if (ref === undefined || ref === null) {
    throw new ModelError(`The tokenizer has no ${tokenizer.modelType === 'gpt2' ? 'eos' : 'pad'} token, which the baseline needs; add it to the model's special_tokens_map.json.`, { code: 'bad-tokenizer' });
  }
  return { cls, sep, ref };
}

/**
 * Rows for one text: sequence classification, multi-label classification, token classification.
 *
 * Compat: the text is cleaned; ids are the tokenizer's (with its template); baseline
 * `[CLS] + PAD*n + [SEP]` (just `PAD*n` when the tokenizer adds no special tokens); token types
 * `0 if i <= n else 1` (so the final `[SEP]` gets 1), except token classification, which the
 * original runs without token types (all 0, the model's default); `sepIdx = n`.
 * Default: raw text, the tokenizer's token types.
 *
 * @example
 * ```ts
 * const rows = buildSingleTextInputs(tok, 'I love you, I like you', { compat: 'transformers-interpret' });
 * rows.refInputIds; // [cls, pad, pad, pad, pad, pad, pad, pad, sep]
 * ```
 */
export function buildSingleTextInputs(
  tokenizer: TextTokenizer,
  text: string,
  options: SingleTextOptions = {},
): TextInputs {
  const compat = options.compat === 'transformers-interpret';
  const task = options.task ?? 'sequence-classification';
  const clean = options.clean ?? compat;
  const t = clean ? cleanText(text) : text;
  const special = resolveSpecialTokens(tokenizer);
  const textIds = tokenizer.encode(t, { addSpecialTokens: false }).ids;
  const encoded = tokenizer.encode(t, { addSpecialTokens: true });
  const inputIds = [...encoded.ids];
  const n = textIds.length;
  const [textSpan] = locateSegments(inputIds, [textIds]);

  let refInputIds: number[];
  if (compat) {
    if (inputIds.length === n) {
      refInputIds = new Array<number>(n).fill(special.ref);
    } else {
      refInputIds = [requireId(special.cls, 'cls/bos'), ...repeat(special.ref, n), requireId(special.sep, 'sep/eos')];
    }
    assertSameLength(refInputIds, inputIds, 'single text');
  } else {
    refInputIds = substituteSpans(inputIds, [textSpan], special.ref);
  }

  const sepIdx = n;
  let tokenTypeIds: number[];
  if (compat) {
    tokenTypeIds = task === 'token-classification' ? zeros(inputIds.length) : offByOneTypes(inputIds.length, sepIdx);
  } else {
    tokenTypeIds = tokenizerTypes(encoded, inputIds.length);
  }
  return finish({ text: t, cleaned: clean, inputIds, refInputIds, tokenTypeIds, sepIdx, textSpan });
}

/**
 * Rows for a text pair (pairwise sequence classification, e.g. cross-encoders). Never cleaned.
 *
 * Ids are the tokenizer's pair encoding in both modes. Compat baseline:
 * `[CLS] PAD*a [SEP] PAD*b [SEP]` (RoBERTa-like: two `[SEP]` between); token types
 * `0 if i <= a + 1 else 1`; `sepIdx = a + 1`. Default: the tokenizer's token types.
 *
 * @example
 * ```ts
 * const rows = buildTextPairInputs(tok, 'How many people live in Berlin?', 'Berlin has ...');
 * ```
 */
export function buildTextPairInputs(
  tokenizer: TextTokenizer,
  text: string,
  textPair: string,
  options: BuildOptions = {},
): TextInputs {
  const compat = options.compat === 'transformers-interpret';
  const special = resolveSpecialTokens(tokenizer);
  const aIds = tokenizer.encode(text, { addSpecialTokens: false }).ids;
  const bIds = tokenizer.encode(textPair, { addSpecialTokens: false }).ids;
  const encoded = tokenizer.encode(text, { pair: textPair, addSpecialTokens: true });
  const inputIds = [...encoded.ids];
  const [textSpan, pairSpan] = locateSegments(inputIds, [aIds, bIds]);
  const sepIdx = aIds.length + 1;

  let refInputIds: number[];
  let tokenTypeIds: number[];
  if (compat) {
    const cls = requireId(special.cls, 'cls/bos');
    const sep = requireId(special.sep, 'sep/eos');
    const middle = isRobertaLike(tokenizer.modelType) ? [sep, sep] : [sep];
    refInputIds = [cls, ...repeat(special.ref, aIds.length), ...middle, ...repeat(special.ref, bIds.length), sep];
    // The original breaks on a tokenizer whose pair template differs from that layout; keep
    // the template's own special tokens then (the bug fix applies in both modes).
    if (refInputIds.length !== inputIds.length) {
      refInputIds = substituteSpans(inputIds, [textSpan, pairSpan], special.ref);
    }
    tokenTypeIds = offByOneTypes(inputIds.length, sepIdx);
  } else {
    refInputIds = substituteSpans(inputIds, [textSpan, pairSpan], special.ref);
    tokenTypeIds = tokenizerTypes(encoded, inputIds.length);
  }
  return finish({ text, textPair, cleaned: false, inputIds, refInputIds, tokenTypeIds, sepIdx, textSpan, pairSpan });
}

/**
 * Rows for one zero-shot hypothesis (an NLI model on `text` + `hypothesis`).
 *
 * Compat: the text is cleaned (attribution pass; `clean: false` for the prediction pass), the
 * hypothesis is not; the layout is built by hand as `[CLS] text [SEP] hypothesis [SEP]` (one
 * `[SEP]` even for RoBERTa), baseline alike with pads; token types `0 if i <= n else 1` (the
 * first `[SEP]` gets 1); `sepIdx = n` = number of text tokens. Default: the tokenizer's pair
 * template and token types.
 *
 * @example
 * ```ts
 * const hyp = formatHypothesis(DEFAULT_HYPOTHESIS_TEMPLATE, 'sports');
 * const rows = buildZeroShotInputs(tok, text, hyp, { compat: 'transformers-interpret' });
 * ```
 */
export function buildZeroShotInputs(
  tokenizer: TextTokenizer,
  text: string,
  hypothesis: string,
  options: ZeroShotOptions = {},
): TextInputs {
  const compat = options.compat === 'transformers-interpret';
  const clean = options.clean ?? compat;
  const t = clean ? cleanText(text) : text;
  return buildTwoSegmentInputs(tokenizer, t, hypothesis, compat, clean);
}

/**
 * Rows for question answering: `[CLS] question [SEP] context [SEP]`. Never cleaned.
 *
 * Compat: layout built by hand (as for zero-shot), token types `0 if i <= q else 1` (the first
 * `[SEP]` gets 1), `sepIdx = q` = number of question tokens. Default: the tokenizer's pair
 * template and token types.
 *
 * @example
 * ```ts
 * const rows = buildQuestionAnsweringInputs(tok, 'What is NLP?', 'NLP is ...');
 * rows.pairSpan; // where the context tokens are
 * ```
 */
export function buildQuestionAnsweringInputs(
  tokenizer: TextTokenizer,
  question: string,
  context: string,
  options: BuildOptions = {},
): TextInputs {
  return buildTwoSegmentInputs(tokenizer, question, context, options.compat === 'transformers-interpret', false);
}

function buildTwoSegmentInputs(
  tokenizer: TextTokenizer,
  first: string,
  second: string,
  compat: boolean,
  cleaned: boolean,
): TextInputs {
  const special = resolveSpecialTokens(tokenizer);
  const aIds = tokenizer.encode(first, { addSpecialTokens: false }).ids;
  const bIds = tokenizer.encode(second, { addSpecialTokens: false }).ids;
  const sepIdx = aIds.length;
  if (compat) {
    const cls = requireId(special.cls, 'cls/bos');
    const sep = requireId(special.sep, 'sep/eos');
    const inputIds = [cls, ...aIds, sep, ...bIds, sep];
    const refInputIds = [cls, ...repeat(special.ref, aIds.length), sep, ...repeat(special.ref, bIds.length), sep];
    const textSpan = { start: 1, end: 1 + aIds.length };
    const pairSpan = { start: 2 + aIds.length, end: 2 + aIds.length + bIds.length };
    const tokenTypeIds = offByOneTypes(inputIds.length, sepIdx);
    return finish({ text: first, textPair: second, cleaned, inputIds, refInputIds, tokenTypeIds, sepIdx, textSpan, pairSpan });
  }
  const encoded = tokenizer.encode(first, { pair: second, addSpecialTokens: true });
  const inputIds = [...encoded.ids];
  const [textSpan, pairSpan] = locateSegments(inputIds, [aIds, bIds]);
  const refInputIds = substituteSpans(inputIds, [textSpan, pairSpan], special.ref);
  const tokenTypeIds = tokenizerTypes(encoded, inputIds.length);
  return finish({ text: first, textPair: second, cleaned, inputIds, refInputIds, tokenTypeIds, sepIdx, textSpan, pairSpan });
}

/**
 * Where zero-shot word attributions are cut (the `end` of the normalisation): everything with
 * `includeHypothesis`; in compat mode the original's `[:sepIdx]`, which keeps `[CLS]` and drops
 * the LAST text token; by default `[CLS]` and every text token (`[:textSpan.end]`).
 *
 * @example
 * ```ts
 * normalizeAttributions(sums, { end: zeroShotSliceEnd(rows, { compat: 'transformers-interpret' }) });
 * ```
 */
export function zeroShotSliceEnd(
  rows: Pick<TextInputs, 'sepIdx' | 'textSpan'>,
  options: BuildOptions & { readonly includeHypothesis?: boolean } = {},
): number | null {
  if (options.includeHypothesis) return null;
  return options.compat === 'transformers-interpret' ? rows.sepIdx : rows.textSpan.end;
}

/**
 * Finds each segment's ids, in order, inside the templated ids: templates only add tokens
 * around and between the segments, so each segment is a contiguous run after the previous one.
 *
 * @throws Error when a segment is not found (the tokenizer truncated or altered the text).
 */
export function locateSegments(ids: readonly number[], segments: readonly (readonly number[])[]): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let cursor = 0;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    let found = -1;
    if (seg.length === 0) {
      // Nothing to match: assume one special token ([CLS] or a separator) before it.
      found = Math.min(ids.length, cursor + 1);
    } else {
      for (let k = cursor; k + seg.length <= ids.length; k++) {
        if (matchesAt(ids, seg, k)) {
          found = k;
          break;
        }
      }
    }
    if (found < 0) {
      throw new InternalError(`segment ${s + 1} of the input was not found in the tokenizer's templated ids (was the text truncated?)`);
    }
    spans.push({ start: found, end: found + seg.length });
    cursor = found + seg.length;
  }
  return spans;
}

function matchesAt(ids: readonly number[], seg: readonly number[], k: number): boolean {
  for (let j = 0; j < seg.length; j++) if (ids[k + j] !== seg[j]) return false;
  return true;
}

function substituteSpans(ids: readonly number[], spans: readonly (TokenSpan | undefined)[], ref: number): number[] {
  const out = [...ids];
  for (const span of spans) {
    if (!span) continue;
    for (let i = span.start; i < span.end; i++) out[i] = ref;
  }
  return out;
}

function offByOneTypes(length: number, sepIdx: number): number[] {
  // The original's `0 if i <= sep_idx else 1`: one position later than the segment boundary.
  return Array.from({ length }, (_, i) => (i <= sepIdx ? 0 : 1));
}

function tokenizerTypes(encoded: EncodedText, length: number): number[] {
  const types = encoded.tokenTypeIds;
  if (!types) return zeros(length);
  if (types.length !== length) {
    throw new ModelError(`The tokenizer gave ${types.length} token type ids for ${length} tokens; the tokenizer files are inconsistent.`, { code: 'bad-tokenizer' });
  }
  return [...types];
}

function zeros(length: number): number[] {
  return new Array<number>(length).fill(0);
}

function repeat(value: number, count: number): number[] {
  return new Array<number>(count).fill(value);
}

function requireId(id: number | null, name: string): number {
  if (id === null) throw new ModelError(`The tokenizer has no ${name} token, which this input layout needs; add it to the model's special_tokens_map.json.`, { code: 'bad-tokenizer' });
  return id;
}

function assertSameLength(ref: readonly number[], ids: readonly number[], what: string): void {
  if (ref.length !== ids.length) {
    throw new ModelError(
      `${what}: the tokenizer's template adds ${ids.length - (ref.length - 2)} special tokens, but ` +
        `transformers-interpret's baseline assumes [CLS] ... [SEP] (${ref.length} vs ${ids.length} tokens); explain without compat.`,
      { code: 'bad-tokenizer' },
    );
  }
}

function finish(parts: {
  text: string;
  textPair?: string;
  cleaned: boolean;
  inputIds: number[];
  refInputIds: number[];
  tokenTypeIds: number[];
  sepIdx: number;
  textSpan: TokenSpan;
  pairSpan?: TokenSpan;
}): TextInputs {
  const T = parts.inputIds.length;
  const rows: TextInputs = {
    text: parts.text,
    ...(parts.textPair !== undefined ? { textPair: parts.textPair } : {}),
    ...(parts.cleaned ? { cleanedText: parts.text } : {}),
    inputIds: parts.inputIds,
    refInputIds: parts.refInputIds,
    tokenTypeIds: parts.tokenTypeIds,
    refTokenTypeIds: zeros(T),
    positionIds: Array.from({ length: T }, (_, i) => i),
    refPositionIds: zeros(T),
    attentionMask: new Array<number>(T).fill(1),
    sepIdx: parts.sepIdx,
    textSpan: parts.textSpan,
    ...(parts.pairSpan ? { pairSpan: parts.pairSpan } : {}),
  };
  return rows;
}
