/**
 * Loading by dtype: transformers.js's file mapping, the default, and the typed error for a
 * dtype whose file the folder lacks (it lists what the folder has).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GradscopeError } from '../../src/errors.js';
import { availableDtypes, DTYPES, modelFileFor, parseDtype } from '../../src/runtime/model-files.js';
import { resolveModelSource } from '../../src/runtime/model-source.js';
import { loadModelBytes } from '../../src/runtime/transformers.js';
import { SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';

const VARIANTS = path.resolve('test/fixtures/variants');
const HUB = { remoteHost: 'https://example.invalid/', remotePathTemplate: '{model}/resolve/{revision}/', localModelPath: '/nonexistent', allowLocalModels: false };

describe('model files by dtype', () => {
  it("maps every dtype to transformers.js's file name", () => {
    expect(DTYPES.map((d) => modelFileFor(d))).toEqual([
      'onnx/model.onnx',
      'onnx/model_fp16.onnx',
      'onnx/model_quantized.onnx',
      'onnx/model_int8.onnx',
      'onnx/model_uint8.onnx',
      'onnx/model_q4.onnx',
      'onnx/model_q4f16.onnx',
      'onnx/model_bnb4.onnx',
    ]);
  });

  it('defaults to fp32 and rejects unknown names with a typed error', () => {
    expect(parseDtype(undefined)).toBe('fp32');
    expect(parseDtype('q4')).toBe('q4');
    expect(() => parseDtype('q5')).toThrow(expect.objectContaining({ code: 'bad-dtype' }) as unknown as Error);
  });

  it('lists the dtypes a folder has', async () => {
    const src = await resolveModelSource(path.join(VARIANTS, 'distilbert-sst2'));
    expect(await availableDtypes(src, HUB)).toEqual(['fp32', 'fp16', 'q8', 'q4']);
  });

  it('loads the file of the requested dtype', async () => {
    const dir = path.join(VARIANTS, 'distilbert-sst2');
    const q4 = await loadModelBytes(dir, { dtype: 'q4', localOnly: true });
    expect(Buffer.from(q4.model).equals(fs.readFileSync(path.join(dir, 'onnx/model_q4.onnx')))).toBe(true);
    const fp32 = await loadModelBytes(dir, { localOnly: true });
    expect(Buffer.from(fp32.model).equals(fs.readFileSync(path.join(dir, 'onnx/model.onnx')))).toBe(true);
  });

  it('a missing dtype is a typed error that lists the dtypes the folder has', async () => {
    const err = await loadModelBytes(path.join(VARIANTS, 'distilbert-sst2'), { dtype: 'bnb4', localOnly: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradscopeError);
    expect((err as GradscopeError).code).toBe('dtype-not-found');
    expect((err as GradscopeError).message).toContain('It has: fp32, fp16, q8, q4.');
  });

  it('a q4-only folder asked for the default fp32 names q4', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-q4only-'));
    fs.mkdirSync(path.join(dir, 'onnx'));
    fs.copyFileSync(path.join(VARIANTS, 'distilbert-sst2/config.json'), path.join(dir, 'config.json'));
    fs.copyFileSync(path.join(VARIANTS, 'distilbert-sst2/onnx/model_q4.onnx'), path.join(dir, 'onnx/model_q4.onnx'));
    const err = await loadModelBytes(dir, { localOnly: true }).catch((e: unknown) => e);
    expect((err as GradscopeError).code).toBe('dtype-not-found');
    expect((err as GradscopeError).message).toMatch(/no onnx\/model\.onnx \(dtype fp32\)\. It has: q4\./);
  });

  it('ops without a backward rule: one typed error listing each with its node count, and the dtypes worth trying', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-unsupported-'));
    fs.cpSync(path.join(VARIANTS, 'distilbert-sst2'), dir, { recursive: true });
    const file = path.join(dir, 'onnx/model.onnx');
    const m = decodeModel(new Uint8Array(fs.readFileSync(file)));
    // Ops ORT runs but gradscope has no rule for: both Erf (GELU) nodes and the head's Relu.
    for (const n of m.graph.nodes) if (n.opType === 'Erf') n.opType = 'Sinh';
    for (const n of m.graph.nodes) if (n.opType === 'Relu') n.opType = 'Selu';
    fs.writeFileSync(file, encodeModel(m).bytes);
    const ex = await SequenceClassificationExplainer.fromPretrained(dir, { device: 'cpu', localOnly: true });
    const err = await ex.explain('a fine film').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradscopeError);
    expect((err as GradscopeError).code).toBe('unsupported-op');
    const msg = (err as GradscopeError).message;
    expect(msg).toMatch(/Sinh \(2 nodes: /);
    expect(msg).toMatch(/Selu \(1 node: /);
    expect(msg).toContain('dtypes worth trying: fp16, q8, q4.');
    await ex.dispose();
  });
});
