/**
 * Words mapped back to the input, with the real transformers.js tokenizers of every text
 * fixture (WordPiece, byte-level BPE) and hand-written SentencePiece tokens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, PreTrainedTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSingleTextInputs, buildTextPairInputs, type TextInputs } from '../../src/explainers/text/inputs.js';
import { fromTransformersJs, type VocabTextTokenizer } from '../../src/explainers/text/tokenizer.js';
import {
  alignTokens,
  groupWords,
  mapWords,
  type TextWord,
  type WordTokenizerSpec,
} from '../../src/explainers/text/words.js';
import { wordTokenizerSpec } from '../../src/explainers/text/word-spec.js';

const MODELS_DIR = path.resolve('test/fixtures/models');
const MODELS = [
  'bert-3class',
  'distilbert-sst2',
  'bert-ner',
  'bert-squad',
  'bert-nli',
  'minilm-cross-encoder',
  'distilroberta-emotion',
  'deberta-nli',
];

interface Loaded {
  tok: VocabTextTokenizer;
  spec: WordTokenizerSpec;
}
const loaded = new Map<string, Loaded>();

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = `${MODELS_DIR}/`;
  for (const model of MODELS) {
    const config = JSON.parse(readFileSync(path.join(MODELS_DIR, model, 'config.json'), 'utf8')) as { model_type: string };
    const raw = await AutoTokenizer.from_pretrained(model);
    loaded.set(model, { tok: fromTransformersJs(raw, config.model_type), spec: wordTokenizerSpec(raw) });
  }
});

const HOSTILE = [
  'I love you, I like you',
  'Hello, wörld! 😀 ok',
  '<b onmouseover="alert(1)">bold</b> &amp; <script>x</script>',
  'the the the cat the',
  'café naïve e\u0301te\u0301 Å',
  'zero\u200bwidth\u200djoin\ufeffed',
  '👩‍👩‍👧 family 🇫🇷 flag 😀😀',
  '  leading and trailing spaces  \n\n newlines\tand\ttabs ',
  'don\'t (stop) me?! "quoted" 3.14 x=1+2',
  '中文字符 and 日本語',
  'ＦＵＬＬ width ﬁ ligature',
  'a',
];

function segmentsOf(rows: TextInputs): (number | null)[] {
  return rows.inputIds.map((_, i) => {
    if (i >= rows.textSpan.start && i < rows.textSpan.end) return 0;
    if (rows.pairSpan && i >= rows.pairSpan.start && i < rows.pairSpan.end) return 1;
    return null;
  });
}

function vocabTokens(tok: VocabTextTokenizer, ids: readonly number[]): string[] {
  return ids.map((id) => tok.idToToken(id) ?? '');
}

/** Deterministic scores that differ per position, so sums are checked for real. */
function scoresFor(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i + 1) / (i + 2));
}

/** Characters a tokenizer may drop or that carry no visible text. */
const INVISIBLE = /[\s\p{Cc}\p{Cf}]/gu;

function checkWords(words: TextWord[], texts: readonly string[], scores: readonly number[], specials: Set<number>, label: string): void {
  let prev: TextWord | undefined;
  for (const w of words) {
    const input = texts[w.segment];
    expect(w.text, `${label}: text === input.slice(start, end)`).toBe(input.slice(w.start, w.end));
    expect(w.text.length, `${label}: non-empty word`).toBeGreaterThan(0);
    expect(w.tokens.length, label).toBeGreaterThan(0);
    for (const t of w.tokens) expect(specials.has(t), `${label}: special token ${t} in a word`).toBe(false);
    const sum = w.tokens.reduce((s, t) => s + scores[t], 0);
    expect(Math.abs(w.score - sum), `${label}: score is the sum`).toBeLessThan(1e-12);
    expect(/^\s|\s$/u.test(w.text), `${label}: word ${JSON.stringify(w.text)} has no edge whitespace`).toBe(false);
    if (prev && prev.segment === w.segment) expect(w.start, `${label}: words in order, not overlapping`).toBeGreaterThanOrEqual(prev.end);
    prev = w;
  }
  // Every visible character of every text belongs to exactly one word.
  texts.forEach((input, s) => {
    const covered = words
      .filter((w) => w.segment === s)
      .map((w) => w.text)
      .join('')
      .replace(INVISIBLE, '');
    expect(covered, `${label}: every visible character of text ${s} is in a word`).toBe(input.replace(INVISIBLE, ''));
  });
}

describe('words of single texts, every fixture tokenizer', () => {
  for (const model of MODELS) {
    for (const compat of [false, true]) {
      it(`${model}${compat ? ' (compat: cleaned text, offsets into the raw text)' : ''}`, () => {
        const { tok, spec } = loaded.get(model)!;
        for (const input of HOSTILE) {
          const rows = buildSingleTextInputs(tok, input, compat ? { compat: 'transformers-interpret' } : {});
          const tokens = vocabTokens(tok, rows.inputIds);
          const segments = segmentsOf(rows);
          const scores = scoresFor(tokens.length);
          const words = mapWords({ texts: [input], tokens, segments, spec }, scores);
          const specials = new Set(segments.flatMap((s, i) => (s === null ? [i] : [])));
          checkWords(words, [input], scores, specials, `${model} ${JSON.stringify(input)}`);
        }
      });
    }
  }
});

