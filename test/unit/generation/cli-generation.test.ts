/**
 * `gradscope explain --task text-generation`: the captum references through the CLI (JSON),
 * the HTML page (escaped), and the task's bad input as exit code 1 with a message, no stack.
 */
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { main } from '../../../src/cli/main.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

interface LmReference { prompt: string; target_ids: number[]; token_attr: number[][]; seq_attr: number[] }
const base = (model: string): string[] => ['explain', '--task', 'text-generation', '--model', `test/fixtures/models/${model}`, '--local-only', '--device', 'cpu'];
const maxDiff = (a: number[], b: number[]): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('gradscope explain --task text-generation', () => {
  for (const model of ['gpt2-tiny', 'llama-tiny']) {
    for (const c of ['generate_5', 'target_text'] as const) {
      test(`${model} ${c}: captum numbers within 1e-3`, async () => {
        const ref = JSON.parse(fs.readFileSync(`test/fixtures/reference/${model}/${c}.json`, 'utf8')) as LmReference;
        const extra = c === 'target_text' ? ['--target', ' Germany and Europe'] : ['--max-new-tokens', '5'];
        const { code, out, err } = await cli([...base(model), '--text', ref.prompt, '--compat', 'captum', ...extra]);
        expect(err).toBe('');
        expect(code).toBe(0);
        const json = JSON.parse(out) as { task: string; targetIds: number[]; tokenAttributions: number[][]; sequenceAttributions: number[] };
        expect(json.task).toBe('text-generation');
        expect(json.targetIds).toEqual(ref.target_ids);
        json.tokenAttributions.forEach((row, i) => expect(maxDiff(row, ref.token_attr[i])).toBeLessThan(1e-3));
        expect(maxDiff(json.sequenceAttributions, ref.seq_attr)).toBeLessThan(1e-3);
      });
    }
  }

  test('--format html: the heat map page with every token escaped', async () => {
    const { code, out } = await cli([...base('gpt2-tiny'), '--text', 'I <b>love</b>', '--target', ' <i>x', '--n-steps', '4', '--format', 'html']);
    expect(code).toBe(0);
    expect(out).toMatch(/^<!doctype html>/i);
    expect(out).toContain('&lt;b&gt;love&lt;/b&gt;');
    expect(out).not.toMatch(/<b>|<i>/);
    expect(out).toContain('linear-gradient(');
  });

  // Exit 2: bad usage (an empty required value, a flag value the task does not take); 1: a gradscope error.
  test.each([
    ['empty prompt', ['--text', ''], 2, /--text/],
    ['blank prompt', ['--text', '   '], 1, /prompt is empty/],
    ['max-new-tokens 0', ['--text', 'Hi', '--max-new-tokens', '0'], 1, /maxNewTokens must be an integer from 1 to 64/],
    ['max-new-tokens above the cap', ['--text', 'Hi', '--max-new-tokens', '65'], 1, /from 1 to 64/],
    ['empty target', ['--text', 'Hi', '--target', ''], 1, /target is empty/],
    ['too long', ['--text', 'a b '.repeat(200), '--target', ' c'], 1, /exceed the model's 256 positions/],
    ['bad compat', ['--text', 'Hi', '--compat', 'transformers-interpret'], 2, /--compat only takes "captum" for --task text-generation/],
  ] as const)('%s: exit %i and a message', async (_n, args, exit, message) => {
    const { code, err } = await cli([...base('gpt2-tiny'), ...args]);
    expect(code).toBe(exit);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  test('a model that is not a causal LM: wrong-model-kind message', async () => {
    const { code, err } = await cli(['explain', '--task', 'text-generation', '--model', 'test/fixtures/models/distilbert-sst2', '--local-only', '--device', 'cpu', '--text', 'Hi']);
    expect(code).toBe(1);
    expect(err).toMatch(/not a causal language model/);
  });
});
