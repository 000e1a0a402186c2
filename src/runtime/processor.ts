/**
 * Images in, `pixel_values` out: reading an image from whatever the platform offers (a URL,
 * Blob, `<img>`, ImageBitmap or canvas in the browser; a file path or encoded bytes in Node)
 * and preprocessing it with transformers.js's processor for the model (its own
 * `preprocessor_config.json`: resize, rescale, normalise).
 *
 * Only a file path needs Node (`fs`); everything else works in both.
 *
 * @module
 */
import type { RawImage } from '@huggingface/transformers';
import { InputError, ModelError } from '../errors.js';
import type { RgbaImage } from '../viz/rgba.js';
import { isNode, nodeImport } from './platform.js';
import { loadAutoProcessor, loadTransformers, type LoadOptions } from './transformers.js';

export type { RawImage };

/** Decoded pixels, interleaved (HWC), 1 to 4 channels: what transformers.js's `RawImage` holds. */
export interface RawImageLike {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/**
 * An image to explain.
 *
 * - `string`: a URL (browser and Node) or a file path (Node only).
 * - `URL`, `Blob`, encoded bytes (`Uint8Array` / `ArrayBuffer` of a PNG, JPEG, ...).
 * - Browser elements: `HTMLImageElement` (loaded), `ImageBitmap`, `HTMLCanvasElement`, `OffscreenCanvas`.
 * - Already decoded pixels ({@link RawImageLike}, e.g. a transformers.js `RawImage`).
 */
export type ImageSource =
  | string
  | URL
  | Blob
  | Uint8Array
  | ArrayBuffer
  | HTMLImageElement
  | ImageBitmap
  | HTMLCanvasElement
  | OffscreenCanvas
  | RawImageLike;

/** A float32 tensor read back from the processor. */
export interface PixelTensor {
  data: Float32Array;
  /** [1, C, H, W]. */
  dims: number[];
}

/** A model's image processor, reduced to what the explainers need. */
export interface ImagePreprocessor {
  /** Resize, rescale and normalise as the model's preprocessor_config.json says. */
  process(image: RawImage): Promise<PixelTensor>;
  /** `image_mean` / `image_std` (to undo the normalisation when drawing), when the processor normalises. */
  readonly normalization: { mean: number[]; std: number[] } | undefined;
  /** Target size, when the config gives a fixed one. */
  readonly size: { height: number; width: number } | undefined;
}

/** The parts of transformers.js's `ImageProcessor` used here. */
interface TfImageProcessor {
  (images: RawImage): Promise<{ pixel_values: { data: unknown; dims: number[] } }>;
  image_mean?: number | number[];
  image_std?: number | number[];
  do_normalize?: boolean;
  size?: unknown;
}

function toTriple(v: number | number[] | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v, v, v];
}

function fixedSize(size: unknown): { height: number; width: number } | undefined {
  if (typeof size === 'number') return { height: size, width: size };
  const s = size as { height?: number; width?: number } | undefined;
  if (s && typeof s.height === 'number' && typeof s.width === 'number') return { height: s.height, width: s.width };
  return undefined;
}

/**
 * Loads the image processor of a model (its `preprocessor_config.json`) with transformers.js.
 *
 * @throws {InputError} (`code: 'model-not-found'`) when the model has no preprocessor_config.json.
 * @throws {ModelError} (`code: 'wrong-model-kind'`) when the processor has no image part.
 *
 * @example
 * ```ts
 * const pre = await loadImagePreprocessor('./models/vit', { localOnly: true });
 * const { data, dims } = await pre.process(await readImage('cat.png'));
 * ```
 */
export async function loadImagePreprocessor(modelIdOrPath: string, options: LoadOptions = {}): Promise<ImagePreprocessor> {
  const processor = (await loadAutoProcessor(modelIdOrPath, options)) as { image_processor?: TfImageProcessor };
  const ip = processor.image_processor;
  if (typeof ip !== 'function') {
    throw new ModelError(`The processor of "${modelIdOrPath}" has no image processor, so this is not an image model. Use an image-classification model (its folder has a preprocessor_config.json with an image_processor_type).`, {
      code: 'wrong-model-kind',
    });
  }
  const mean = toTriple(ip.image_mean);
  const std = toTriple(ip.image_std);
  return {
    normalization: ip.do_normalize !== false && mean && std ? { mean, std } : undefined,
    size: fixedSize(ip.size),
    async process(image: RawImage): Promise<PixelTensor> {
      let out: Awaited<ReturnType<TfImageProcessor>>;
      try {
        out = await ip(image);
      } catch (cause) {
        throw new InputError(`The image processor could not process this ${image.width}x${image.height} image with ${image.channels} channel(s): ${cause instanceof Error ? cause.message : String(cause)}.`, {
          code: 'unreadable-image',
          cause,
        });
      }
      const pv = out.pixel_values;
      return { data: pv.data instanceof Float32Array ? pv.data : Float32Array.from(pv.data as ArrayLike<number>), dims: [...pv.dims] };
    },
  };
}

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] === 'function';

