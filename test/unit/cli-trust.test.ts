/** `--algorithm`, the SmoothGrad flags and `--evaluate` on the command line (JSON contract, typed errors, no stack traces). */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const base = ['explain', '--task', 'text-classification', '--model', path.join(MODELS_DIR, 'distilbert-sst2'), '--local-only', '--device', 'cpu', '--text', 'a truly wonderful film'];

describe('CLI trust flags', () => {
  test('--algorithm smoothgrad --seed --evaluate: algorithm and faithfulness in the JSON, repeatable', async () => {
    const argv = [...base, '--algorithm', 'smoothgrad', '--smoothgrad-samples', '3', '--smoothgrad-noise', '0.05', '--seed', '3', '--evaluate'];
    const a = await cli(argv);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    const json = JSON.parse(a.out) as { algorithm: string; faithfulness: { aopcComprehensiveness: number; aopcSufficiency: number; tauLoo: number | null }; rawAttributions: number[] };
    expect(json.algorithm).toBe('smoothgrad');
    expect(Number.isFinite(json.faithfulness.aopcComprehensiveness)).toBe(true);
    const b = JSON.parse((await cli(argv)).out) as typeof json;
    expect(b.rawAttributions).toEqual(json.rawAttributions);
  }, 60_000);

  test('bad values: usage errors (exit 2) with the typed message, no stack', async () => {
    for (const [flags, text, code] of [
      [['--algorithm', 'lime'], 'Unknown algorithm', 2],
      [['--algorithm', 'smoothgrad', '--smoothgrad-noise=-1'], 'smoothGradNoise', 2],
      [['--algorithm', 'smoothgrad', '--smoothgrad-samples', '0'], 'smoothGradSamples', 2],
      // Not a number at all: a usage error.
      [['--algorithm', 'smoothgrad', '--smoothgrad-noise', 'abc'], '--smoothgrad-noise must be a number', 2],
    ] as const) {
      const r = await cli([...base, ...flags]);
      expect(r.code).toBe(code);
      expect(r.err).toContain(text);
      expect(r.err).not.toContain('    at ');
    }
    const imgArgs = ['explain', '--task', 'image-classification', '--model', path.join(MODELS_DIR, 'vit'), '--local-only', '--device', 'cpu', '--image', path.join(MODELS_DIR, '..', 'reference', 'test.png')];
    const img = await cli([...imgArgs, '--algorithm', 'smoothgrad', '--smoothgrad-samples', '2', '--smoothgrad-noise', '0.05', '--seed', '4']);
    expect(img.code).toBe(0);
    const json = JSON.parse(img.out) as { algorithm: string; delta: number | null; attributions: { shape: number[] } };
    expect(json.algorithm).toBe('smoothgrad');
    expect(json.delta).toBeNull(); // NaN in JSON
    expect(json.attributions.shape).toEqual([1, 3, 224, 224]);
    const again = await cli([...imgArgs, '--algorithm', 'smoothgrad', '--smoothgrad-samples', '2', '--smoothgrad-noise', '0.05', '--seed', '4']);
    expect(again.out).toBe(img.out);
    const nt = await cli([...imgArgs, '--attribution-type', 'IGNT', '--algorithm', 'saliency']);
    expect(nt.code).toBe(2);
    expect(nt.err).toContain('cannot run inside the IGNT noise tunnel');
    expect(nt.err).not.toContain('    at ');
  }, 60_000);
});
