/**
 * The CLI (issue 4): `gradscope explain` prints the result object plus task and model as JSON,
 * with the same numbers as the API; every compat reference case of the sequence explainers is
 * checked once more through it. One test runs the real `bin/gradscope.js` in a child process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadTextReferences, MODELS_DIR } from './text-reference-fixtures.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const refs = loadTextReferences().filter((c) => c.ref.explainer.endsWith('SequenceClassificationExplainer'));

describe('gradscope explain: compat references through the CLI', () => {
  test.each(refs.map((c) => [c.name, c] as const))('%s', async (_n, { ref }) => {
    const call = ref.call as { text?: string; text1?: string; text2?: string; index?: number; class_name?: string; embedding_type?: number; n_steps?: number; internal_batch_size?: number; flip_sign?: boolean };
    const pairwise = ref.explainer.startsWith('Pairwise');
    const argv = ['explain', '--task', pairwise ? 'text-pair-classification' : 'text-classification', '--model', path.join(MODELS_DIR, ref.model), '--local-only', '--device', 'cpu', '--compat', 'transformers-interpret'];
    if (pairwise) argv.push('--text', call.text1 as string, '--text-pair', call.text2 as string);
    else argv.push('--text', call.text as string);
    if (call.index !== undefined) argv.push('--index', String(call.index));
    if (call.class_name !== undefined) argv.push('--class-name', call.class_name);
    if (call.embedding_type !== undefined) argv.push('--embedding-type', call.embedding_type === 1 ? 'position' : 'word');
    if (call.n_steps !== undefined) argv.push('--n-steps', String(call.n_steps));
    if (call.internal_batch_size !== undefined) argv.push('--internal-batch-size', String(call.internal_batch_size));
    if (call.flip_sign) argv.push('--flip-sign');
    const { code, out, err } = await cli(argv);
    expect(err.replace(/.*position ids.*\n?/g, '')).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out) as { task: string; model: string; tokens: string[]; predictedClassIndex: number; wordAttributions: [string, number][]; rawAttributions: number[]; delta: number };
    expect(json.task).toBe(pairwise ? 'text-pair-classification' : 'text-classification');
    expect(json.tokens).toEqual(ref.tokens);
    expect(json.predictedClassIndex).toBe(ref.prediction.predicted_class_index);
    const expected = ref.word_attributions as [string, number][];
    expect(Math.max(...json.wordAttributions.map((w, i) => Math.abs(w[1] - expected[i][1])))).toBeLessThanOrEqual(1e-3);
    const a = ref.attributions[0];
    const scale = Math.max(...a.raw_attribution_sums.map(Math.abs));
    expect(Math.max(...json.rawAttributions.map((v, i) => Math.abs(v - a.raw_attribution_sums[i]))) / scale).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(json.delta - a.convergence_delta[0])).toBeLessThanOrEqual(1e-3 + 0.01 * Math.abs(a.convergence_delta[0]));
  });
});

describe('gradscope explain: usage and errors', () => {
  test('--format html writes an escaped standalone page', async () => {
    const { code, out } = await cli(['explain', '--task', 'sentiment-analysis', '--model', path.join(MODELS_DIR, 'distilbert-sst2'), '--local-only', '--device', 'cpu', '--text', 'I love <b>you</b>', '--n-steps', '4', '--format', 'html']);
    expect(code).toBe(0);
    expect(out).toMatch(/^<!doctype html>/i);
    // The tokenizer splits "<b>" into "<", "b", ">": each must arrive escaped.
    expect(out).toMatch(/title="&lt; \([-0-9.]+\)">&lt;<\/mark>/);
    expect(out).not.toMatch(/<mark[^>]*>[<>]<\/mark>/);
  });

  test("--n-steps auto with --tolerance reports how the count was chosen; a bad tolerance is an error", async () => {
    const base = ['explain', '--task', 'text-classification', '--model', path.join(MODELS_DIR, 'bert-3class'), '--local-only', '--device', 'cpu', '--text', 'I love you'];
    const { code, out } = await cli([...base, '--n-steps', 'auto', '--tolerance', '1e-3']);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { autoSteps?: { converged: boolean; evaluations: number; stoppedBy: string } };
    expect(json.autoSteps?.converged).toBe(true);
    expect(json.autoSteps?.evaluations).toBeLessThan(50);
    const bad = await cli([...base, '--n-steps', 'auto', '--tolerance', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--tolerance must be a positive number');
  });

  test('missing text is a usage error (exit 2), an unknown class name a gradscope error (exit 1)', async () => {
    const base = ['explain', '--task', 'text-classification', '--model', path.join(MODELS_DIR, 'distilbert-sst2'), '--local-only', '--device', 'cpu'];
    const a = await cli(base);
    expect(a.code).toBe(2);
    expect(a.err).toContain('--text is required');
    const b = await cli([...base, '--text', 'hi', '--class-name', 'nope']);
    expect(b.code).toBe(1);
    expect(b.err).toContain('Valid class names');
    expect(b.err).toMatch(/\[unknown-class-name\]\n$/);
  });

  test('unknown options print the usage with exit code 2', async () => {
    const r = await cli(['explain', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: gradscope explain');
  });

  test('bin/gradscope.js runs as a program', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['bin/gradscope.js', 'explain', '--task', 'text-classification', '--model', path.join(MODELS_DIR, 'bert-3class'), '--local-only', '--device', 'cpu', '--text', 'The movie was fine.', '--n-steps', '5'], { timeout: 60_000 });
    const json = JSON.parse(stdout) as { model: string; wordAttributions: unknown[] };
    expect(json.wordAttributions.length).toBe(7);
  });
});
