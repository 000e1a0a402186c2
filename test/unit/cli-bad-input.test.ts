/**
 * Issue 13: every bad command-line input gets one line `gradscope: <message> [<code>]` on
 * stderr, no stack trace, the README's exit code (2 usage, 1 everything else) and an answer
 * within seconds. Broken model folders are copies of test/fixtures/models/bert-3class, broken
 * after copying.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatError } from '../../src/cli/report.js';
import { InputError } from '../../src/errors.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const TMP = mkdtempSync(path.join(tmpdir(), 'gradscope-bad-input-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A copy of the bert-3class fixture, broken by `breakIt`. */
function brokenModel(name: string, breakIt: (dir: string) => void): string {
  const dir = path.join(TMP, name);
  cpSync(path.join(MODELS_DIR, 'bert-3class'), dir, { recursive: true });
  breakIt(dir);
  return dir;
}
const onnxOf = (dir: string): string => path.join(dir, 'onnx', 'model.onnx');

/** A regular file, so that `<file>/out.json` cannot be created even by root. */
const A_FILE = path.join(TMP, 'a-file');
writeFileSync(A_FILE, 'x');

interface Run {
  code: number;
  out: string;
  err: string;
  ms: number;
}

async function cli(argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const t0 = performance.now();
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err, ms: performance.now() - t0 };
}

/** The shape every failure must have. */
function expectTypedFailure(r: Run, exitCode: 1 | 2, code: string): void {
  expect(r.code).toBe(exitCode);
  expect(r.out).toBe('');
  expect(r.err.split('\n')[0]).toMatch(new RegExp(`^gradscope: .+ \\[${code}\\]$`));
  expect(r.err).not.toMatch(/^\s+at /m);
  // A guard against hangs and work done before the check, not a benchmark: these answers take
  // well under a second on a quiet machine.
  expect(r.ms).toBeLessThan(15_000);
}

const textArgs = (model: string): string[] => ['explain', '--task', 'text-classification', '--model', model, '--local-only', '--device', 'cpu', '--text', 'The movie was fine.', '--n-steps', '4'];
const MISSING_MODEL = path.join(TMP, 'no-such-model');

