/**
 * Images in, `pixel_values` out: preprocessing an image (read by `read-image.ts`) as the
 * model's `preprocessor_config.json` says (resize, crop, rescale, normalise).
 *
 * Two ways to resize:
 * - `'pil'` (default): the same steps and arithmetic as Hugging Face's Python image processors,
 *   which resize with Pillow (re-implemented in `pil-resize.ts`) and rescale / normalise in
 *   float32 numpy. For the processors listed in {@link pilPreprocessPlan} the pixel values are
 *   bit-identical to Python's, so attributions match transformers-interpret number for number.
 *   Other processors fall back to transformers.js.
 * - `'transformers'`: transformers.js's own processor (sharp / canvas resize). Close to Python's
 *   but not equal (up to ~0.8 in normalised units on sharp edges).
 *
 * @module
 */
import type { RawImage } from '@huggingface/transformers';
import { InputError, ModelError } from '../../errors.js';
import { pilPreprocess, pilPreprocessPlan, planOutputSize } from './pil-preprocess.js';
import { loadAutoProcessor, type LoadOptions } from '../../runtime/transformers.js';

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

/**
 * How images are resized: `'pil'` reproduces Hugging Face's Python processors exactly (Pillow
 * resampling, float32 rescale / normalise); `'transformers'` uses transformers.js's processor.
 */
export type ImageResize = 'pil' | 'transformers';

/** Every {@link ImageResize}. */
export const IMAGE_RESIZES: readonly ImageResize[] = ['pil', 'transformers'];

/** A model's image processor, reduced to what the explainers need. */
export interface ImagePreprocessor {
  /** Resize, rescale and normalise as the model's preprocessor_config.json says. */
  process(image: RawImage): Promise<PixelTensor>;
  /** `image_mean` / `image_std` (to undo the normalisation when drawing), when the processor normalises. */
  readonly normalization: { mean: number[]; std: number[] } | undefined;
  /** Target size, when the config gives a fixed one. */
  readonly size: { height: number; width: number } | undefined;
  /**
   * The resize actually used: `'pil'` only when it was asked for AND the processor is one whose
   * Python steps are reproduced (see {@link pilPreprocessPlan}); otherwise `'transformers'`.
   */
  readonly resize?: ImageResize;
}

/** Options of {@link loadImagePreprocessor}. */
export interface ImagePreprocessorOptions extends LoadOptions {
  /**
   * `'pil'` (default): bit-identical to Hugging Face's Python (PIL) processors where the
   * processor type is supported, else transformers.js's. `'transformers'`: always
   * transformers.js's processor.
   */
  resize?: ImageResize;
}

/** The parts of transformers.js's `ImageProcessor` used here. */
interface TfImageProcessor {
  (images: RawImage): Promise<{ pixel_values: { data: unknown; dims: number[] } }>;
  image_mean?: number | number[];
  image_std?: number | number[];
  do_normalize?: boolean;
  size?: unknown;
  /** The preprocessor_config.json it was built from. */
  config?: Record<string, unknown>;
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
 * Loads the image processor of a model (its `preprocessor_config.json`) with transformers.js,
 * and by default replaces its resize / rescale / normalise by Python's exact steps (see
 * {@link ImagePreprocessorOptions.resize}).
 *
 * @throws {InputError} (`code: 'model-not-found'`) when the model has no preprocessor_config.json.
 * @throws {ModelError} (`code: 'wrong-model-kind'`) when the processor has no image part.
 *
 * @example
 * ```ts
 * const pre = await loadImagePreprocessor('./models/vit', { localOnly: true });
 * const { data, dims } = await pre.process(await readImage('cat.png'));
 * pre.resize; // 'pil': data equals the Python processor's pixel_values bit for bit
 * const js = await loadImagePreprocessor('./models/vit', { localOnly: true, resize: 'transformers' });
 * ```
 */
export async function loadImagePreprocessor(modelIdOrPath: string, options: ImagePreprocessorOptions = {}): Promise<ImagePreprocessor> {
  const { resize = 'pil', ...loadOptions } = options;
  if (resize !== 'pil' && resize !== 'transformers') {
    throw new InputError(`resize must be 'pil' or 'transformers', got ${JSON.stringify(resize)}.`, { code: 'bad-resize' });
  }
  const processor = (await loadAutoProcessor(modelIdOrPath, loadOptions)) as { image_processor?: TfImageProcessor };
  const ip = processor.image_processor;
  if (typeof ip !== 'function') {
    throw new ModelError(`The processor of "${modelIdOrPath}" has no image processor, so this is not an image model. Use an image-classification model (its folder has a preprocessor_config.json with an image_processor_type).`, {
      code: 'wrong-model-kind',
    });
  }
  const plan = resize === 'pil' && ip.config ? pilPreprocessPlan(ip.config) : undefined;
  if (plan) {
    return {
      normalization: plan.normalize ? { mean: [...plan.normalize.mean], std: [...plan.normalize.std] } : undefined,
      size: planOutputSize(plan),
      resize: 'pil',
      async process(image: RawImage): Promise<PixelTensor> {
        try {
          return pilPreprocess(image, plan);
        } catch (cause) {
          throw processingError(image, cause);
        }
      },
    };
  }
  const mean = toTriple(ip.image_mean);
  const std = toTriple(ip.image_std);
  return {
    normalization: ip.do_normalize !== false && mean && std ? { mean, std } : undefined,
    size: fixedSize(ip.size),
    resize: 'transformers',
    async process(image: RawImage): Promise<PixelTensor> {
      let out: Awaited<ReturnType<TfImageProcessor>>;
      try {
        out = await ip(image);
      } catch (cause) {
        throw processingError(image, cause);
      }
      const pv = out.pixel_values;
      return { data: pv.data instanceof Float32Array ? pv.data : Float32Array.from(pv.data as ArrayLike<number>), dims: [...pv.dims] };
    },
  };
}

function processingError(image: RawImageLike, cause: unknown): InputError {
  return new InputError(`The image processor could not process this ${image.width}x${image.height} image with ${image.channels} channel(s): ${cause instanceof Error ? cause.message : String(cause)}.`, {
    code: 'unreadable-image',
    cause,
  });
}
