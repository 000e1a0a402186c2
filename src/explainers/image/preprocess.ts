/**
 * Images in, `pixel_values` out: reading an image from whatever the platform offers (a URL,
 * Blob, `<img>`, ImageBitmap or canvas in the browser; a file path or encoded bytes in Node)
 * and preprocessing it as the model's `preprocessor_config.json` says (resize, crop, rescale,
 * normalise).
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
 * Only a file path needs Node (`fs`); everything else works in both.
 *
 * @module
 */
import type { RawImage } from '@huggingface/transformers';
import { InputError, ModelError } from '../../errors.js';
import type { RgbaImage } from '../../viz/rgba.js';
import { PilResample, pilResize, type PilResampleFilter, type Uint8Image } from './pil-resize.js';
import { isNode, nodeImport } from '../../runtime/platform.js';
import { loadAutoProcessor, loadTransformers, type LoadOptions } from '../../runtime/transformers.js';

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

// ---------------------------------------------------------------------------------------------
// Python-exact preprocessing (Hugging Face's PIL-based "slow" image processors).

/**
 * What a Hugging Face image processor does to one image, in order: convert to RGB, resize with
 * PIL, center-crop (integer slicing), rescale, normalise.
 */
export interface PilPreprocessPlan {
  /** Resize target: a fixed size, or the shorter side (the longer one keeps the aspect ratio, truncated). */
  resize: { height: number; width: number } | { shortestEdge: number } | undefined;
  /** PIL filter of the resize. */
  resample: PilResampleFilter;
  /** Center crop after the resize (always inside the resized image). */
  crop: { height: number; width: number } | undefined;
  /** `x * rescaleFactor` (float64, then stored as float32), when the processor rescales. */
  rescaleFactor: number | undefined;
  /** `(x - mean) / std` in float32, per channel, when the processor normalises. */
  normalize: { mean: number[]; std: number[] } | undefined;
}

const IMAGENET_DEFAULT = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const IMAGENET_STANDARD = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
const OPENAI_CLIP = { mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] };

/** How one Python processor class reads its config, with its constructor defaults. */
interface ProcessorRules {
  /** What an integer `size` means: a square, or the shorter side. */
  intSize: 'square' | 'shortest-edge';
  size: { height: number; width: number } | { shortestEdge: number };
  resample: PilResampleFilter;
  /** Center-crop default size, `undefined` for classes without a crop step. */
  crop: { height: number; width: number; byDefault: boolean } | undefined;
  stats: { mean: number[]; std: number[] };
  /** ConvNeXt: crop through `crop_pct` below 384 pixels, warp to a square at 384 and above. */
  cropPct?: true;
}

const VIT: ProcessorRules = { intSize: 'square', size: { height: 224, width: 224 }, resample: PilResample.BILINEAR, crop: undefined, stats: IMAGENET_STANDARD };
const DEIT: ProcessorRules = { intSize: 'square', size: { height: 256, width: 256 }, resample: PilResample.BICUBIC, crop: { height: 224, width: 224, byDefault: true }, stats: IMAGENET_DEFAULT };
const BEIT: ProcessorRules = { ...DEIT, stats: IMAGENET_STANDARD };
const CLIP: ProcessorRules = { intSize: 'shortest-edge', size: { shortestEdge: 224 }, resample: PilResample.BICUBIC, crop: { height: 224, width: 224, byDefault: true }, stats: OPENAI_CLIP };
const CONVNEXT: ProcessorRules = { intSize: 'shortest-edge', size: { shortestEdge: 384 }, resample: PilResample.BILINEAR, crop: undefined, stats: IMAGENET_DEFAULT, cropPct: true };

/**
 * Processor classes whose Python `preprocess` is only convert -> PIL resize -> crop -> rescale ->
 * normalise (the `...FeatureExtractor` names are deprecated aliases of the same classes).
 * Swin and ViT-hybrid checkpoints use ViTImageProcessor; ResNet, RegNet and ConvNeXt use
 * ConvNextImageProcessor; DINOv2 uses BitImageProcessor. Anything else (the torchvision-based
 * `...Fast` processors included) keeps transformers.js's path.
 */
