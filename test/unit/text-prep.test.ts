/** Pure text preparation with a synthetic tokenizer (no model files). */
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/explainers/text/clean-text.js';
import { DEFAULT_HYPOTHESIS_TEMPLATE, formatHypothesis } from '../../src/explainers/text/hypothesis.js';
import {
  buildSingleTextInputs,
  buildTextPairInputs,
  buildZeroShotInputs,
  isRobertaLike,
  locateSegments,
  resolveSpecialTokens,
  type EncodeOptions,
  type EncodedText,
  type SpecialTokenIds,
  type TextTokenizer,
} from '../../src/explainers/text/inputs.js';
import { fromTransformersJs, type TransformersJsCallOptions } from '../../src/explainers/text/tokenizer.js';
import { displayTokens, stripByteLevelMarker } from '../../src/explainers/text/tokens.js';
import { loadTextReferences } from './text-reference-fixtures.js';

describe('cleanText (compat _clean_text)', () => {
  it('reproduces every reference cleaned_text', () => {
    let n = 0;
    for (const { ref } of loadTextReferences()) {
      if (ref.cleaned_text === undefined) continue;
      expect(cleanText(ref.call.text as string)).toBe(ref.cleaned_text);
      n++;
    }
    // 23 text cases minus pairwise (2) and QA (2), which do not clean, and multi-label (1), which stores none.
    expect(n).toBe(18);
  });

  it('follows Python re semantics for whitespace', () => {
    expect(cleanText('a.b')).toBe('a . b');
    expect(cleanText('(x)!')).toBe(' ( x ) ! ');
    // A single whitespace character stays as it is; runs of two or more become one space.
    expect(cleanText('a\nb')).toBe('a\nb');
    expect(cleanText('a \n\t b')).toBe('a b');
    // Python's \s includes U+001C-U+001F and U+0085 but not U+FEFF.
    expect(cleanText('a\x1c\x1db')).toBe('a b');
    expect(cleanText('a\x85 b')).toBe('a b');
    expect(cleanText('a\ufeff\ufeffb')).toBe('a\ufeff\ufeffb');
    expect(cleanText('3,520,031')).toBe('3 , 520 , 031');
    expect(cleanText('')).toBe('');
  });
});

describe('formatHypothesis (str.format with one label)', () => {
  it('fills {} and {0}, keeps escaped braces', () => {
    expect(formatHypothesis(DEFAULT_HYPOTHESIS_TEMPLATE, 'sports')).toBe('this text is about sports .');
    expect(formatHypothesis('This example is {}.', 'finance')).toBe('This example is finance.');
    expect(formatHypothesis('{0} or {0}?', 'x')).toBe('x or x?');
    expect(formatHypothesis('{{literal}} {}', 'y')).toBe('{literal} y');
  });

  it('rejects what Python rejects with one argument', () => {
    expect(() => formatHypothesis('{} and {}', 'a')).toThrow();
    expect(() => formatHypothesis('{label}', 'a')).toThrow();
    expect(() => formatHypothesis('{} {0}', 'a')).toThrow();
    expect(() => formatHypothesis('a } b', 'a')).toThrow();
    expect(() => formatHypothesis('a { b', 'a')).toThrow();
    // transformers' zero-shot pipeline refuses a template with no field (every label the same).
    expect(() => formatHypothesis('no field', 'z')).toThrow(expect.objectContaining({ code: 'bad-hypothesis-template' }));
  });
});

describe('display tokens', () => {
  it('removes every Ġ like str.replace', () => {
    expect(stripByteLevelMarker('Ġhello')).toBe('hello');
    expect(stripByteLevelMarker('Ġ')).toBe('');
    expect(stripByteLevelMarker('aĠbĠ')).toBe('ab');
    expect(displayTokens([0, 1], (id) => ['<s>', 'Ġhi'][id])).toEqual(['<s>', 'hi']);
    expect(() => displayTokens([5], () => undefined)).toThrow(expect.objectContaining({ name: 'ModelError', code: 'bad-tokenizer' }));
  });
});

/**
 * A whitespace tokenizer with a vocabulary built on the fly and a configurable template:
 * BERT-like `[CLS] a [SEP] b [SEP]` with token types, or RoBERTa-like `<s> a </s></s> b </s>`.
 */
