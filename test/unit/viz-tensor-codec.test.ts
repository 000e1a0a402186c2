import { describe, expect, it } from 'vitest';
import { decodeTensor, encodeTensor, normalizeResult } from '../../src/viz/tensor-codec.js';
import type { ImageClassificationResult } from '../../src/types.js';
import { imageResult, sequenceResult } from './viz-fixture-results.js';

describe('tensor codec', () => {
  it('decodes base64 little-endian float32', () => {
    expect(Array.from(decodeTensor({ shape: [2], dtype: 'float32', base64: 'AACAPwAAAEA=' }))).toEqual([1, 2]);
    expect(Buffer.from(encodeTensor(new Float32Array([1, 2]), [2]).base64, 'base64')).toEqual(Buffer.from([0, 0, 128, 63, 0, 0, 0, 64]));
  });
  it('round-trips the reference attributions bit for bit', () => {
    const r = imageResult();
    const enc = encodeTensor(r.attributions, r.shape);
    const back = decodeTensor(enc);
    expect(back).toEqual(r.attributions);
    expect(decodeTensor(r.attributions)).toBe(r.attributions);
    expect(Array.from(decodeTensor([1, 2, 3]))).toEqual([1, 2, 3]);
  });
  it('rejects wrong shapes and dtypes', () => {
    expect(() => decodeTensor({ shape: [3], dtype: 'float32', base64: 'AACAPwAAAEA=' })).toThrow(/shape/);
    expect(() => decodeTensor({ shape: [2], dtype: 'int32' as 'float32', base64: 'AACAPwAAAEA=' })).toThrow(/dtype/);
  });
  it('normalises CLI JSON (tensors encoded) into results', () => {
    const r = imageResult();
    const json = JSON.stringify({
      ...r,
      attributions: encodeTensor(r.attributions, r.shape),
      pixelValues: encodeTensor(r.pixelValues as Float32Array, r.shape),
    });
    const back = normalizeResult(json) as ImageClassificationResult;
    expect(back.attributions).toEqual(r.attributions);
    expect(back.pixelValues).toEqual(r.pixelValues);
    expect(back.predictedClassName).toBe('triangle');
    const text = sequenceResult();
    expect(normalizeResult(JSON.stringify(text))).toEqual(text);
    expect(() => normalizeResult('3')).toThrow();
  });
});
