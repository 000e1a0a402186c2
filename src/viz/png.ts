/**
 * PNG encoding of RGBA pixels, in Node and in browsers (fast-png is pure JavaScript).
 *
 * @module
 */
import { encode } from 'fast-png';
import type { RgbaImage } from './rgba.js';

/**
 * Encodes an RGBA image as PNG bytes.
 *
 * @example
 * ```ts
 * await writeFile('heatmap.png', encodePng(visualizeImage(attr, shape, { method: 'heatmap' }).image));
 * ```
 */
export function encodePng(image: RgbaImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 });
}

/**
 * A `data:image/png;base64,...` URL of an RGBA image, for `<img src>` in exported HTML.
 *
 * @example
 * ```ts
 * const src = pngDataUrl(image);
 * ```
 */
export function pngDataUrl(image: RgbaImage): string {
  const bytes = encodePng(image);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(binary)}`;
}