const PIL_PROCESSORS: Record<string, ProcessorRules> = {
  ViTImageProcessor: VIT,
  ViTFeatureExtractor: VIT,
  DeiTImageProcessor: DEIT,
  DeiTFeatureExtractor: DEIT,
  BeitImageProcessor: BEIT,
  BeitFeatureExtractor: BEIT,
  CLIPImageProcessor: CLIP,
  CLIPFeatureExtractor: CLIP,
  BitImageProcessor: CLIP,
  ConvNextImageProcessor: CONVNEXT,
  ConvNextFeatureExtractor: CONVNEXT,
};

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** A `size` / `crop_size` entry as HF's `get_size_dict` reads it; `null` = present but unsupported. */
function readSize(v: unknown, intSize: 'square' | 'shortest-edge'): { height: number; width: number } | { shortestEdge: number } | null | undefined {
  if (v === undefined || v === null) return undefined;
  if (isPositiveInt(v)) return intSize === 'square' ? { height: v, width: v } : { shortestEdge: v };
  if (typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (isPositiveInt(o.height) && isPositiveInt(o.width)) return { height: o.height, width: o.width };
  // `longest_edge` caps the long side (a different resize): not reproduced.
  if (isPositiveInt(o.shortest_edge) && o.longest_edge === undefined) return { shortestEdge: o.shortest_edge };
  return null;
}

function readStats(v: unknown, fallback: number[]): number[] | undefined {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return [v, v, v];
  if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number')) return v as number[];
  return undefined;
}

/**
 * The Python preprocessing of a `preprocessor_config.json`, when gradscope reproduces it
 * exactly: the processor type is a PIL-based one it knows (ViT, DeiT, BEiT, CLIP, BiT,
 * ConvNeXt image processors), the size is a fixed size or a shortest edge without cap, and the
 * center crop (if any) lies inside the resized image. `undefined` otherwise.
 *
 * @example
 * ```ts
 * pilPreprocessPlan({ image_processor_type: 'ViTImageProcessor', size: { height: 224, width: 224 }, resample: 2,
 *   do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] });
 * // { resize: { height: 224, width: 224 }, resample: 2, crop: undefined, rescaleFactor: 0.00392..., normalize: {...} }
 * ```
 */
export function pilPreprocessPlan(config: Record<string, unknown>): PilPreprocessPlan | undefined {
  const type = config.image_processor_type ?? config.feature_extractor_type;
  const rules = typeof type === 'string' ? PIL_PROCESSORS[type] : undefined;
  if (!rules) return undefined;
  const resample = config.resample ?? rules.resample;
  if (typeof resample !== 'number' || !Number.isInteger(resample) || resample < 0 || resample > 5) return undefined;

  let resize: PilPreprocessPlan['resize'];
  let crop: PilPreprocessPlan['crop'];
  const givenSize = readSize(config.size, rules.intSize);
  if (givenSize === null) return undefined;
  const size = givenSize ?? rules.size;
  const doResize = config.do_resize ?? true;
  if (rules.cropPct) {
    if (!('shortestEdge' in size)) return undefined;
    const s = size.shortestEdge;
    if (s < 384) {
      // Resize the short side to s / crop_pct (truncated), then crop an s x s centre.
      const cropPct = config.crop_pct ?? 224 / 256;
      if (typeof cropPct !== 'number' || !(cropPct > 0 && cropPct <= 1)) return undefined;
      resize = { shortestEdge: Math.trunc(s / cropPct) };
      crop = { height: s, width: s };
    } else {
      resize = { height: s, width: s };
    }
    if (doResize !== true) return undefined; // the crop is part of ConvNeXt's resize step
  } else {
    resize = doResize === true ? size : undefined;
    if (rules.crop && (config.do_center_crop ?? rules.crop.byDefault) === true) {
      const givenCrop = readSize(config.crop_size, 'square');
      if (givenCrop === null) return undefined;
      const c = givenCrop ?? rules.crop;
      if (!('height' in c)) return undefined;
      crop = { height: c.height, width: c.width };
    }
  }
  // Python pads an image smaller than the crop with zeros; only crops that fit whatever the
  // input (the resize guarantees the size) are reproduced.
  if (crop) {
    if (!resize) return undefined;
    const fits = 'shortestEdge' in resize ? crop.height <= resize.shortestEdge && crop.width <= resize.shortestEdge : crop.height <= resize.height && crop.width <= resize.width;
    if (!fits) return undefined;
  }

  let rescaleFactor: number | undefined;
  if ((config.do_rescale ?? true) === true) {
    const f = config.rescale_factor ?? 1 / 255;
    if (typeof f !== 'number') return undefined;
    rescaleFactor = f;
  }
  let normalize: PilPreprocessPlan['normalize'];
  if ((config.do_normalize ?? true) === true) {
    const mean = readStats(config.image_mean, rules.stats.mean);
    const std = readStats(config.image_std, rules.stats.std);
    if (!mean || !std) return undefined;
    normalize = { mean, std };
  }
  return { resize, resample: resample as PilResampleFilter, crop, rescaleFactor, normalize };
}

/** The fixed output size of a plan, when it has one (a crop, or a fixed resize). */
function planOutputSize(plan: PilPreprocessPlan): { height: number; width: number } | undefined {
  if (plan.crop) return { ...plan.crop };
  if (plan.resize && 'height' in plan.resize) return { height: plan.resize.height, width: plan.resize.width };
  return undefined;
}

/** PIL's `convert('RGB')`: grey is repeated, alpha dropped (not composited). */
function toRgb(image: RawImageLike): Uint8Image {
  const { width, height, channels, data } = image;
  if (channels === 3) return { data, width, height, channels: 3 };
  return { data: expandChannels(image, new Uint8Array(width * height * 3), 3), width, height, channels: 3 };
}

/**
 * HF's `get_resize_output_image_size(..., default_to_square=False)`: the short side becomes
 * `edge`, the long one `int(edge * long / short)` (double arithmetic, truncated).
 */
function shortestEdgeSize(width: number, height: number, edge: number): { height: number; width: number } {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((edge * long) / short);
  return width <= height ? { height: newLong, width: edge } : { height: edge, width: newLong };
}

/**
 * Preprocesses one image exactly as the Python processor described by `plan`: RGB, PIL resize
 * to uint8, integer center crop, then `float32(x * rescale)` and `float32((x - mean) / std)`
 * with float32 mean / std, as numpy does. Output `[1, 3, H, W]`.
 *
 * @example
 * ```ts
 * const plan = pilPreprocessPlan(config)!;
 * const { data, dims } = pilPreprocess(await readImage('cat.png'), plan); // dims [1, 3, 224, 224]
 * ```
 */
export function pilPreprocess(image: RawImageLike, plan: PilPreprocessPlan): PixelTensor {
  let img = toRgb(image);
  if (plan.resize) {
    const target = 'shortestEdge' in plan.resize ? shortestEdgeSize(img.width, img.height, plan.resize.shortestEdge) : plan.resize;
    img = pilResize(img, target.width, target.height, plan.resample);
  }
  let top = 0;
  let left = 0;
  let { width, height } = img;
  if (plan.crop) {
    // numpy slicing with floor division: an odd margin leaves the extra pixel at the bottom / right.
    top = Math.floor((img.height - plan.crop.height) / 2);
    left = Math.floor((img.width - plan.crop.width) / 2);
    ({ width, height } = plan.crop);
  }
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const f = plan.rescaleFactor;
  const norm = plan.normalize;
  // numpy keeps mean / std as float32 arrays of the image's dtype; every op rounds to float32
  // (a float64 op on float32 operands followed by fround gives that same correctly rounded value).
  const mean = norm?.mean.map((m) => Math.fround(m));
  const std = norm?.std.map((s) => Math.fround(s));
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      const row = ((y + top) * img.width + left) * 3 + c;
      for (let x = 0; x < width; x++) {
        const u = img.data[row + x * 3];
        // rescale: uint8 * Python float is a float64 product, then cast to float32.
        let v = f === undefined ? u : Math.fround(u * f);
        if (mean && std) v = Math.fround(Math.fround(v - mean[c]) / std[c]);
        out[c * plane + y * width + x] = v;
      }
    }
  }
  return { data: out, dims: [1, 3, height, width] };
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
  const { width, height } = image;
  return { width, height, data: expandChannels(image, new Uint8ClampedArray(width * height * 4), 4) };
}

/**
 * Writes 1-4 channel pixels into `out` as RGB (3) or RGBA (4): grey is repeated over RGB, the
 * source alpha (2 or 4 channels) is kept for RGBA, else opaque.
 */
function expandChannels<T extends Uint8Array | Uint8ClampedArray>(image: RawImageLike, out: T, outChannels: 3 | 4): T {
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
