/**
 * Reading an image from whatever the platform offers (a URL, Blob, `<img>`, ImageBitmap or
 * canvas in the browser; a file path or encoded bytes in Node) into a `RawImage`, and back to
 * RGBA for drawing. Only a file path needs Node (`fs`).
 *
 * @module
 */
import type { RawImage } from '@huggingface/transformers';
import { BackendError, InputError } from '../../errors.js';
import type { RgbaImage } from '../../viz/rgba.js';
import { isNode, nodeImport } from '../../runtime/platform.js';
import { loadTransformers } from '../../runtime/transformers.js';
import { expandChannels } from './channels.js';
import type { ImageSource, RawImageLike } from './preprocess.js';

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
  if (width === 0 || height === 0) throw new InputError('the image has no pixels (is it loaded? await img.decode() first)', { code: 'unreadable-image' });
  let canvas: HTMLCanvasElement | OffscreenCanvas;
  if (has('OffscreenCanvas')) canvas = new OffscreenCanvas(width, height);
  else {
    canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new BackendError('no 2D canvas context to read the image with', { code: 'no-canvas' });
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
        throw new InputError(`data has ${input.data.length} bytes, but ${input.width}x${input.height}x${input.channels} needs ${input.width * input.height * input.channels}`, { code: 'unreadable-image' });
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
  const { width, height } = image;
  return { width, height, data: expandChannels(image, new Uint8ClampedArray(width * height * 4), 4) };
}
