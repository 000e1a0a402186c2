/**
 * Pillow's `Image.resize` for 8-bit images, re-implemented so that a browser or Node gets the
 * very bytes the Python image processors of Hugging Face get (they all resize through PIL).
 * transformers.js resizes with sharp or a canvas, whose kernels and rounding differ; for an
 * explainer that is meant to match transformers-interpret number for number, the model input
 * must be bit-identical, hence this module.
 *
 * What is reproduced (Pillow's libImaging `Resample.c`, `Geometry.c` and the `Image.resize`
 * wrapper, with `reducing_gap=None`, which is what `transformers.image_transforms.resize` uses):
 *
 * - separable convolution: one pass along x, then one along y, each rounded and clipped to
 *   uint8 (the horizontal result is stored as 8-bit before the vertical pass reads it);
 * - filter support widened by the downscale factor (antialiasing), taps centred at
 *   `in0 + (i + 0.5) * scale`, window bounds rounded half up, weights normalised to sum 1 in
 *   double precision and then turned into 22-bit fixed-point integers;
 * - a pass whose size does not change is skipped entirely (the image is not filtered at all);
 * - NEAREST goes through Pillow's affine "scale" transform, which steps the source coordinate
 *   by repeated double additions (kept here, since it decides which pixel wins on ties);
 * - LA / RGBA images are resampled with premultiplied alpha (except NEAREST), with Pillow's
 *   integer premultiply / unpremultiply rounding.
 *
 * Pure: no I/O, no dependencies.
 *
 * @module
 */
import { InputError } from '../../errors.js';


/** Pillow's resampling filter ids (`PIL.Image.Resampling`): the `resample` of preprocessor configs. */
export const PilResample = {
  NEAREST: 0,
  LANCZOS: 1,
  BILINEAR: 2,
  BICUBIC: 3,
  BOX: 4,
  HAMMING: 5,
} as const;

/** One of Pillow's filter ids, 0 to 5. */
export type PilResampleFilter = (typeof PilResample)[keyof typeof PilResample];