describe('words of text pairs say which text they are in', () => {
  for (const model of ['minilm-cross-encoder', 'bert-nli', 'deberta-nli', 'distilroberta-emotion']) {
    it(model, () => {
      const { tok, spec } = loaded.get(model)!;
      const a = 'How many <i>people</i> live in Berlin?';
      const b = 'Berlin has 3,520,031 people 😀 — café.';
      const rows = buildTextPairInputs(tok, a, b);
      const tokens = vocabTokens(tok, rows.inputIds);
      const segments = segmentsOf(rows);
      const scores = scoresFor(tokens.length);
      const words = mapWords({ texts: [a, b], tokens, segments, spec }, scores);
      checkWords(words, [a, b], scores, new Set(segments.flatMap((s, i) => (s === null ? [i] : []))), model);
      expect(words.filter((w) => w.segment === 0).map((w) => w.text)).toEqual(['How', 'many', '<', 'i', '>', 'people', '<', '/', 'i', '>', 'live', 'in', 'Berlin', '?']);
      const second = words.filter((w) => w.segment === 1).map((w) => w.text);
      expect(second[0]).toBe('Berlin');
      expect(second).toContain('people');
      expect(second.at(-1)).toBe('.');
    });
  }
});

describe('exact words per tokenizer family', () => {
  it('WordPiece: ## pieces merge, accents and case normalised away still map to the original characters', () => {
    const { tok, spec } = loaded.get('bert-3class')!;
    const input = 'Hello, WÖRLD! ok';
    const rows = buildSingleTextInputs(tok, input);
    const tokens = vocabTokens(tok, rows.inputIds);
    const words = mapWords({ texts: [input], tokens, segments: segmentsOf(rows), spec }, scoresFor(tokens.length));
    expect(words.map((w) => w.text)).toEqual(['Hello', ',', 'WÖRLD', '!', 'ok']);
    const ok = words[4];
    expect(ok.tokens.map((t) => tokens[t])).toEqual(['o', '##k']);
    expect([ok.start, ok.end]).toEqual([14, 16]);
  });

  it('byte-level BPE: an emoji split over four byte tokens is one word; a lone Ġ belongs to no word', () => {
    const { tok, spec } = loaded.get('distilroberta-emotion')!;
    const input = 'Hello, wörld! 😀 ok.';
    const rows = buildSingleTextInputs(tok, input, { compat: 'transformers-interpret' });
    const tokens = vocabTokens(tok, rows.inputIds);
    const words = mapWords({ texts: [input], tokens, segments: segmentsOf(rows), spec }, scoresFor(tokens.length));
    expect(words.map((w) => w.text)).toEqual(['Hello', ',', 'wörld', '!', '😀', 'ok', '.']);
    const emoji = words[4];
    expect(emoji.tokens.length).toBeGreaterThan(1);
    expect([emoji.start, emoji.end]).toEqual([14, 16]);
    // compat cleaning ends the text with a space: its lone `Ġ` token is in no word.
    expect(tokens[rows.textSpan.end - 1]).toBe('Ġ');
    expect(words.some((w) => w.tokens.includes(rows.textSpan.end - 1))).toBe(false);
  });

  it('repeated words map to successive occurrences', () => {
    for (const model of ['bert-3class', 'deberta-nli']) {
      const { tok, spec } = loaded.get(model)!;
      const input = 'the the the cat the';
      const rows = buildSingleTextInputs(tok, input);
      const tokens = vocabTokens(tok, rows.inputIds);
      const words = mapWords({ texts: [input], tokens, segments: segmentsOf(rows), spec }, scoresFor(tokens.length));
      expect(words.map((w) => w.start), model).toEqual([0, 4, 8, 12, 16]);
    }
  });

  it('combining marks and zero-width characters stay inside the word', () => {
    const { tok, spec } = loaded.get('bert-3class')!;
    const input = 'e\u0301te\u0301 zero\u200bwidth';
    const rows = buildSingleTextInputs(tok, input);
    const tokens = vocabTokens(tok, rows.inputIds);
    const words = mapWords({ texts: [input], tokens, segments: segmentsOf(rows), spec }, scoresFor(tokens.length));
    expect(words.map((w) => w.text)).toEqual(['e\u0301te\u0301', 'zero\u200bwidth']);
  });

  it('HTML in the text is words like any other (escaping is the painter\'s job)', () => {
    const { tok, spec } = loaded.get('deberta-nli')!;
    const input = '<b>hi</b>';
    const rows = buildSingleTextInputs(tok, input);
    const tokens = vocabTokens(tok, rows.inputIds);
    const words = mapWords({ texts: [input], tokens, segments: segmentsOf(rows), spec }, scoresFor(tokens.length));
    expect(words.map((w) => w.text).join('')).toBe(input);
    expect(words.map((w) => w.text)).toContain('hi');
  });
});