function fakeTokenizer(opts: {
  modelType: string;
  special: SpecialTokenIds;
  template: 'bert' | 'roberta' | 'none' | 'bos-only';
}): TextTokenizer {
  const vocab = new Map<string, number>();
  const idOf = (w: string): number => {
    if (!vocab.has(w)) vocab.set(w, 100 + vocab.size);
    return vocab.get(w)!;
  };
  const words = (t: string): number[] => t.split(/\s+/).filter(Boolean).map(idOf);
  const s = opts.special;
  return {
    modelType: opts.modelType,
    specialTokenIds: s,
    encode(text: string, o: EncodeOptions = {}): EncodedText {
      const a = words(text);
      const b = o.pair != null ? words(o.pair) : null;
      if (!o.addSpecialTokens || opts.template === 'none') return { ids: b ? [...a, ...b] : a };
      if (opts.template === 'bos-only') return { ids: [s.bos!, ...a, ...(b ?? [])] };
      if (opts.template === 'bert') {
        const ids = [s.cls!, ...a, s.sep!, ...(b ? [...b, s.sep!] : [])];
        const types = ids.map((_, i) => (i < a.length + 2 ? 0 : 1));
        return { ids, tokenTypeIds: types };
      }
      return { ids: [s.bos!, ...a, s.eos!, ...(b ? [s.eos!, ...b, s.eos!] : [])] };
    },
  };
}