/** Interleaved (HWC) 8-bit pixels: 1 = L, 2 = LA, 3 = RGB, 4 = RGBA. */
export interface Uint8Image {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** What {@link pilResize} returns: always a fresh `Uint8Array`, never the input's buffer. */
export interface ResizedUint8Image extends Uint8Image {
  data: Uint8Array;
}

/** Options of {@link pilResize}. */
export interface PilResizeOptions {
  /**
   * Source region `[left, top, right, bottom]` in source pixels (may be fractional), as PIL's
   * `box`. Default: the whole image. Coordinates are rounded to float32, as Pillow stores them.
   */
  box?: readonly [number, number, number, number];
}

/** A 1-D filter kernel and its support (radius) at scale 1. */
interface Filter {
  fn: (x: number) => number;
  support: number;
}

// Pillow writes these constants as C `float` literals inside double arithmetic; their float32
// values (not 0.54 / 0.46) are what make the Hamming weights identical.
const HAMMING_A = Math.fround(0.54);
const HAMMING_B = Math.fround(0.46);
const BICUBIC_A = -0.5;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const FILTERS: Record<Exclude<PilResampleFilter, 0>, Filter> = {
  [PilResample.BOX]: { support: 0.5, fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  [PilResample.BILINEAR]: {
    support: 1,
    fn: (x) => {
      const ax = Math.abs(x);
      return ax < 1 ? 1 - ax : 0;
    },
  },
  [PilResample.HAMMING]: {
    support: 1,
    fn: (x) => {
      const ax = Math.abs(x);
      if (ax === 0) return 1;
      if (ax >= 1) return 0;
      const px = ax * Math.PI;
      return (Math.sin(px) / px) * (HAMMING_A + HAMMING_B * Math.cos(px));
    },
  },
  [PilResample.BICUBIC]: {
    support: 2,
    fn: (x) => {
      const ax = Math.abs(x);
      if (ax < 1) return ((BICUBIC_A + 2) * ax - (BICUBIC_A + 3)) * ax * ax + 1;
      if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * BICUBIC_A;
      return 0;
    },
  },
  [PilResample.LANCZOS]: { support: 3, fn: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/**
 * Fixed-point precision of the 8-bit passes: 32-bit accumulators, 8 bits of pixel, 2 bits of
 * headroom for kernels whose partial sums exceed 1 or go negative.
 */
const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);
const ONE = 1 << PRECISION_BITS;

/** Per output sample: first source index, tap count, and fixed-point weights (`ksize` per sample). */
interface Coefficients {
  ksize: number;
  start: Int32Array;
  count: Int32Array;
  weights: Int32Array;
}

/**
 * The taps of one axis: `outSize` samples over the source interval `[in0, in1)` of an axis with
 * `inSize` pixels. Double precision throughout, as Pillow, then rounded half away from zero to
 * fixed point.
 */
function coefficients(inSize: number, in0: number, in1: number, outSize: number, filter: Filter): Coefficients {
  // `in1 - in0` is a float32 subtraction in Pillow (the box is float); only then widened.
  const scale = Math.fround(in1 - in0) / outSize;
  // Downscaling stretches the kernel over `scale` source pixels (antialiasing); upscaling keeps it.
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const inv = 1 / filterscale;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let i = 0; i < outSize; i++) {
    const center = in0 + (i + 0.5) * scale;
    // C's (int) cast truncates toward zero; with the +0.5 that rounds half up for the
    // non-negative values that survive the clamps.
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const n = hi - lo;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      // Same association as Pillow: ((index - center) + 0.5) * (1 / filterscale).
      w[k] = filter.fn((k + lo - center + 0.5) * inv);
      sum += w[k];
    }
    for (let k = 0; k < n; k++) {
      const v = sum !== 0 ? w[k] / sum : w[k];
      weights[i * ksize + k] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    start[i] = lo;
    count[i] = n;
  }
  return { ksize, start, count, weights };
}

/** Fixed-point accumulator -> uint8: drop the fraction (the +HALF seed made it round), clamp. */
function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Convolves along x: rows `rowOffset .. rowOffset + rows` of `src` into a `outWidth` x `rows` image. */
function horizontalPass(src: Uint8Array, width: number, channels: number, rowOffset: number, rows: number, c: Coefficients, outWidth: number): Uint8Array {
  const out = new Uint8Array(outWidth * rows * channels);
  const { weights, ksize } = c;
  for (let y = 0; y < rows; y++) {
    const rowBase = (y + rowOffset) * width * channels;
    for (let x = 0; x < outWidth; x++) {
      const kBase = x * ksize;
      const n = c.count[x];
      const first = rowBase + c.start[x] * channels;
      const o = (y * outWidth + x) * channels;
      // One scalar accumulator per channel (integer-valued doubles: exact, as Pillow's int32 sums).
      for (let ch = 0; ch < channels; ch++) {
        let acc = HALF;
        for (let k = 0, p = first + ch; k < n; k++, p += channels) acc += src[p] * weights[kBase + k];
        out[o + ch] = clip8(acc);
      }
    }
  }
  return out;
}

/** Convolves along y: `src` (`width` x any rows) into `width` x `outHeight`; `c.start` relative to `src`'s first row. */
function verticalPass(src: Uint8Array, width: number, channels: number, c: Coefficients, outHeight: number): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(outHeight * stride);
  const { weights, ksize } = c;
  for (let y = 0; y < outHeight; y++) {
    const kBase = y * ksize;
    const n = c.count[y];
    const first = c.start[y] * stride;
    const o = y * stride;
    // Every byte of an output row (x and channel alike) uses the same taps down the column.
    for (let i = 0; i < stride; i++) {
      let acc = HALF;
      for (let k = 0, p = first + i; k < n; k++, p += stride) acc += src[p] * weights[kBase + k];
      out[o + i] = clip8(acc);
    }
  }
  return out;
}

/** Pillow's ImagingResample for an 8-bit image (no alpha handling here). */
function resampleConvolution(src: Uint8Array, inW: number, inH: number, channels: number, outW: number, outH: number, filter: Filter, box: readonly [number, number, number, number]): Uint8Array {
  // A pass runs only when its axis changes (size or box); otherwise the pixels go through untouched.
  const needH = outW !== inW || box[0] !== 0 || box[2] !== outW;
  const needV = outH !== inH || box[1] !== 0 || box[3] !== outH;
  const vert = coefficients(inH, box[1], box[3], outH, filter);
  let img = src;
  let width = inW;
  if (needH) {
    // Only the source rows the vertical pass will read are filtered horizontally; shifting the
    // vertical windows by the first such row keeps every value the same.
    const firstRow = vert.start[0];
    const lastRow = vert.start[outH - 1] + vert.count[outH - 1];
    for (let i = 0; i < outH; i++) vert.start[i] -= firstRow;
    const horiz = coefficients(inW, box[0], box[2], outW, filter);
    img = horizontalPass(src, inW, channels, firstRow, lastRow - firstRow, horiz, outW);
    width = outW;
  }
  if (needV) img = verticalPass(img, width, channels, vert, outH);
  return img === src ? Uint8Array.from(src) : img;
}

/** C's `(v < 0 ? -1 : (int)v)`: negative coordinates are outside, never truncated to 0. */
function coord(v: number): number {
  return v < 0 ? -1 : Math.trunc(v);
}

/** Pillow's NEAREST resize: an affine scale transform sampling pixel centres, outside = 0. */
function resampleNearest(src: Uint8Array, inW: number, inH: number, channels: number, outW: number, outH: number, box: readonly [number, number, number, number]): Uint8Array {
  const out = new Uint8Array(outW * outH * channels);
  const ax = Math.fround(box[2] - box[0]) / outW;
  const ay = Math.fround(box[3] - box[1]) / outH;
  // Source x of every output column, stepped by repeated addition as Pillow does (a
  // multiplication can round differently at exact ties).
  const xin = new Int32Array(outW);
  let xo = box[0] + ax * 0.5;
  for (let x = 0; x < outW; x++) {
    const xi = coord(xo);
    xin[x] = xi >= 0 && xi < inW ? xi : -1;
    xo += ax;
  }
  let yo = box[1] + ay * 0.5;
  for (let y = 0; y < outH; y++) {
    const yi = coord(yo);
    yo += ay;
    if (yi < 0 || yi >= inH) continue;
    const rowIn = yi * inW;
    for (let x = 0; x < outW; x++) {
      if (xin[x] < 0) continue;
      const s = (rowIn + xin[x]) * channels;
      const o = (y * outW + x) * channels;
      for (let ch = 0; ch < channels; ch++) out[o + ch] = src[s + ch];
    }
  }
  return out;
}

/** `(a * b + 128 + ((a * b + 128) >> 8)) >> 8`: Pillow's exact rounding of a * b / 255. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/** RGBA -> RGBa / LA -> La: colour channels multiplied by alpha, as `Image.convert`. */
function premultiply(src: Uint8Array, channels: 2 | 4): Uint8Array {
  const out = Uint8Array.from(src);
  for (let p = 0; p < out.length; p += channels) {
    const a = out[p + channels - 1];
    for (let ch = 0; ch < channels - 1; ch++) out[p + ch] = mulDiv255(out[p + ch], a);
  }
  return out;
}

/** RGBa -> RGBA: integer division by alpha, clipped; alpha 0 and 255 leave the colour as is. */
function unpremultiply(data: Uint8Array, channels: 2 | 4): void {
  for (let p = 0; p < data.length; p += channels) {
    const a = data[p + channels - 1];
    if (a === 0 || a === 255) continue;
    for (let ch = 0; ch < channels - 1; ch++) data[p + ch] = Math.min(255, Math.floor((255 * data[p + ch]) / a));
  }
}

function checkFilter(resample: number): asserts resample is PilResampleFilter {
  if (!Number.isInteger(resample) || resample < 0 || resample > 5) {
    throw new InputError(`Unknown PIL resample filter ${String(resample)}: use 0 (NEAREST), 1 (LANCZOS), 2 (BILINEAR), 3 (BICUBIC), 4 (BOX) or 5 (HAMMING).`, { code: 'bad-resample' });
  }
}

/**
 * Resizes an 8-bit image exactly as Pillow's `Image.resize(size, resample, box)` does (with
 * `reducing_gap=None`): same uint8 output, byte for byte.
 *
 * @param image  Interleaved 8-bit pixels (L, LA, RGB or RGBA).
 * @param width  Output width (>= 1).
 * @param height Output height (>= 1).
 * @param resample Pillow filter id (see {@link PilResample}); Pillow's own default is BICUBIC.
 * @throws {RangeError} for a bad size, box, filter or a data length that does not match.
 *
 * @example
 * ```ts
 * import { pilResize, PilResample } from './pil-resize.js';
 * // A 256x192 RGB image to 224x224, as ViTImageProcessor (resample 2) does it in Python.
 * const out = pilResize({ data: rgb, width: 256, height: 192, channels: 3 }, 224, 224, PilResample.BILINEAR);
 * out.data.length; // 224 * 224 * 3
 * ```
 */
export function pilResize(image: Uint8Image, width: number, height: number, resample: number = PilResample.BICUBIC, options: PilResizeOptions = {}): ResizedUint8Image {
  const { width: inW, height: inH, channels } = image;
  checkFilter(resample);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InputError(`The output size must be positive integers, got ${width}x${height}.`, { code: 'bad-size' });
  }
  if (![1, 2, 3, 4].includes(channels) || image.data.length !== inW * inH * channels) {
    throw new InputError(`The image data has ${image.data.length} bytes, but ${inW}x${inH} with ${channels} channel(s) needs ${inW * inH * channels}.`, { code: 'bad-image-data' });
  }
  const box = (options.box ?? [0, 0, inW, inH]).map((v) => Math.fround(v)) as [number, number, number, number];
  if (box[0] < 0 || box[1] < 0) throw new InputError("The box offset can't be negative.", { code: 'bad-box' });
  if (box[2] > inW || box[3] > inH) throw new InputError("The box can't exceed the image.", { code: 'bad-box' });
  if (box[2] - box[0] < 0 || box[3] - box[1] < 0) throw new InputError("The box can't be empty.", { code: 'bad-box' });
  const src = image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const result = (data: Uint8Array): ResizedUint8Image => ({ data, width, height, channels });

