/**
 * `--dtype` on the command line: the quantized file is explained (its JSON result is the same
 * as the library's), an unknown name and a missing file are one-line typed errors (the latter
 * lists the dtypes the folder has), never a stack trace.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FIXTURES_DIR } from './text-reference-fixtures.js';

const MODEL = path.join(FIXTURES_DIR, 'variants/distilbert-sst2');

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const base = ['explain', '--task', 'text-classification', '--model', MODEL, '--local-only', '--device', 'cpu', '--text', 'a fine film', '--n-steps', '5'];

describe('gradscope explain --dtype', () => {
  it('explains the q4 file', async () => {
    const r = await cli([...base, '--dtype', 'q4']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { wordAttributions: [string, number][] };
    expect(json.wordAttributions.map((w) => w[0])).toEqual(['[CLS]', 'a', 'fine', 'film', '[SEP]']);
  });

  it('a dtype the folder lacks: one line naming what it has', async () => {
    const r = await cli([...base, '--dtype', 'bnb4']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('It has: fp32, fp16, q8, q4.');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('an unknown dtype name', async () => {
    const r = await cli([...base, '--dtype', 'int3']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('use one of fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