describe('broken model files: typed error before the work', () => {
  test.each([
    ['truncated model.onnx', (d: string) => truncateSync(onnxOf(d), 100_000), 'invalid-model-file', /not a valid ONNX model.*truncated/],
    ['random-bytes model.onnx', (d: string) => writeFileSync(onnxOf(d), Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)), 'invalid-model-file', /not a valid ONNX model/],
    ['zero-byte model.onnx', (d: string) => writeFileSync(onnxOf(d), ''), 'invalid-model-file', /not a valid ONNX model: it is empty/],
    // A sound top level around a corrupt graph: caught by the full decode, still typed.
    ['model.onnx whose graph is garbage', (d: string) => writeFileSync(onnxOf(d), Uint8Array.from([0x3a, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), 'invalid-model-file', /not a valid ONNX model/],
    ['onnx/model.onnx that is a folder', (d: string) => {
      rmSync(onnxOf(d));
      mkdirSync(onnxOf(d));
    }, 'not-a-regular-file', /is a folder/],
    ['tokenizer.json linked to /dev/zero', (d: string) => {
      rmSync(path.join(d, 'tokenizer.json'));
      symlinkSync('/dev/zero', path.join(d, 'tokenizer.json'));
    }, 'not-a-regular-file', /tokenizer\.json .* not a regular file/],
    ['config.json of null', (d: string) => writeFileSync(path.join(d, 'config.json'), 'null'), 'invalid-config', /config\.json .* is null, not a JSON object/],
    ['config.json that is an array', (d: string) => writeFileSync(path.join(d, 'config.json'), '[1, 2]'), 'invalid-config', /is an array/],
  ] as const)('%s', async (name, breakIt, code, message) => {
    const model = brokenModel(name.replace(/\W+/g, '-'), breakIt);
    const r = await cli(textArgs(model));
    expectTypedFailure(r, 1, code);
    expect(r.err).toMatch(message);
  });
});

describe('output paths: checked before the model is even looked at', () => {
  // The model does not exist: an output error proves the check came first.
  test.each([
    ['--out in a missing folder', ['--out', path.join(TMP, 'missing', 'out.json')], /folder .*missing does not exist/],
    ['--out under a regular file', ['--out', path.join(A_FILE, 'out.json')], /is a file, not a folder/],
    ['--out that is a folder', ['--out', TMP], /is a folder/],
    ['--out that is a device', ['--out', '/dev/null'], /not a regular file/],
    ['--out --format html under a regular file', ['--format', 'html', '--out', path.join(A_FILE, 'page.html')], /is a file, not a folder/],
  ] as const)('%s', async (_n, extra, message) => {
    const r = await cli([...textArgs(MISSING_MODEL), ...extra]);
    expectTypedFailure(r, 1, 'bad-output-path');
    expect(r.err).toMatch(message);
  });

  test.each([
    ['--png-out in a missing folder', path.join(TMP, 'missing', 'x.png'), /does not exist/],
    ['--png-out under a regular file', path.join(A_FILE, 'x.png'), /is a file, not a folder/],
  ] as const)('%s', async (_n, png, message) => {
    const r = await cli(['explain', '--task', 'image-classification', '--model', MISSING_MODEL, '--local-only', '--device', 'cpu', '--image', path.join(TMP, 'no.png'), '--png-out', png]);
    expectTypedFailure(r, 1, 'bad-output-path');
    expect(r.err).toMatch(message);
  });
});

describe('--image: a regular file, checked before the model loads', () => {
  test.each([
    ['--image linked to /dev/zero', () => {
      const link = path.join(TMP, 'zero.png');
      symlinkSync('/dev/zero', link);
      return link;
    }, 'not-a-regular-file'],
    ['--image that is a folder', () => TMP, 'not-a-regular-file'],
    ['--image that does not exist', () => path.join(TMP, 'none.png'), 'image-not-found'],
  ] as const)('%s', async (_n, image, code) => {
    const r = await cli(['explain', '--task', 'image-classification', '--model', MISSING_MODEL, '--local-only', '--device', 'cpu', '--image', image()]);
    expectTypedFailure(r, 1, code);
  });
});

describe('usage mistakes exit 2', () => {
  const base = ['explain', '--task', 'text-classification', '--model', path.join(MODELS_DIR, 'bert-3class'), '--local-only', '--device', 'cpu'];
  test.each([
    ['missing --text', [...base], 'missing-option', /--text is required/],
    ['empty --text', [...base, '--text', ''], 'missing-option', /--text is required/],
    ['--index ""', [...base, '--text', 'hi', '--index', ''], 'bad-option', /--index must be an integer, got ""/],
    ['--index not an integer', [...base, '--text', 'hi', '--index', '1.5'], 'bad-option', /--index must be an integer/],
    ['--n-steps not a number', [...base, '--text', 'hi', '--n-steps', 'many'], 'bad-option', /--n-steps must be an integer/],
    ['--tolerance negative', [...base, '--text', 'hi', '--n-steps', 'auto', '--tolerance=-1'], 'bad-option', /--tolerance must be a positive number/],
    ['--nt-samples not an integer', [...base, '--text', 'hi', '--nt-samples', '2.5'], 'bad-option', /--nt-samples must be an integer/],
    ['--n-steps 0', [...base, '--text', 'hi', '--n-steps', '0'], 'bad-n-steps', /nSteps must be a positive integer/],
    ['--method unknown', [...base, '--text', 'hi', '--method', 'simpson'], 'bad-method', /Unknown integration method "simpson"/],
    ['unknown flag', [...base, '--text', 'hi', '--nstep', '5'], 'usage', /Unknown option '--nstep'/],
    ['a flag without its value', [...base, '--text'], 'usage', /--text/],
    ['a negative number without =', [...base, '--text', 'hi', '--n-steps', '-5'], 'usage', /argument is ambiguous/],
    ['unknown command', ['explian', '--text', 'hi'], 'usage', /Unknown command "explian"/],
  ] as const)('%s', async (_n, argv, code, message) => {
    const r = await cli([...argv]);
    expectTypedFailure(r, 2, code);
    expect(r.err).toMatch(message);
  });
});

describe('the error line', () => {
  test('a non-gradscope error is reported as internal, without a stack unless --debug', () => {
    const plain = formatError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(plain.exitCode).toBe(1);
    expect(plain.error.code).toBe('internal');
    expect(plain.text).toMatch(/^gradscope: Internal error: unexpected failure \(Cannot read .*\); run again with --debug .* This is a bug in gradscope.* \[internal\]\n$/);
    expect(plain.text).not.toMatch(/^\s+at /m);
    const debug = formatError(new InputError('bad', { code: 'bad-option', cause: new Error('inner') }), { debug: true });
    expect(debug.exitCode).toBe(2);
    expect(debug.text.split('\n')[0]).toBe('gradscope: bad [bad-option]');
    expect(debug.text).toMatch(/^\s+at /m);
    expect(debug.text).toContain('Caused by: Error: inner');
  });

  test('bin/gradscope.js: a truncated model exits 1 with one line and no stack trace', async () => {
    const model = brokenModel('bin-truncated', (d) => truncateSync(onnxOf(d), 1000));
    const run = promisify(execFile);
    const e = await run(process.execPath, ['bin/gradscope.js', ...textArgs(model)], { timeout: 60_000 }).then(
      () => undefined,
      (x: unknown) => x as { code: number; stdout: string; stderr: string },
    );
    expect(e?.code).toBe(1);
    expect(e?.stdout).toBe('');
    expect(e?.stderr).toMatch(/^gradscope: onnx\/model\.onnx of model folder .* is not a valid ONNX model: .* \[invalid-model-file\]\n$/);
  });
});
