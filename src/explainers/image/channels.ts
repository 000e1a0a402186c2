/**
 * Pixel channel conversion shared by preprocessing and drawing.
 *
 * @module
 */
import type { RawImageLike } from './preprocess.js';

/**
 * Writes 1-4 channel pixels into `out` as RGB (3) or RGBA (4): grey is repeated over RGB, the
 * source alpha (2 or 4 channels) is kept for RGBA, else opaque.
 */
export function expandChannels<T extends Uint8Array | Uint8ClampedArray>(image: RawImageLike, out: T, outChannels: 3 | 4): T {
  const { width, height, channels, data } = image;
  const grey = channels <= 2;
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const o = i * outChannels;
    out[o] = data[s];
    out[o + 1] = grey ? data[s] : data[s + 1];
    out[o + 2] = grey ? data[s] : data[s + 2];
    if (outChannels === 4) out[o + 3] = channels === 2 ? data[s + 1] : channels === 4 ? data[s + 3] : 255;
  }
  return out;
}
