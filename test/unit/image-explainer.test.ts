/**
 * Issue 6 (image explainer) in Node, device 'cpu':
 * - IG references of vit / swin / resnet fed the reference's own pixel_values: max abs
 *   difference <= 1e-3 x max |reference|, same predicted class, same delta;
 * - test.png through the default PIL-exact preprocessing (API and CLI): the reference's
 *   pixel_values bit for bit, so the reference's class and attributions (same bounds as above);
 *   transformers.js's own resize (`resize: 'transformers'`) only correlates;
 * - IGNT against the stochastic reference (statistics, tolerances below) and exact
 *   identities (no noise -> IG with the noise-tunnel step count);
 * - target selection and bad input.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { AbortError, InputError, ModelError } from '../../src/errors.js';
import { explainer } from '../../src/explainers/factory.js';
import { ImageClassificationExplainer } from '../../src/explainers/image/image-classification.js';
import { decodeTensor } from '../../src/viz/tensor-codec.js';
import type { EncodedTensor } from '../../src/types.js';
import { MODELS_DIR, REFERENCE_DIR } from './text-reference-fixtures.js';

const device = 'cpu' as const;
const TEST_PNG = path.join(REFERENCE_DIR, 'test.png');
const MODELS = ['vit', 'swin', 'resnet'] as const;
type VisionModel = (typeof MODELS)[number];

interface VisionReference {
  prediction: { predicted_index: number; predicted_label: string; probs: number[] };
  convergence_delta?: number[];
  attribution_summary: { abs_sum: number; std: number; patch16_sums_14x14: number[][]; pearson_r_with_ig_case?: number };
}

function f32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
const refJson = (m: string, c: string): VisionReference => JSON.parse(readFileSync(path.join(REFERENCE_DIR, m, `${c}.json`), 'utf8')) as VisionReference;
const refPixels = (m: string): Float32Array => f32(path.join(REFERENCE_DIR, m, 'pixel_values.f32.bin'));
const refAttr = (m: string, c: string): Float32Array => f32(path.join(REFERENCE_DIR, m, `${c}.attributions.f32.bin`));

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** max |a - b| / max |b|. */
function relMaxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Sums over channels and 16x16 patches -> 14x14, as the reference's attribution_summary. */
function patchSums(a: ArrayLike<number>, size = 224, patch = 16): Float64Array {
  const g = size / patch;
  const out = new Float64Array(g * g);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[Math.floor(y / patch) * g + Math.floor(x / patch)] += a[c * size * size + y * size + x];
  }
  return out;
}

function absSumAndStd(a: ArrayLike<number>): { absSum: number; std: number } {
  let s = 0;
  let s2 = 0;
  let as = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i];
    s2 += a[i] * a[i];
    as += Math.abs(a[i]);
  }
  return { absSum: as, std: Math.sqrt(s2 / a.length - (s / a.length) ** 2) };
}

const explainers = new Map<string, Promise<ImageClassificationExplainer>>();
function explainerFor(m: VisionModel): Promise<ImageClassificationExplainer> {
  let e = explainers.get(m);
  if (!e) {
    e = ImageClassificationExplainer.fromPretrained(path.join(MODELS_DIR, m), { device, localOnly: true });
    explainers.set(m, e);
  }
  return e;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('IG equals transformers-interpret on the reference pixel_values', () => {
  test.each(MODELS.map((m) => [m]))('%s', async (m) => {
    const ex = await explainerFor(m);
    const ref = refJson(m, 'ig');
    const expected = refAttr(m, 'ig');
    const r = await ex.explain({ pixelValues: refPixels(m) }, { attributionType: 'IG' });
    expect(r.shape).toEqual([1, 3, 224, 224]);
    expect(r.attributions).toHaveLength(3 * 224 * 224);
    expect(r.predictedClassIndex).toBe(ref.prediction.predicted_index);
    expect(r.predictedClassName).toBe(ref.prediction.predicted_label);
    expect(r.attributionClassIndex).toBe(ref.prediction.predicted_index);
    expect(r.predictedProbability).toBeCloseTo(ref.prediction.probs[ref.prediction.predicted_index], 5);
    // Measured: 2e-7 (vit), 2e-7 (swin), 4e-7 (resnet).
    expect(relMaxAbs(r.attributions, expected)).toBeLessThanOrEqual(1e-3);
    const refDelta = ref.convergence_delta?.[0] ?? NaN;
    expect(Math.abs((r.delta ?? NaN) - refDelta)).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(refDelta));
    expect(r.pixelValues).toBeInstanceOf(Float32Array);
  });

  test('internalBatchSize does not change the result (vit)', async () => {
    const ex = await explainerFor('vit');
    const pixelValues = refPixels('vit');
    const a = await ex.explain({ pixelValues }, { attributionType: 'IG', nSteps: 12, internalBatchSize: 5 });
    const b = await ex.explain({ pixelValues }, { attributionType: 'IG', nSteps: 12, internalBatchSize: 12 });
    expect(relMaxAbs(a.attributions, b.attributions)).toBeLessThanOrEqual(1e-5);
  });
});

