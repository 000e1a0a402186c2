import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { resolveModelSource } from '../../../src/runtime/model-source.js';
import { loadConfig, loadModelBytes, loadTokenizer, loadTransformers } from '../../../src/runtime/transformers.js';

const MODEL = 'test/fixtures/models/distilbert-sst2';
const reference = JSON.parse(readFileSync('test/fixtures/reference/distilbert-sst2/default.json', 'utf8')) as {
  cleaned_text: string;
  input_ids: number[];
  tokens: string[];
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('transformers.js, offline', () => {
  it('resolves paths and Hub ids', async () => {
    expect(await resolveModelSource(MODEL)).toMatchObject({ kind: 'local', location: path.resolve(MODEL) });
    expect(await resolveModelSource(`./${MODEL}`)).toMatchObject({ kind: 'local' });
    expect(await resolveModelSource(path.resolve(MODEL))).toMatchObject({ kind: 'local' });
    expect(await resolveModelSource('distilbert/distilbert-base-uncased')).toEqual({ kind: 'hub', id: 'distilbert/distilbert-base-uncased', input: 'distilbert/distilbert-base-uncased' });
    expect(await resolveModelSource('https://example.org/m/')).toMatchObject({ kind: 'url', location: 'https://example.org/m' });
    await expect(resolveModelSource('  ')).rejects.toBeInstanceOf(InputError);
  });

  it('loads tokenizer, config and model bytes from a relative, ./relative and absolute folder without touching the network', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    for (const dir of [MODEL, `./${MODEL}`, path.resolve(MODEL)]) {
      const tok = await loadTokenizer(dir, { localOnly: true });
      const enc = tok(reference.cleaned_text);
      expect(Array.from(enc.input_ids.data as BigInt64Array, Number)).toEqual(reference.input_ids);
      expect(tok.tokenize(reference.cleaned_text, { add_special_tokens: true })).toEqual(reference.tokens);
      const config = await loadConfig(dir, { localOnly: true });
      expect((config as unknown as { model_type: string }).model_type).toBe('distilbert');
      const bytes = await loadModelBytes(dir, { localOnly: true });
      expect(bytes.model.byteLength).toBe(readFileSync(`${MODEL}/onnx/model.onnx`).byteLength);
      expect(bytes.externalData).toEqual([]);
    }
    expect(fetchSpy).not.toHaveBeenCalled();
    const { env } = await loadTransformers();
    expect(env.allowRemoteModels).toBe(false);
  });

  it('a missing local folder is a clear InputError, not "reading tokenizer_class"', async () => {
    for (const load of [loadTokenizer, loadConfig, loadModelBytes]) {
      const err = await load('./test/fixtures/models/no-such-model', { localOnly: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err).toMatchObject({ code: 'model-not-found' });
      expect((err as Error).message).toContain('no-such-model');
      expect((err as Error).message).not.toContain('tokenizer_class');
    }
  });

  it('a folder without tokenizer files is an InputError', async () => {
    const err = await loadTokenizer('test/fixtures/models/vit', { localOnly: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
  });

  it('a Hub id with localOnly fails without fetching', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const err = await loadModelBytes('someone/not-downloaded', { localOnly: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const tokErr = await loadTokenizer('someone/not-downloaded', { localOnly: true }).catch((e: unknown) => e);
    expect(tokErr).toBeInstanceOf(InputError);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