function isRawImageLike(v: unknown): v is RawImageLike {
  const r = v as Partial<RawImageLike> | null;
  return typeof r === 'object' && r !== null && (r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray) && typeof r.width === 'number' && typeof r.height === 'number' && typeof r.channels === 'number';
}

function unreadable(what: string, cause: unknown): InputError {
  return new InputError(
    `Could not read the image (${what}): ${cause instanceof Error ? cause.message : String(cause)}. Pass a PNG, JPEG, WebP or GIF image (a file path in Node, a URL, Blob, <img>, ImageBitmap or canvas in the browser), or ready pixel values.`,
    { code: 'unreadable-image', cause },
  );
}

/** Draws a browser image source onto a canvas so its pixels can be read. */
function drawToCanvas(el: CanvasImageSource, width: number, height: number): HTMLCanvasElement | OffscreenCanvas {
  if (width === 0 || height === 0) throw new Error('the image has no pixels (is it loaded? await img.decode() first)');
  let canvas: HTMLCanvasElement | OffscreenCanvas;
  if (has('OffscreenCanvas')) canvas = new OffscreenCanvas(width, height);
  else {
    canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.drawImage(el, 0, 0);
  return canvas;
}

interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
}

/**
 * Reads and decodes an image into a transformers.js `RawImage`.
 *
 * @throws {InputError} (`code: 'unreadable-image'`) when the input cannot be read or decoded.
 *
 * @example
 * ```ts
 * const img = await readImage('./photo.jpg');            // Node
 * const img2 = await readImage(document.querySelector('img')!); // browser
 * ```
 */
export async function readImage(input: ImageSource): Promise<RawImage> {
  const tf = await loadTransformers();
  try {
    if (input instanceof tf.RawImage) return input;
    if (isRawImageLike(input)) {
      if (input.data.length !== input.width * input.height * input.channels) {
        throw new Error(`data has ${input.data.length} bytes, but ${input.width}x${input.height}x${input.channels} needs ${input.width * input.height * input.channels}`);
      }
      return new tf.RawImage(input.data, input.width, input.height, input.channels);
    }
    if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
      return await tf.RawImage.fromBlob(new Blob([input as Uint8Array<ArrayBuffer>]));
    }
    if (typeof input === 'string' || input instanceof URL) {
      const s = String(input);
      // Node: anything that is not an http(s) URL is a file; read it ourselves for a clear error.
      if (isNode() && !/^https?:/i.test(s)) {
        const fs = await nodeImport<NodeFs>('node:fs/promises');
        const path = s.startsWith('file:') ? new URL(s) : s;
        const bytes = await fs.readFile(path as string);
        return await tf.RawImage.fromBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      }
      return await tf.RawImage.fromURL(s);
    }
    if (typeof Blob !== 'undefined' && input instanceof Blob) return await tf.RawImage.fromBlob(input);
    if (has('HTMLImageElement') && input instanceof HTMLImageElement) {
      if (!input.complete) await input.decode();
      return tf.RawImage.fromCanvas(drawToCanvas(input, input.naturalWidth, input.naturalHeight));
    }
    if (has('ImageBitmap') && input instanceof ImageBitmap) return tf.RawImage.fromCanvas(drawToCanvas(input, input.width, input.height));
    if ((has('HTMLCanvasElement') && input instanceof HTMLCanvasElement) || (has('OffscreenCanvas') && input instanceof OffscreenCanvas)) {
      return tf.RawImage.fromCanvas(input);
    }
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw unreadable(typeof input === 'string' ? `"${input}"` : describe(input), cause);
  }
  throw new InputError(
    `Unsupported image input (${describe(input)}). Pass a URL, file path (Node), Blob, encoded bytes, <img>, ImageBitmap, canvas, or { pixelValues } with the model input.`,
    { code: 'unreadable-image' },
  );
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

/**
 * Converts decoded pixels (1 to 4 channels) to RGBA for drawing (grey is spread over RGB;
 * missing alpha is opaque).
 *
 * @example
 * ```ts
 * const rgba = rawImageToRgba(await readImage('photo.png'));
 * visualizeImage(result.attributions, result.shape, { originalImage: rgba });
 * ```
 */
export function rawImageToRgba(image: RawImageLike): RgbaImage {
  const { width, height, channels, data } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const grey = channels <= 2;
    out[i * 4] = data[s];
    out[i * 4 + 1] = grey ? data[s] : data[s + 1];
    out[i * 4 + 2] = grey ? data[s] : data[s + 2];
    out[i * 4 + 3] = channels === 2 ? data[s + 1] : channels === 4 ? data[s + 3] : 255;
  }
  return { width, height, data: out };
}