describe('test.png through the default (PIL-exact) preprocessing', () => {
  // The processor reproduces Python's PIL resize and float32 rescale / normalise, so test.png
  // gives the reference's pixel_values bit for bit and IG is the reference's. Measured (Node,
  // cpu): pixel r 1.0000000 for all three; max |diff| / max |ref| 3.1e-7 (vit), 2.5e-7 (swin),
  // 4.3e-7 (resnet). transformers.js's resize gave r 0.9989 / 0.9989 / 0.883 and 0.17-0.80.
  test.each(MODELS.map((m) => [m]))('%s: the reference pixel_values, class and attributions', async (m) => {
    const ex = await explainerFor(m);
    expect(ex.preprocessor?.resize).toBe('pil');
    const ref = refJson(m, 'ig');
    const expected = refAttr(m, 'ig');
    const r = await ex.explain(TEST_PNG, { attributionType: 'IG' });
    expect(r.shape).toEqual([1, 3, 224, 224]);
    expect(r.pixelValues).toEqual(refPixels(m));
    expect(r.predictedClassIndex).toBe(ref.prediction.predicted_index);
    expect(pearson(r.attributions, expected)).toBeGreaterThanOrEqual(0.9);
    expect(relMaxAbs(r.attributions, expected)).toBeLessThanOrEqual(1e-3);
    const refDelta = ref.convergence_delta?.[0] ?? NaN;
    expect(Math.abs((r.delta ?? NaN) - refDelta)).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(refDelta));
  });

  test("resize: 'transformers' (transformers.js's sharp resize) is close, not equal (resnet)", async () => {
    // Measured before the PIL path existed: pixel r vit 0.9989, swin 0.9989, resnet 0.883.
    // ResNet's ReLU / MaxPool switch on the small resize differences (pixel_values r 0.999), so
    // its per-pixel correlation is the lowest while 16x16 patch sums still agree (r 0.993).
    const ex = await ImageClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'resnet'), { device, localOnly: true, resize: 'transformers' });
    expect(ex.preprocessor?.resize).toBe('transformers');
    const ref = refJson('resnet', 'ig');
    const expected = refAttr('resnet', 'ig');
    const r = await ex.explain(TEST_PNG, { attributionType: 'IG' });
    expect(r.predictedClassIndex).toBe(ref.prediction.predicted_index);
    expect(r.pixelValues).not.toEqual(refPixels('resnet'));
    expect(pearson(r.attributions, expected)).toBeGreaterThanOrEqual(0.85);
    expect(pearson(patchSums(r.attributions), patchSums(expected))).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(r.delta ?? NaN)).toBeLessThan(1e-4);
  });

  test('path, bytes, Blob and decoded pixels give the same model input', async () => {
    const ex = await explainerFor('vit');
    const bytes = new Uint8Array(readFileSync(TEST_PNG));
    const opts = { attributionType: 'IG' as const, nSteps: 2 };
    const fromPath = await ex.explain(TEST_PNG, opts);
    const fromBytes = await ex.explain(bytes, opts);
    const fromBlob = await ex.explain(new Blob([bytes]), opts);
    const png = decode(bytes);
    const fromPixels = await ex.explain({ data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: png.channels as 3 }, opts);
    expect(fromBytes.pixelValues).toEqual(fromPath.pixelValues);
    expect(fromBlob.pixelValues).toEqual(fromPath.pixelValues);
    expect(fromPixels.pixelValues).toEqual(fromPath.pixelValues);
  });

  test('a greyscale image is converted to RGB by the processor', async () => {
    const ex = await explainerFor('vit');
    const w = 64;
    const h = 48;
    const grey = new Uint8Array(w * h);
    for (let i = 0; i < grey.length; i++) grey[i] = (i * 7) % 256;
    const r = await ex.explain(encode({ width: w, height: h, data: grey, channels: 1, depth: 8 }), { attributionType: 'IG', nSteps: 2 });
    expect(r.shape).toEqual([1, 3, 224, 224]);
    const plane = 224 * 224;
    // Grey in, three equal channels out (mean/std are the same for each channel here).
    expect(r.pixelValues?.subarray(0, plane)).toEqual(r.pixelValues?.subarray(plane, 2 * plane));
  });
});