describe('input builders with a synthetic tokenizer', () => {
  const bert = fakeTokenizer({ modelType: 'bert', special: { cls: 1, sep: 2, pad: 0 }, template: 'bert' });
  const roberta = fakeTokenizer({ modelType: 'roberta', special: { bos: 0, eos: 2, pad: 1 }, template: 'roberta' });
  const COMPAT = { compat: 'transformers-interpret' } as const;

  it('resolves cls/sep to bos/eos and gpt2 pad to eos', () => {
    expect(resolveSpecialTokens(roberta)).toEqual({ cls: 0, sep: 2, ref: 1 });
    expect(resolveSpecialTokens({ modelType: 'gpt2', specialTokenIds: { bos: 50256, eos: 50256 } })).toEqual({
      cls: 50256,
      sep: 50256,
      ref: 50256,
    });
    expect(() => resolveSpecialTokens({ modelType: 'bert', specialTokenIds: { cls: 1 } })).toThrow(/pad/);
  });

  it('compat single text: off-by-one types, positions, masks, sepIdx', () => {
    const r = buildSingleTextInputs(bert, 'good movie', COMPAT);
    expect(r.inputIds).toHaveLength(4);
    expect(r.refInputIds).toEqual([1, 0, 0, 2]);
    expect(r.tokenTypeIds).toEqual([0, 0, 0, 1]);
    expect(r.refTokenTypeIds).toEqual([0, 0, 0, 0]);
    expect(r.positionIds).toEqual([0, 1, 2, 3]);
    expect(r.refPositionIds).toEqual([0, 0, 0, 0]);
    expect(r.attentionMask).toEqual([1, 1, 1, 1]);
    expect(r.sepIdx).toBe(2);
    expect(r.textSpan).toEqual({ start: 1, end: 3 });
    const ner = buildSingleTextInputs(bert, 'good movie', { ...COMPAT, task: 'token-classification' });
    expect(ner.tokenTypeIds).toEqual([0, 0, 0, 0]);
  });

  it('compat single text without special tokens: baseline is pads only (as the original)', () => {
    const none = fakeTokenizer({ modelType: 'bert', special: { cls: 1, sep: 2, pad: 0 }, template: 'none' });
    const r = buildSingleTextInputs(none, 'a b c', COMPAT);
    expect(r.refInputIds).toEqual([0, 0, 0]);
    expect(r.textSpan).toEqual({ start: 0, end: 3 });
  });

  it('compat refuses a template the original cannot handle; default mode copes', () => {
    const bosOnly = fakeTokenizer({ modelType: 'x', special: { bos: 5, eos: 6, pad: 0 }, template: 'bos-only' });
    expect(() => buildSingleTextInputs(bosOnly, 'a b', COMPAT)).toThrow(/baseline/);
    const r = buildSingleTextInputs(bosOnly, 'a b');
    expect(r.refInputIds).toEqual([5, 0, 0]);
    expect(r.tokenTypeIds).toEqual([0, 0, 0]);
  });

  it('pairs: RoBERTa-like baselines get two separators in both modes', () => {
    const compat = buildTextPairInputs(roberta, 'a b', 'c', COMPAT);
    expect(compat.refInputIds).toEqual([0, 1, 1, 2, 2, 1, 2]);
    expect(compat.sepIdx).toBe(3);
    expect(compat.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1]);
    const plain = buildTextPairInputs(roberta, 'a b', 'c');
    expect(plain.refInputIds).toEqual(compat.refInputIds);
    expect(plain.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(plain.pairSpan).toEqual({ start: 5, end: 6 });
    // xlm-roberta gets the roberta treatment (the original only checks "roberta").
    const xlmr = fakeTokenizer({ modelType: 'xlm-roberta', special: { bos: 0, eos: 2, pad: 1 }, template: 'roberta' });
    expect(buildTextPairInputs(xlmr, 'a b', 'c', COMPAT).refInputIds).toEqual([0, 1, 1, 2, 2, 1, 2]);
    expect(isRobertaLike('camembert')).toBe(true);
    expect(isRobertaLike('bert')).toBe(false);
  });

  it('zero-shot: compat builds [CLS] t [SEP] h [SEP] by hand and cleans only the text', () => {
    const r = buildZeroShotInputs(bert, 'big news.', 'about x .', COMPAT);
    expect(r.cleanedText).toBe('big news . ');
    expect(r.text).toBe('big news . ');
    expect(r.textPair).toBe('about x .');
    expect(r.sepIdx).toBe(3);
    expect(r.inputIds[0]).toBe(1);
    expect(r.inputIds[4]).toBe(2);
    expect(r.refInputIds).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 2]);
    expect(r.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const pred = buildZeroShotInputs(bert, 'big news.', 'about x .', { ...COMPAT, clean: false });
    expect(pred.cleanedText).toBeUndefined();
    expect(pred.sepIdx).toBe(2);
    // Default mode on RoBERTa: the tokenizer's template, two separators.
    const plain = buildZeroShotInputs(roberta, 'big news.', 'about x .');
    expect(plain.refInputIds).toEqual([0, 1, 1, 2, 2, 1, 1, 1, 2]);
  });

  it('locateSegments finds texts after the template tokens, even when they contain special ids', () => {
    expect(locateSegments([1, 1, 7, 2], [[1, 7]])).toEqual([{ start: 1, end: 3 }]);
    expect(locateSegments([1, 5, 2, 2, 5, 2], [[5], [5]])).toEqual([
      { start: 1, end: 2 },
      { start: 4, end: 5 },
    ]);
    expect(locateSegments([1, 2], [[]])).toEqual([{ start: 1, end: 1 }]);
    expect(() => locateSegments([1, 5, 2], [[6]])).toThrow(/truncated/);
  });
});

describe('fromTransformersJs adapter', () => {
  it('reads cls from tokenizer_config (string or AddedToken) and maps the call', () => {
    const calls: [string, TransformersJsCallOptions][] = [];
    const fake = {
      _call(text: string, options: TransformersJsCallOptions) {
        calls.push([text, options]);
        return { input_ids: [2n, 7n, 3n], token_type_ids: [0, 0, 0] };
      },
      get_vocab: () => new Map([['[CLS]', 2], ['[SEP]', 3], ['hi', 7]]),
      sep_token_id: 3,
      pad_token_id: 0,
      _tokenizerConfig: { cls_token: { content: '[CLS]' } },
    };
    const tok = fromTransformersJs(fake, 'bert');
    expect(tok.specialTokenIds).toEqual({ cls: 2, sep: 3, pad: 0, bos: null, eos: null });
    expect(tok.encode('hi', { addSpecialTokens: true })).toEqual({ ids: [2, 7, 3], tokenTypeIds: [0, 0, 0] });
    expect(calls[0]).toEqual(['hi', { text_pair: null, add_special_tokens: true, return_tensor: false }]);
    expect(tok.idToToken(7)).toBe('hi');
    expect(fromTransformersJs(fake, 'bert', { cls: 9 }).specialTokenIds.cls).toBe(9);
  });
});
