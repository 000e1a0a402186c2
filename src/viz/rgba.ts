/**
 * Small RGBA image helpers: the pixel type every image visualisation returns, tensor to
 * image conversion, resizing and side-by-side composition.
 *
 * @module
 */
import { InputError } from '../errors.js';

/** Straight (not premultiplied) RGBA pixels, row-major, like the DOM's `ImageData`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * A blank (transparent) image.
 *
 * @example
 * ```ts
 * const img = createRgba(224, 224);
 * ```
 */
export function createRgba(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/** How to undo the image processor's normalisation: `pixel = value * std + mean` per channel. */
export interface PixelNormalization {
  mean: readonly number[];
  std: readonly number[];
}

/**
 * Turns a [1, 3, H, W] model input into displayable pixels.
 *
 * Without `normalization` this is what captum does with an image given as floats: when its
 * maximum is <= 1 it is multiplied by 255; then values are truncated to integers and
 * clipped to [0, 255] (so normalised pixels below zero turn black: "hard to interpret
 * visually", as transformers-interpret says). With `normalization` (the processor's
 * `image_mean` / `image_std`) the pixels are first mapped back to [0, 1], which shows the
 * image the model saw.
 *
 * @example
 * ```ts
 * const img = pixelValuesToRgba(pixelValues, [1, 3, 224, 224], { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
 * ```
 */
export function pixelValuesToRgba(pixelValues: ArrayLike<number>, shape: readonly number[], normalization?: PixelNormalization): RgbaImage {
  const [c, h, w] = shape.length === 4 ? shape.slice(1) : shape;
  if (c === undefined || h === undefined || w === undefined) throw new InputError(`expected [1, C, H, W], got [${shape.join(', ')}]`, { code: 'invalid-tensor-shape' });
  const plane = h * w;
  const values = new Float64Array(c * plane);
  let max = -Infinity;
  for (let ch = 0; ch < c; ch++) {
    const mean = normalization?.mean[ch] ?? 0;
    const std = normalization?.std[ch] ?? 1;
    for (let i = 0; i < plane; i++) {
      const v = normalization ? (pixelValues[ch * plane + i] ?? 0) * std + mean : (pixelValues[ch * plane + i] ?? 0);
      values[ch * plane + i] = v;
      if (v > max) max = v;
    }
  }
  const scale = max <= 1 ? 255 : 1;
  const out = createRgba(w, h);
  for (let i = 0; i < plane; i++) {
    for (let ch = 0; ch < 3; ch++) {
      const src = Math.min(ch, c - 1); // a one-channel input is shown as gray
      out.data[i * 4 + ch] = Math.max(0, Math.min(255, Math.trunc((values[src * plane + i] ?? 0) * scale)));
    }
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * Bilinear resize (half-pixel centres, edge clamped) to draw an original image at the
 * attribution size. PIL's resize (what transformers-interpret uses) filters differently, so
 * pixels may differ by a few levels; the attribution itself is never resized.
 *
 * @example
 * ```ts
 * const small = resizeRgba(photo, 224, 224);
 * ```
 */
export function resizeRgba(image: RgbaImage, width: number, height: number): RgbaImage {
  if (image.width === width && image.height === height) return image;
  const out = createRgba(width, height);
  const sx = image.width / width;
  const sy = image.height / height;
  const px = (x: number, y: number, c: number): number => image.data[(y * image.width + x) * 4 + c] ?? 0;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, Math.min(image.height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, Math.min(image.width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const top = px(x0, y0, c) * (1 - wx) + px(x1, y0, c) * wx;
        const bottom = px(x0, y1, c) * (1 - wx) + px(x1, y1, c) * wx;
        out.data[(y * width + x) * 4 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

/**
 * Places images left to right, top aligned, with `gap` transparent pixels between them
 * (the original image beside its explanation, like captum's side-by-side figure).
 *
 * @example
 * ```ts
 * const both = sideBySide([original, heatmap], 8);
 * ```
 */
export function sideBySide(images: readonly RgbaImage[], gap: number = 0): RgbaImage {
  const width = images.reduce((w, im) => w + im.width, 0) + gap * Math.max(0, images.length - 1);
  const height = images.reduce((h, im) => Math.max(h, im.height), 0);
  const out = createRgba(width, height);
  let x0 = 0;
  for (const im of images) {
    for (let y = 0; y < im.height; y++) {
      out.data.set(im.data.subarray(y * im.width * 4, (y + 1) * im.width * 4), (y * width + x0) * 4);
    }
    x0 += im.width + gap;
  }
  return out;
}