describe('IGNT (captum NoiseTunnel around IG)', () => {
  // Tolerances come from 20 seeds of our IGNT on vit: abs_sum 52.9 +- 1.4 (reference draw:
  // 55.07), std within 8% of the reference's, Pearson r with the IG reference 0.795..0.799
  // (reference: 0.794), r of 16x16 patch sums with the reference IGNT 0.935..0.947.
  test('vit smoothgrad matches the stochastic reference statistically', async () => {
    const ex = await explainerFor('vit');
    const ref = refJson('vit', 'ignt_smoothgrad');
    const r = await ex.explain({ pixelValues: refPixels('vit') }, { attributionType: 'IGNT', seed: 1234 });
    expect(r.predictedClassIndex).toBe(ref.prediction.predicted_index);
    expect(r.delta).toBeUndefined();
    const ours = absSumAndStd(r.attributions);
    const s = ref.attribution_summary;
    expect(Math.abs(ours.absSum - s.abs_sum) / s.abs_sum).toBeLessThanOrEqual(0.15);
    expect(Math.abs(ours.std - s.std) / s.std).toBeLessThanOrEqual(0.15);
    expect(Math.abs(pearson(r.attributions, refAttr('vit', 'ig')) - (s.pearson_r_with_ig_case ?? NaN))).toBeLessThanOrEqual(0.05);
    expect(pearson(patchSums(r.attributions), s.patch16_sums_14x14.flat())).toBeGreaterThanOrEqual(0.85);
    expect(pearson(r.attributions, refAttr('vit', 'ignt_smoothgrad'))).toBeGreaterThanOrEqual(0.6);
  });

  test('without noise: smoothgrad = IG with nStepsNoiseTunnel steps, smoothgrad_sq = its square, vargrad = 0', async () => {
    const ex = await explainerFor('vit');
    const pixelValues = refPixels('vit');
    const ig = await ex.explain({ pixelValues }, { attributionType: 'IG', nSteps: 3 });
    const nt = { attributionType: 'IGNT' as const, stdevs: 0, ntSamples: 2, nStepsNoiseTunnel: 3 };
    const sg = await ex.explain({ pixelValues }, nt);
    expect(relMaxAbs(sg.attributions, ig.attributions)).toBeLessThanOrEqual(1e-5);
    const sq = await ex.explain({ pixelValues }, { ...nt, ntType: 'smoothgrad_sq' });
    expect(relMaxAbs(sq.attributions, ig.attributions.map((v) => v * v))).toBeLessThanOrEqual(1e-4);
    const vg = await ex.explain({ pixelValues }, { ...nt, ntType: 'vargrad' });
    expect(maxAbs(vg.attributions)).toBeLessThanOrEqual(1e-5 * maxAbs(sq.attributions));
  });

  test('a seed repeats; batching rows of several samples per run changes nothing', async () => {
    const ex = await explainerFor('vit');
    const pixelValues = refPixels('vit');
    const o = { attributionType: 'IGNT' as const, ntSamples: 3, nStepsNoiseTunnel: 4, seed: 7 };
    // 12 rows: one run with all, and runs of 5 that split samples across runs.
    const a = await ex.explain({ pixelValues }, { ...o, internalBatchSize: 12 });
    const b = await ex.explain({ pixelValues }, { ...o, internalBatchSize: 5 });
    const c = await ex.explain({ pixelValues }, { ...o, internalBatchSize: 12, seed: 8 });
    expect(relMaxAbs(b.attributions, a.attributions)).toBeLessThanOrEqual(1e-5);
    expect(relMaxAbs(c.attributions, a.attributions)).toBeGreaterThan(1e-2);
    expect(b.pixelValues).toEqual(pixelValues);
  });

  test('progress counts every row of every sample', async () => {
    const ex = await explainerFor('vit');
    const seen: [number, number][] = [];
    await ex.explain({ pixelValues: refPixels('vit') }, { attributionType: 'IGNT', ntSamples: 2, nStepsNoiseTunnel: 3, seed: 1, internalBatchSize: 4, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [0, 6],
      [4, 6],
      [6, 6],
    ]);
  });
});

