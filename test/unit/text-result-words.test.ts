/**
 * Every text explainer's result carries `texts` and `words` mapped back to what the caller
 * passed (compat and default mode, fixture models, a few integration steps): each word's text
 * is its slice of the input, its score the sum of its tokens' scores in `wordAttributions`,
 * special tokens in no word, and every visible character of the input in some word.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MultiLabelClassificationExplainer } from '../../src/explainers/text/multi-label-classification.js';
import { QuestionAnsweringExplainer } from '../../src/explainers/text/question-answering.js';
import { PairwiseSequenceClassificationExplainer, SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { TokenClassificationExplainer } from '../../src/explainers/text/token-classification.js';
import { ZeroShotClassificationExplainer } from '../../src/explainers/text/zero-shot-classification.js';
import type { TextWord, WordAttribution } from '../../src/types.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const init = { device: 'cpu' as const, localOnly: true };
const dir = (model: string): string => path.join(MODELS_DIR, model);
const SPECIAL = new Set(['[CLS]', '[SEP]', '<s>', '</s>']);
const INVISIBLE = /[\s\p{Cc}\p{Cf}]/gu;
const TEXT = 'We visited  Paris, <b>last</b> weekend — café 😀 where Emmanuel Macron lives.';

function check(words: TextWord[] | undefined, attributions: readonly WordAttribution[], texts: readonly string[], label: string, segments = texts.map((_, i) => i)): void {
  expect(words, `${label}: words present`).toBeDefined();
  for (const w of words ?? []) {
    expect(w.text, label).toBe(texts[w.segment]?.slice(w.start, w.end));
    const sum = w.tokens.reduce((s, t) => s + (attributions[t]?.[1] ?? NaN), 0);
    expect(Math.abs(w.score - sum), `${label}: ${w.text} score`).toBeLessThan(1e-12);
    for (const t of w.tokens) expect(SPECIAL.has(attributions[t]?.[0] ?? ''), `${label}: special token in a word`).toBe(false);
  }
  for (const s of segments) {
    const covered = (words ?? []).filter((w) => w.segment === s).map((w) => w.text).join('').replace(INVISIBLE, '');
    expect(covered, `${label}: text ${s} covered`).toBe((texts[s] ?? '').replace(INVISIBLE, ''));
  }
}

describe.each([[{}], [{ compat: 'transformers-interpret' as const }]])('words in every text result %j', (mode) => {
  const opts = { nSteps: 3, ...mode };

  test('sequence and pair', async () => {
    const seq = await (await SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), init)).explain(TEXT, opts);
    expect(seq.texts).toEqual([TEXT]);
    check(seq.words, seq.wordAttributions, [TEXT], 'sequence');
    const b = 'Berlin has 3,520,031 people.';
    const pair = await (await PairwiseSequenceClassificationExplainer.fromPretrained(dir('minilm-cross-encoder'), init)).explain(TEXT, b, opts);
    check(pair.words, pair.wordAttributions, [TEXT, b], 'pair');
    expect(new Set(pair.words?.map((w) => w.segment))).toEqual(new Set([0, 1]));
  });

  test('multi-label, per label (byte-level BPE)', async () => {
    const r = await (await MultiLabelClassificationExplainer.fromPretrained(dir('distilroberta-emotion'), init)).explain(TEXT, opts);
    const labels = Object.keys(r.wordAttributions);
    expect(Object.keys(r.words ?? {})).toEqual(labels);
    for (const l of labels) check(r.words?.[l], r.wordAttributions[l] ?? [], [TEXT], `multi-label ${l}`);
  });

  test('zero-shot, per label; hypothesis words refer to the hypothesis', async () => {
    const r = await (await ZeroShotClassificationExplainer.fromPretrained(dir('deberta-nli'), init)).explain(TEXT, ['travel', 'politics'], opts);
    for (const l of ['travel', 'politics']) {
      const texts = [TEXT, r.hypotheses?.[l] ?? ''];
      check(r.words?.[l], r.wordAttributions[l] ?? [], texts, `zero-shot ${l}`, [0]);
    }
  });

  test('question answering: question and context words for start and end', async () => {
    const q = 'Who lives where?';
    const r = await (await QuestionAnsweringExplainer.fromPretrained(dir('bert-squad'), init)).explain(q, TEXT, opts);
    check(r.words?.start, r.wordAttributions.start, [q, TEXT], 'qa start');
    check(r.words?.end, r.wordAttributions.end, [q, TEXT], 'qa end');
  });

  test('token classification: per explained token', async () => {
    const r = await (await TokenClassificationExplainer.fromPretrained(dir('bert-ner'), init)).explain(TEXT, opts);
    expect(r.wordAttributions.length).toBeGreaterThan(0);
    for (const e of r.wordAttributions) check(e.words, e.attributions, [TEXT], `ner ${e.index}`);
  });
});
