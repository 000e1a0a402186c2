/**
 * Python-exact preprocessing: the steps and float32 arithmetic of Hugging Face's PIL-based
 * ("slow") image processors, for the processor classes listed in {@link pilPreprocessPlan},
 * on top of the Pillow-exact resize of `pil-resize.ts`.
 *
 * @module
 */
import { PilResample, pilResize, type PilResampleFilter, type Uint8Image } from './pil-resize.js';
import { expandChannels } from './channels.js';
import type { PixelTensor, RawImageLike } from './preprocess.js';

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
export function planOutputSize(plan: PilPreprocessPlan): { height: number; width: number } | undefined {
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