describe('target selection (the original ignores index 0 and class_name; we honour them)', () => {
  test('index 0, className, index over className, custom labels', async () => {
    const ex = await explainerFor('vit');
    const pixelValues = refPixels('vit');
    const o = { attributionType: 'IG' as const, nSteps: 3 };
    const pred = await ex.explain({ pixelValues }, o);
    expect(pred.predictedClassName).toBe('triangle');
    const zero = await ex.explain({ pixelValues }, { ...o, index: 0 });
    expect(zero.attributionClassIndex).toBe(0);
    expect(zero.attributionClassName).toBe('circle');
    expect(zero.predictedClassIndex).toBe(2);
    expect(relMaxAbs(zero.attributions, pred.attributions)).toBeGreaterThan(0.1);
    const named = await ex.explain({ pixelValues }, { ...o, className: 'square' });
    expect(named.attributionClassIndex).toBe(1);
    const both = await ex.explain({ pixelValues }, { ...o, index: 4, className: 'square' });
    expect(both.attributionClassIndex).toBe(4);
    const custom = await ex.explain({ pixelValues }, { ...o, customLabels: ['a', 'b', 'c', 'd', 'e'], className: 'e' });
    expect(custom.attributionClassIndex).toBe(4);
    expect(custom.predictedClassName).toBe('c');
    expect(ex.labels).toEqual(['circle', 'square', 'triangle', 'stripes', 'blob']);
    expect(ex.lastResult).toBe(custom);
  });
});

describe('factory', () => {
  test("explainer('image-classification', ...) explains images and tensors", async () => {
    const explain = await explainer('image-classification', path.join(MODELS_DIR, 'vit'), { device, localOnly: true });
    expect(explain.explainer).toBeInstanceOf(ImageClassificationExplainer);
    const r = await explain({ pixelValues: refPixels('vit') }, { attributionType: 'IG', nSteps: 2 });
    expect(r.predictedClassName).toBe('triangle');
  });
});

describe('bad input', () => {
  const o = { attributionType: 'IG' as const, nSteps: 2 };

  test('unreadable images', async () => {
    const ex = await explainerFor('vit');
    const missing = await rejection(ex.explain(path.join(REFERENCE_DIR, 'no-such-image.png'), o));
    expect(missing).toBeInstanceOf(InputError);
    expect((missing as InputError).code).toBe('unreadable-image');
    const garbage = await rejection(ex.explain(new TextEncoder().encode('this is not an image'), o));
    expect(garbage).toBeInstanceOf(InputError);
    expect((garbage as InputError).code).toBe('unreadable-image');
    const odd = await rejection(ex.explain(42 as unknown as string, o));
    expect(odd).toBeInstanceOf(InputError);
  });

  test('wrong channel count says what to do', async () => {
    const ex = await explainerFor('vit');
    const plane = 224 * 224;
    const grey = await rejection(ex.explain({ pixelValues: new Float32Array(plane), shape: [1, 1, 224, 224] }, o));
    expect(grey).toBeInstanceOf(InputError);
    expect((grey as InputError).code).toBe('wrong-channel-count');
    expect(grey.message).toMatch(/takes 3.*repeat/s);
    const twoNoShape = await rejection(ex.explain({ pixelValues: new Float32Array(2 * plane) }, o));
    expect((twoNoShape as InputError).code).toBe('wrong-channel-count');
    expect(twoNoShape.message).toMatch(/alpha/);
    const wrongLength = await rejection(ex.explain({ pixelValues: new Float32Array(1000) }, o));
    expect((wrongLength as InputError).code).toBe('bad-pixel-values');
    const nan = new Float32Array(3 * plane);
    nan[5] = NaN;
    expect(((await rejection(ex.explain({ pixelValues: nan }, o))) as InputError).code).toBe('bad-pixel-values');
    const batch = await rejection(ex.explain({ pixelValues: new Float32Array(6 * plane), shape: [2, 3, 224, 224] }, o));
    expect(batch.message).toMatch(/one image at a time/);
  });

  test('wrong image size for a fixed-size model', async () => {
    const ex = await explainerFor('vit');
    const e = await rejection(ex.explain({ pixelValues: new Float32Array(3 * 160 * 160), shape: [1, 3, 160, 160] }, o));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('bad-image-size');
  });

  test('bad options and unknown classes', async () => {
    const ex = await explainerFor('vit');
    const pixelValues = refPixels('vit');
    const unknown = await rejection(ex.explain({ pixelValues }, { ...o, className: 'dog' }));
    expect(unknown).toBeInstanceOf(InputError);
    expect(unknown.message).toMatch(/"circle", "square", "triangle", "stripes", "blob"/);
    expect(((await rejection(ex.explain({ pixelValues }, { ...o, index: 5 }))) as InputError).code).toBe('bad-index');
    expect(((await rejection(ex.explain({ pixelValues }, { attributionType: 'IGNT', ntType: 'smooth' as 'smoothgrad' }))) as InputError).code).toBe('bad-nt-type');
    expect(((await rejection(ex.explain({ pixelValues }, { attributionType: 'IGNT', ntSamples: 0 }))) as InputError).code).toBe('bad-nt-samples');
    expect(((await rejection(ex.explain({ pixelValues }, { attributionType: 'XG' as 'IG' }))) as InputError).code).toBe('bad-attribution-type');
    expect(((await rejection(ex.explain({ pixelValues }, { ...o, customLabels: ['a'] }))) as InputError).code).toBe('bad-custom-labels');
    expect(((await rejection(ex.explain({ pixelValues }, { ...o, nSteps: 0 }))) as InputError).code).toBe('bad-n-steps');
  });

  test('a text model is not an image classifier', async () => {
    const e = await rejection(ImageClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'distilbert-sst2'), { device, localOnly: true }));
    expect(e).toBeInstanceOf(ModelError);
    expect((e as ModelError).code).toBe('wrong-model-kind');
    expect(e.message).toMatch(/pixel_values/);
  });

  test('custom labels must match the model', async () => {
    const e = await rejection(ImageClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'vit'), { device, localOnly: true, customLabels: ['x', 'y'] }));
    expect((e as InputError).code).toBe('bad-custom-labels');
  });

  test('cancellation', async () => {
    const ex = await explainerFor('vit');
    const ac = new AbortController();
    const p = ex.explain({ pixelValues: refPixels('vit') }, { attributionType: 'IG', nSteps: 8, internalBatchSize: 2, onProgress: (d) => d >= 2 && ac.abort() , signal: ac.signal });
    const e = await rejection(p);
    expect(e.name).toBe('AbortError');
    const pre = new AbortController();
    pre.abort();
    expect(await rejection(ex.explain(TEST_PNG, { signal: pre.signal }))).toBeInstanceOf(AbortError);
  });
});

