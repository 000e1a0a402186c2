/**
 * Results of every text task with `texts` and `words`, for the view tests: the reference
 * results of test/unit/viz-fixture-results.ts, their words mapped (src/explainers/text/words.ts)
 * with the fixture model's own transformers.js tokenizer. Runs in Node (the spec), not in the page.
 */
import { AutoTokenizer, env } from '@huggingface/transformers';
import { resolve } from 'node:path';
import { alignTokens, groupWords } from '../../src/explainers/text/words.js';
import { wordTokenizerSpec } from '../../src/explainers/text/word-spec.js';
import type {
  MultiLabelResult,
  QuestionAnsweringResult,
  SequenceClassificationResult,
  TextWord,
  TokenClassificationResult,
  WordAttribution,
  ZeroShotResult,
} from '../../src/types.js';
import { DEMO_TASKS } from '../../demo/tasks.js';
import {
  multiLabelResult,
  qaResult,
  sequenceResult,
  tokenClassificationResult,
  zeroShotResult,
} from '../unit/viz-fixture-results.js';

interface TokenizerLike {
  get_vocab(): Map<string, number>;
  all_special_ids: number[];
  unk_token_id?: number | null;
}

function inputs(task: string): Record<string, string> {
  const t = DEMO_TASKS.find((d) => d.task === task);
  if (!t) throw new RangeError(`no demo task ${task}`);
  return t.inputs as Record<string, string>;
}

/** A words function for one input: scores in, words out (alignment done once). */
async function wordsFor(model: string, inputIds: number[], texts: string[]): Promise<(pairs: WordAttribution[]) => TextWord[]> {
  env.allowRemoteModels = false;
  env.localModelPath = `${resolve('test/fixtures/models')}/`;
  const raw = await AutoTokenizer.from_pretrained(model);
  const tok = raw as unknown as TokenizerLike;
  const inverse = new Map<number, string>();
  for (const [t, id] of tok.get_vocab()) if (!inverse.has(id)) inverse.set(id, t);
  const special = new Set(tok.all_special_ids.filter((id) => id !== tok.unk_token_id));
  // Segments: text between the first special token and the next is 0, after that 1.
  let segment = -1;
  let prevSpecial = true;
  const segments = inputIds.map((id) => {
    if (special.has(id)) {
      prevSpecial = true;
      return null;
    }
    if (prevSpecial) segment++;
    prevSpecial = false;
    return Math.min(segment, texts.length - 1);
  });
  const tokens = inputIds.map((id) => inverse.get(id) ?? '');
  const spec = wordTokenizerSpec(raw as never);
  const spans = alignTokens(texts, tokens.map((token, i) => ({ token, segment: segments[i] ?? null })), spec);
  return (pairs) => groupWords(texts, spans, tokens, pairs.map(([, s]) => s), { continuingPrefix: spec.continuingPrefix });
}

export async function sequenceWithWords(): Promise<SequenceClassificationResult> {
  const r = sequenceResult();
  const texts = [inputs('text-classification').text];
  const words = await wordsFor('distilbert-sst2', r.inputIds, texts);
  return { ...r, texts, words: words(r.wordAttributions) };
}

export async function pairWithWords(): Promise<SequenceClassificationResult> {
  const r = sequenceResult('minilm-cross-encoder', 'flip_sign_true');
  const i = inputs('text-pair-classification');
  const texts = [i.text, i['text-pair']];
  const words = await wordsFor('minilm-cross-encoder', r.inputIds, texts);
  return { ...r, task: 'text-pair-classification', texts, words: words(r.wordAttributions) };
}

export async function multiLabelWithWords(): Promise<MultiLabelResult> {
  const r = multiLabelResult();
  const texts = [inputs('multi-label-classification').text];
  const words = await wordsFor('distilroberta-emotion', r.inputIds, texts);
  return { ...r, texts, words: Object.fromEntries(Object.entries(r.wordAttributions).map(([k, v]) => [k, words(v)])) };
}

export async function zeroShotWithWords(): Promise<ZeroShotResult> {
  const r = zeroShotResult();
  const texts = [inputs('zero-shot-classification').text];
  const out: Record<string, TextWord[]> = {};
  for (const [label, pairs] of Object.entries(r.wordAttributions)) {
    const ids = r.inputIds.slice(0, pairs.length);
    out[label] = (await wordsFor('bert-nli', ids, texts))(pairs);
  }
  return { ...r, texts, words: out };
}

export async function qaWithWords(): Promise<QuestionAnsweringResult> {
  const r = qaResult();
  const i = inputs('question-answering');
  const texts = [i.question, i.context];
  const words = await wordsFor('bert-squad', r.inputIds, texts);
  return { ...r, texts, words: { start: words(r.wordAttributions.start), end: words(r.wordAttributions.end) } };
}

export async function tokenClassificationWithWords(): Promise<TokenClassificationResult> {
  const r = tokenClassificationResult();
  const texts = [inputs('token-classification').text];
  const words = await wordsFor('bert-ner', r.inputIds, texts);
  return { ...r, texts, wordAttributions: r.wordAttributions.map((e) => ({ ...e, words: words(e.attributions) })) };
}
