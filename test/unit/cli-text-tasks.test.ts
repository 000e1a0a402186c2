/**
 * The CLI tasks of issue 5 (multi-label, zero-shot, question answering, token classification):
 * every compat reference case once more through `main(argv, io)`, in-process, and their flags'
 * errors.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { MultiLabelResult, QuestionAnsweringResult, TokenClassificationResult, WordAttribution, ZeroShotResult } from '../../src/types.js';
import { loadTextReferences, MODELS_DIR, type TextReference } from './text-reference-fixtures.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const base = (task: string, model: string): string[] => ['explain', '--task', task, '--model', path.join(MODELS_DIR, model), '--local-only', '--device', 'cpu', '--compat', 'transformers-interpret'];

function maxDiff(got: readonly WordAttribution[], want: readonly WordAttribution[]): number {
  expect(got.map((w) => w[0])).toEqual(want.map((w) => w[0]));
  return Math.max(...got.map((w, i) => Math.abs(w[1] - want[i][1])));
}

/** Runs argv, expects success and returns the parsed JSON. */
async function ok<T>(argv: string[], task: string): Promise<T> {
  const { code, out, err } = await cli(argv);
  expect(err).toBe('');
  expect(code).toBe(0);
  const json = JSON.parse(out) as T & { task: string };
  expect(json.task).toBe(task);
  return json;
}

const refs = loadTextReferences();
const cases = (explainer: string): (readonly [string, TextReference])[] => refs.filter((c) => c.ref.explainer === explainer).map((c) => [c.name, c.ref] as const);

describe('gradscope explain: compat references through the CLI', () => {
  test.each(cases('MultiLabelClassificationExplainer'))('%s', async (_n, ref) => {
    const r = await ok<MultiLabelResult>([...base('multi-label-classification', ref.model), '--text', ref.call.text as string], 'multi-label-classification');
    const want = ref.word_attributions as Record<string, WordAttribution[]>;
    for (const l of Object.keys(want)) expect(maxDiff(r.wordAttributions[l], want[l])).toBeLessThanOrEqual(1e-3);
  });

  test.each(cases('ZeroShotClassificationExplainer'))('%s', async (_n, ref) => {
    const call = ref.call as { text: string; labels: string[]; hypothesis_template: string; include_hypothesis: boolean };
    const argv = [...base('zero-shot-classification', ref.model), '--text', call.text, '--labels', call.labels.join(','), '--hypothesis-template', call.hypothesis_template];
    if (call.include_hypothesis) argv.push('--include-hypothesis');
    const r = await ok<ZeroShotResult>(argv, 'zero-shot-classification');
    const want = ref.word_attributions as Record<string, WordAttribution[]>;
    for (const l of call.labels) expect(maxDiff(r.wordAttributions[l], want[l])).toBeLessThanOrEqual(1e-3);
    expect(r.predictedLabel).toBe(ref.prediction.predicted_label);
  });

  test.each(cases('QuestionAnsweringExplainer'))('%s', async (_n, ref) => {
    const call = ref.call as { question: string; text: string; embedding_type: 0 | 2 };
    const argv = [...base('question-answering', ref.model), '--question', call.question, '--context', call.text, '--embedding-type', call.embedding_type === 0 ? 'word' : 'embeddings'];
    const r = await ok<QuestionAnsweringResult>(argv, 'question-answering');
    const want = ref.word_attributions as { start: WordAttribution[]; end: WordAttribution[] };
    expect(maxDiff(r.wordAttributions.start, want.start)).toBeLessThanOrEqual(1e-3);
    expect(maxDiff(r.wordAttributions.end, want.end)).toBeLessThanOrEqual(1e-3);
    expect(r.predictedAnswer).toBe(ref.prediction.predicted_answer);
    expect([r.startPosition, r.endPosition]).toEqual([ref.prediction.start_pos, ref.prediction.end_pos]);
  });

  test.each(cases('TokenClassificationExplainer'))('%s', async (_n, ref) => {
    const call = ref.call as { text: string; ignored_labels?: string[]; ignored_indexes?: number[] };
    const argv = [...base('token-classification', ref.model), '--text', call.text];
    if (call.ignored_labels) argv.push('--ignored-labels', call.ignored_labels.join(','));
    if (call.ignored_indexes) argv.push('--ignored-indexes', call.ignored_indexes.join(','));
    const r = await ok<TokenClassificationResult>(argv, 'token-classification');
    const byIndex = (ref as unknown as { word_attributions_by_index: { index: number; label: string; attribution_scores: WordAttribution[] }[] }).word_attributions_by_index;
    expect(r.predictedLabels).toEqual(ref.prediction.predicted_class_names);
    expect(r.wordAttributions.map((e) => [e.index, e.label])).toEqual(byIndex.map((e) => [e.index, e.label]));
    r.wordAttributions.forEach((e, k) => expect(maxDiff(e.attributions, byIndex[k].attribution_scores)).toBeLessThanOrEqual(1e-3));
  });
});

describe('gradscope explain: new flags and their errors', () => {
  test('zero-shot without --labels says so', async () => {
    const { code, err } = await cli([...base('zero-shot-classification', 'bert-nli'), '--text', 'Some text.']);
    expect(code).toBe(2); // a missing required flag is a usage mistake
    expect(err).toContain('--labels is required');
  });

  test('zero-shot on a model without an entailment label', async () => {
    const { code, err } = await cli([...base('zero-shot-classification', 'distilbert-sst2'), '--text', 'I love you', '--labels', 'love,hate']);
    expect(code).toBe(1);
    expect(err).toContain('"entailment"');
  });

  test('question answering needs --question and --context', async () => {
    const { code, err } = await cli([...base('question-answering', 'bert-squad'), '--context', 'Paris is big.']);
    expect(code).toBe(2); // a missing required flag is a usage mistake
    expect(err).toContain('--question is required');
  });

  test('--ignored-labels must be model labels', async () => {
    const { code, err } = await cli([...base('token-classification', 'bert-ner'), '--text', 'Paris is big.', '--ignored-labels', 'O,PERSON']);
    expect(code).toBe(1);
    expect(err).toContain('"PERSON"');
  });

  test('--ignored-indexes must be integers', async () => {
    const { code, err } = await cli([...base('token-classification', 'bert-ner'), '--text', 'Paris is big.', '--ignored-indexes', '0,x']);
    expect(code).toBe(2);
    expect(err).toContain('--ignored-indexes takes comma-separated integers');
  });

  test('--format html renders each new task', async () => {
    const runs: string[][] = [
      [...base('multi-label-classification', 'distilroberta-emotion'), '--text', 'I liked it.'],
      [...base('zero-shot-classification', 'bert-nli'), '--text', 'I liked it.', '--labels', 'film,food'],
      [...base('question-answering', 'bert-squad'), '--question', 'What?', '--context', 'I liked it.'],
      [...base('token-classification', 'bert-ner'), '--text', 'Paris is big.', '--ignored-labels', 'O'],
    ];
    for (const argv of runs) {
      const { code, out } = await cli([...argv, '--n-steps', '4', '--format', 'html']);
      expect(code).toBe(0);
      expect(out).toMatch(/^<!doctype html>/i);
    }
  });
});