  // Image.resize: same size over the whole image is a plain copy (no alpha round trip either).
  if (width === inW && height === inH && box[0] === 0 && box[1] === 0 && box[2] === inW && box[3] === inH) return result(Uint8Array.from(src));
  if (resample !== PilResample.NEAREST && (channels === 2 || channels === 4)) {
    // Resampling straight alpha would bleed the colour of transparent pixels; Pillow resizes
    // LA / RGBA in premultiplied form and converts back (even when the resize is a crop, so the
    // lossy round trip is part of the result).
    const out = resizeCore(premultiply(src, channels), inW, inH, channels, width, height, resample, box);
    unpremultiply(out, channels);
    return result(out);
  }
  return result(resizeCore(src, inW, inH, channels, width, height, resample, box));
}

/** Pillow's `_resize` of the C module: crop, nearest or convolution. */
function resizeCore(src: Uint8Array, inW: number, inH: number, channels: number, width: number, height: number, resample: PilResampleFilter, box: readonly [number, number, number, number]): Uint8Array {
  // An integer box exactly the output size is a crop, whatever the filter.
  if (Number.isInteger(box[0]) && Number.isInteger(box[1]) && box[2] - box[0] === width && box[3] - box[1] === height) {
    const out = new Uint8Array(width * height * channels);
    for (let y = 0; y < height; y++) {
      const s = ((y + box[1]) * inW + box[0]) * channels;
      out.set(src.subarray(s, s + width * channels), y * width * channels);
    }
    return out;
  }
  if (resample === PilResample.NEAREST) return resampleNearest(src, inW, inH, channels, width, height, box);
  return resampleConvolution(src, inW, inH, channels, width, height, FILTERS[resample], box);
}