describe('gradscope explain --task image-classification', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gradscope-image-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
    return { code, out, err };
  }
  const base = (m: string): string[] => ['explain', '--task', 'image-classification', '--model', path.join(MODELS_DIR, m), '--local-only', '--device', 'cpu', '--image', TEST_PNG];

  test('IG JSON and a side-by-side PNG (vit)', async () => {
    const png = path.join(dir, 'vit.png');
    const { code, out, err } = await cli([...base('vit'), '--attribution-type', 'IG', '--png-out', png, '--viz-method', 'heatmap', '--sign', 'positive', '--side-by-side']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out) as { task: string; attributions: EncodedTensor; pixelValues: EncodedTensor; shape: number[]; predictedClassIndex: number; delta: number };
    expect(json.task).toBe('image-classification');
    expect(json.shape).toEqual([1, 3, 224, 224]);
    expect(json.attributions.dtype).toBe('float32');
    expect(json.predictedClassIndex).toBe(refJson('vit', 'ig').prediction.predicted_index);
    expect(pearson(decodeTensor(json.attributions), refAttr('vit', 'ig'))).toBeGreaterThanOrEqual(0.9);
    expect(decodeTensor(json.pixelValues)).toHaveLength(3 * 224 * 224);
    const img = decode(await readFile(png));
    expect([img.width, img.height]).toEqual([448, 224]);
  });

  test('IGNT with a seed repeats; masked_image PNG', async () => {
    const args = [...base('vit'), '--attribution-type', 'IGNT', '--nt-type', 'vargrad', '--nt-samples', '2', '--n-steps-noise-tunnel', '2', '--seed', '3'];
    const png = path.join(dir, 'mask.png');
    const a = await cli([...args, '--png-out', png, '--viz-method', 'masked_image', '--outlier-threshold', '0.05']);
    const b = await cli(args);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(decode(await readFile(png)).width).toBe(224);
  });

  test('usage errors', async () => {
    const noImage = await cli(['explain', '--task', 'image-classification', '--model', path.join(MODELS_DIR, 'vit'), '--local-only', '--device', 'cpu']);
    expect(noImage.code).toBe(2);
    expect(noImage.err).toMatch(/--image is required/);
    const badType = await cli([...base('vit'), '--attribution-type', 'XG']);
    expect(badType.code).toBe(2);
    expect(badType.err).toMatch(/--attribution-type must be IG or IGNT/);
    const badSign = await cli([...base('vit'), '--sign', 'up']);
    expect(badSign.code).toBe(2);
  });
});