describe('SentencePiece (▁) spelling', () => {
  const spec: WordTokenizerSpec = { spelling: 'metaspace', unkToken: '<unk>', normalize: (s) => s.normalize('NFKC') };

  it('▁ starts words, pieces without it continue, offsets point into the input', () => {
    const input = 'Hello,  wörld ﬁne';
    const tokens = ['[CLS]', '▁Hello', ',', '▁w', 'ör', 'ld', '▁fi', 'ne', '[SEP]'];
    const segments = [null, 0, 0, 0, 0, 0, 0, 0, null];
    const words = mapWords({ texts: [input], tokens, segments, spec }, [9, 1, 2, 3, 4, 5, 6, 7, 9]);
    expect(words).toEqual([
      { text: 'Hello', start: 0, end: 5, score: 1, tokens: [1], segment: 0 },
      { text: ',', start: 5, end: 6, score: 2, tokens: [2], segment: 0 },
      { text: 'wörld', start: 8, end: 13, score: 12, tokens: [3, 4, 5], segment: 0 },
      { text: 'ﬁne', start: 14, end: 17, score: 13, tokens: [6, 7], segment: 0 },
    ]);
  });

  it('unknown and byte-fallback tokens take the text between their neighbours', () => {
    const input = 'a 😀 🇫🇷 b';
    const tokens = ['▁a', '▁', '<unk>', '▁', '<0xF0>', '<0x9F>', '▁b'];
    const spans = alignTokens([input], tokens.map((token) => ({ token, segment: 0 })), spec);
    expect(spans[2]).toEqual({ segment: 0, start: 2, end: 4 });
    expect(spans[4]).toEqual({ segment: 0, start: 5, end: 9 });
    const words = groupWords([input], spans, tokens, [1, 0, 2, 0, 3, 4, 5]);
    expect(words.map((w) => [w.text, w.score])).toEqual([['a', 1], ['😀', 2], ['🇫🇷', 7], ['b', 5]]);
  });
});

/**
 * A real transformers.js SentencePiece tokenizer (Unigram model, Metaspace pre-tokenizer, NFKC
 * normalizer), built from an inline tokenizer.json: the fixtures have no SentencePiece model.
 */
function sentencePieceTokenizer(): PreTrainedTokenizer {
  const special = (id: number, content: string): Record<string, unknown> => ({ id, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false });
  const pieces = ['<pad>', '</s>', '<unk>', '▁', '▁Hello', ',', '▁w', 'ör', 'ld', '▁caf', 'é', '▁the', '▁a', '!', '<', '>', 'b', '/', 'e', 't', 'h', 'a', 'c', 'f', 'i', 'n', 'o', 'r', 'l', 'd', 'w', 'z', 's', 'p', 'g', 'u', 'm'];
  const vocab = pieces.map((p, i) => [p, i < 3 ? 0 : -10 + p.length]);
  const metaspace = { type: 'Metaspace', replacement: '▁', add_prefix_space: true, prepend_scheme: 'always' };
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<pad>'), special(1, '</s>'), special(2, '<unk>')],
    normalizer: { type: 'NFKC' },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
  };
  return new PreTrainedTokenizer(json, { eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>' });
}

describe('SentencePiece, a real transformers.js tokenizer', () => {
  const raw = sentencePieceTokenizer();
  const tok = fromTransformersJs(raw, 't5');
  const spec = wordTokenizerSpec(raw);

  it('reads the spelling from the tokenizer: metaspace, <unk>, NFKC normalizer', () => {
    expect(spec.spelling).toBe('metaspace');
    expect(spec.unkToken).toBe('<unk>');
    expect(spec.normalize?.('ﬁ')).toBe('fi');
  });

  it('maps ▁ pieces, unknown characters and hostile text back to the input', () => {
    const input = 'Hello, wörld café the 😀 a!';
    const ids = raw._call(input, { add_special_tokens: true, return_tensor: false }) as unknown as { input_ids: number[] };
    const tokens = vocabTokens(tok, ids.input_ids);
    expect(tokens).toContain('<unk>');
    const segments = tokens.map((t) => (t === '</s>' ? null : 0));
    const scores = scoresFor(tokens.length);
    const words = mapWords({ texts: [input], tokens, segments, spec }, scores);
    expect(words.map((w) => w.text)).toEqual(['Hello', ',', 'wörld', 'café', 'the', '😀', 'a', '!']);
    checkWords(words, [input], scores, new Set([tokens.length - 1]), 'sentencepiece');
    for (const text of HOSTILE) {
      const row = (raw._call(text, { add_special_tokens: true, return_tensor: false }) as unknown as { input_ids: number[] }).input_ids;
      const toks = vocabTokens(tok, row);
      const sc = scoresFor(toks.length);
      const ws = mapWords({ texts: [text], tokens: toks, segments: toks.map((t) => (t === '</s>' ? null : 0)), spec }, sc);
      checkWords(ws, [text], sc, new Set([toks.length - 1]), `sentencepiece ${JSON.stringify(text)}`);
    }
  });
});
