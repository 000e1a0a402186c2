/**
 * Pillow-exact resizing (src/explainers/image/pil-resize.ts) and the Python-exact image preprocessing
 * built on it (src/explainers/image/pil-preprocess.ts, preprocess.ts):
 * - test.png through each vision fixture's processor equals the pixel_values the Python side fed
 *   (reference/<model>/pixel_values.f32.bin), bit for bit;
 * - golden cases made by Pillow itself (fixtures/pil-resize, every filter, L / LA / RGB / RGBA,
 *   down, up, one axis, fractional box);
 * - hand-checkable cases for NEAREST, BOX, BILINEAR and the premultiplied alpha;
 * - which configs get the exact path, and the transformers.js fallback.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PilResample, pilResize, type PilResampleFilter, type Uint8Image } from '../../src/explainers/image/pil-resize.js';
import { loadImagePreprocessor } from '../../src/explainers/image/preprocess.js';
import { pilPreprocess, pilPreprocessPlan } from '../../src/explainers/image/pil-preprocess.js';
import { rawImageToRgba, readImage } from '../../src/explainers/image/read-image.js';
import { FIXTURES_DIR, MODELS_DIR, REFERENCE_DIR } from './text-reference-fixtures.js';

const TEST_PNG = path.join(REFERENCE_DIR, 'test.png');
const MODELS = ['vit', 'swin', 'resnet'] as const;
const FILTERS: PilResampleFilter[] = [0, 1, 2, 3, 4, 5];

function f32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const img = (data: number[], width: number, height: number, channels: 1 | 2 | 3 | 4 = 1): Uint8Image => ({ data: Uint8Array.from(data), width, height, channels });
const resized = (image: Uint8Image, w: number, h: number, f: PilResampleFilter): number[] => [...pilResize(image, w, h, f).data];

describe('test.png -> pixel_values equal the Python processor (PIL) bit for bit', () => {
  test.each(MODELS.map((m) => [m]))('%s', async (m) => {
    const pre = await loadImagePreprocessor(path.join(MODELS_DIR, m), { localOnly: true });
    expect(pre.resize).toBe('pil');
    expect(pre.size).toEqual({ height: 224, width: 224 });
    const { data, dims } = await pre.process(await readImage(TEST_PNG));
    expect(dims).toEqual([1, 3, 224, 224]);
    // Measured: 0 for vit (BILINEAR, mean 0.5), swin (BICUBIC, ImageNet mean) and resnet (BILINEAR, ImageNet mean).
    expect(maxAbsDiff(data, f32(path.join(REFERENCE_DIR, m, 'pixel_values.f32.bin')))).toBe(0);
  });

  test("resize: 'transformers' keeps transformers.js's processor (close, not equal)", async () => {
    const pre = await loadImagePreprocessor(path.join(MODELS_DIR, 'resnet'), { localOnly: true, resize: 'transformers' });
    expect(pre.resize).toBe('transformers');
    const { data } = await pre.process(await readImage(TEST_PNG));
    const d = maxAbsDiff(data, f32(path.join(REFERENCE_DIR, 'resnet', 'pixel_values.f32.bin')));
    // sharp's resize differs from PIL's on the image's edges (fixtures README: up to 0.79).
    expect(d).toBeGreaterThan(1e-3);
    expect(d).toBeLessThan(1.5);
  });

  test('an unknown resize option is an error', async () => {
    await expect(loadImagePreprocessor(path.join(MODELS_DIR, 'vit'), { localOnly: true, resize: 'sharp' as 'pil' })).rejects.toMatchObject({ code: 'bad-resize' });
  });
});

describe('pilResize equals Pillow (golden cases from Pillow itself)', () => {
  interface Golden {
    pillow: string;
    images: Record<string, { channels: 1 | 2 | 3 | 4; width: number; height: number; data: string }>;
    cases: { mode: string; outWidth: number; outHeight: number; filter: PilResampleFilter; box: [number, number, number, number] | null; out: string }[];
  }
  const golden = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'pil-resize', 'cases.json'), 'utf8')) as Golden;
  const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

  test(`${golden.cases.length} cases (Pillow ${golden.pillow}): every byte`, () => {
    expect(golden.cases.length).toBe(120);
    const failures: string[] = [];
    for (const c of golden.cases) {
      const src = golden.images[c.mode];
      const out = pilResize({ ...src, data: bytes(src.data) }, c.outWidth, c.outHeight, c.filter, c.box ? { box: c.box } : {});
      const want = bytes(c.out);
      const diff = want.length === out.data.length ? want.reduce((n, v, i) => n + (v !== out.data[i] ? 1 : 0), 0) : -1;
      if (diff !== 0) failures.push(`${c.mode} ${src.width}x${src.height} -> ${c.outWidth}x${c.outHeight} filter ${c.filter} box ${JSON.stringify(c.box)}: ${diff} bytes differ`);
    }
    expect(failures).toEqual([]);
  });
});

describe('pilResize by hand', () => {
  test('same size: an unfiltered copy for every filter', () => {
    const src = img([3, 200, 7, 90, 255, 0], 3, 2);
    for (const f of FILTERS) {
      const out = pilResize(src, 3, 2, f);
      expect([...out.data]).toEqual([...src.data]);
      expect(out.data).not.toBe(src.data);
    }
  });

  test('NEAREST samples pixel centres', () => {
    // 4 -> 2: centres at 1 and 3. 2 -> 4: 0.25, 0.75, 1.25, 1.75. 3 -> 2: 0.75, 2.25.
    expect(resized(img([10, 20, 30, 40], 4, 1), 2, 1, PilResample.NEAREST)).toEqual([20, 40]);
    expect(resized(img([10, 20], 2, 1), 4, 1, PilResample.NEAREST)).toEqual([10, 10, 20, 20]);
    expect(resized(img([10, 20, 30], 3, 1), 2, 1, PilResample.NEAREST)).toEqual([10, 30]);
    expect(resized(img([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3), 1, 1, PilResample.NEAREST)).toEqual([5]);
  });

  test('BOX averages, rounding half up', () => {
    expect(resized(img([10, 20, 30, 41], 4, 1), 2, 1, PilResample.BOX)).toEqual([15, 36]);
    expect(resized(img([0, 0, 0, 9, 9, 9], 6, 1), 2, 1, PilResample.BOX)).toEqual([0, 9]);
  });

  test('BOX rounds between the horizontal and the vertical pass', () => {
    // [[0, 1], [1, 2]]: rows -> 0.5 -> 1 and 1.5 -> 2, then (1 + 2) / 2 = 1.5 -> 2; the exact mean is 1.
    expect(resized(img([0, 1, 1, 2], 2, 2), 1, 1, PilResample.BOX)).toEqual([2]);
  });

  test('BILINEAR upscaling: tent weights at the output centres, edges clamped', () => {
    // Centres 0.25, 0.75, 1.25, 1.75 in source pixels; the first and last see only one pixel.
    expect(resized(img([0, 100], 2, 1), 4, 1, PilResample.BILINEAR)).toEqual([0, 25, 75, 100]);
  });

  test('BILINEAR downscaling widens the tent by the scale (antialiasing)', () => {
    // 4 -> 2: the tent spans 2 source pixels each side of the centres 1 and 3, cut at the edges:
    // centre 1 weighs pixels 0, 1, 2 by 0.75, 0.75, 0.25 (/1.75): 70 * 0.25 / 1.75 = 10;
    // centre 3 weighs pixels 1, 2, 3 by 0.25, 0.75, 0.75: 70 * 1.5 / 1.75 = 60.
    expect(resized(img([0, 0, 70, 70], 4, 1), 2, 1, PilResample.BILINEAR)).toEqual([10, 60]);
  });

  test('a constant image stays constant for every filter, size and channel count', () => {
    for (const channels of [1, 2, 3, 4] as const) {
      const px = [77, 201, 13, 255].slice(0, channels);
      const src = img(Array.from({ length: 11 * 7 }, () => px).flat(), 11, 7, channels);
      for (const f of FILTERS) {
        for (const [w, h] of [[3, 2], [25, 16], [11, 3], [5, 7]]) {
          const out = pilResize(src, w, h, f);
          expect(out.data.length).toBe(w * h * channels);
          expect(out.data.every((v, i) => v === px[i % channels])).toBe(true);
        }
      }
    }
  });

  test('256x192 -> 224x224 (the vision fixtures) gives a 224x224 image of the same channels', () => {
    const src = img(Array.from({ length: 256 * 192 * 3 }, (_, i) => (i * 31) % 256), 256, 192, 3);
    for (const f of FILTERS) {
      const out = pilResize(src, 224, 224, f);
      expect([out.width, out.height, out.channels, out.data.length]).toEqual([224, 224, 3, 224 * 224 * 3]);
    }
  });

  test('RGBA is resized premultiplied: transparent pixels lend no colour', () => {
    // Opaque red next to fully transparent blue. Straight averaging would give purple [128, 0, 128, 128].
    expect(resized(img([255, 0, 0, 255, 0, 0, 255, 0], 2, 1, 4), 1, 1, PilResample.BOX)).toEqual([255, 0, 0, 128]);
    // NEAREST copies pixels as they are (no premultiplication).
    expect(resized(img([255, 0, 0, 255, 0, 0, 255, 0], 2, 1, 4), 4, 1, PilResample.NEAREST)).toEqual([255, 0, 0, 255, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 255, 0]);
  });

  test('bad arguments', () => {
    const src = img([1, 2, 3, 4], 2, 2);
    expect(() => pilResize(src, 0, 2, PilResample.BOX)).toThrow(expect.objectContaining({ name: 'InputError', code: 'bad-size' }));
    expect(() => pilResize(src, 2, 2, 6)).toThrow(/resample filter 6/);
    expect(() => pilResize(img([1, 2, 3], 2, 2), 1, 1, PilResample.BOX)).toThrow(/needs 4/);
    expect(() => pilResize(src, 1, 1, PilResample.BOX, { box: [0, 0, 3, 2] })).toThrow(/exceed/);
  });
});

describe('which processors get the Python-exact path', () => {
  const fixtureConfig = (m: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(MODELS_DIR, m, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;

  test('the fixture configs (ViTImageProcessor, 224x224)', () => {
    expect(pilPreprocessPlan(fixtureConfig('vit'))).toEqual({
      resize: { height: 224, width: 224 },
      resample: PilResample.BILINEAR,
      crop: undefined,
      rescaleFactor: 1 / 255,
      normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    });
    expect(pilPreprocessPlan(fixtureConfig('swin'))?.resample).toBe(PilResample.BICUBIC);
  });

  test('shortest edge + center crop (CLIP style) and ConvNeXt crop_pct', () => {
    const clip = pilPreprocessPlan({ image_processor_type: 'CLIPImageProcessor', size: { shortest_edge: 224 }, crop_size: 224, do_center_crop: true, resample: 3 });
    expect(clip?.resize).toEqual({ shortestEdge: 224 });
    expect(clip?.crop).toEqual({ height: 224, width: 224 });
    expect(clip?.normalize?.mean).toEqual([0.48145466, 0.4578275, 0.40821073]);
    const convnext = pilPreprocessPlan({ image_processor_type: 'ConvNextImageProcessor', size: { shortest_edge: 224 }, crop_pct: 0.875, resample: 3 });
    expect(convnext?.resize).toEqual({ shortestEdge: 256 });
    expect(convnext?.crop).toEqual({ height: 224, width: 224 });
    expect(pilPreprocessPlan({ image_processor_type: 'ConvNextImageProcessor', size: { shortest_edge: 384 } })?.resize).toEqual({ height: 384, width: 384 });

    // 10x6 -> short side 4: 6x4 (int(4 * 10 / 6) = 6), then the 4x4 centre (columns 1..4).
    const grad = { data: Uint8Array.from({ length: 60 * 3 }, (_, i) => Math.floor(i / 3) % 10 * 20), width: 10, height: 6, channels: 3 as const };
    const plan = { resize: { shortestEdge: 4 }, resample: PilResample.NEAREST, crop: { height: 4, width: 4 }, rescaleFactor: undefined, normalize: undefined };
    const out = pilPreprocess(grad, plan);
    expect(out.dims).toEqual([1, 3, 4, 4]);
    const nearest = pilResize(grad, 6, 4, PilResample.NEAREST);
    expect([...out.data.subarray(0, 4)]).toEqual([1, 2, 3, 4].map((x) => nearest.data[x * 3]));
  });

  test('unsupported configs fall back to transformers.js', () => {
    expect(pilPreprocessPlan({ image_processor_type: 'ViTImageProcessorFast', size: { height: 224, width: 224 } })).toBeUndefined();
    expect(pilPreprocessPlan({ image_processor_type: 'DPTImageProcessor', size: { height: 384, width: 384 } })).toBeUndefined();
    expect(pilPreprocessPlan({ image_processor_type: 'CLIPImageProcessor', size: { shortest_edge: 224, longest_edge: 500 } })).toBeUndefined();
    // A crop larger than the resized image would need Python's zero padding.
    expect(pilPreprocessPlan({ image_processor_type: 'CLIPImageProcessor', size: { shortest_edge: 200 }, crop_size: 224 })).toBeUndefined();
  });

  test('float32 rescale / normalise: grey, LA and RGBA inputs are converted as PIL convert("RGB")', () => {
    const plan = pilPreprocessPlan({ image_processor_type: 'ViTImageProcessor', size: { height: 2, width: 2 }, image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] });
    if (!plan) throw new Error('expected a plan');
    const grey = pilPreprocess({ data: Uint8Array.from([0, 128, 200, 255]), width: 2, height: 2, channels: 1 }, plan);
    const rgba = pilPreprocess({ data: Uint8Array.from([0, 0, 0, 9, 128, 128, 128, 0, 200, 200, 200, 255, 255, 255, 255, 40]), width: 2, height: 2, channels: 4 }, plan);
    expect(rgba.data).toEqual(grey.data);
    const x = Math.fround(128 * (1 / 255));
    expect(grey.data[1]).toBe(Math.fround(Math.fround(x - Math.fround(0.485)) / Math.fround(0.229)));
    expect(grey.data[4 + 1]).toBe(Math.fround(Math.fround(x - Math.fround(0.456)) / Math.fround(0.224)));
  });
});

describe('rawImageToRgba (drawing the original image)', () => {
  test('grey spreads over RGB, source alpha is kept, missing alpha is opaque', () => {
    const px = (channels: 1 | 2 | 3 | 4, data: number[]) => Array.from(rawImageToRgba({ data: Uint8Array.from(data), width: 1, height: 1, channels }).data);
    expect(px(1, [7])).toEqual([7, 7, 7, 255]);
    expect(px(2, [7, 9])).toEqual([7, 7, 7, 9]);
    expect(px(3, [1, 2, 3])).toEqual([1, 2, 3, 255]);
    expect(px(4, [1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
  });
});
