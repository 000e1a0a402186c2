/**
 * Image attribution visualisations to RGBA pixels, after captum's `visualize_image_attr`
 * as transformers-interpret drives it (`ImageClassificationExplainer.visualize`).
 *
 * @module
 */
import { InputError } from '../errors.js';
import type { ImageClassificationResult } from '../types.js';
import { type Colormap, blues, gray, greens, rdWhGn, reds, writeColor } from './colormap.js';
import { type ImageSign, channelSum, normalizeImageAttributions, parseImageSign } from './image-normalize.js';
import { type PixelNormalization, type RgbaImage, createRgba, pixelValuesToRgba, resizeRgba, sideBySide } from './rgba.js';

/**
 * How to draw the attributions. `overlay` is transformers-interpret's name for captum's
 * `blended_heat_map`; both are accepted.
 */
export type ImageMethod = 'heatmap' | 'overlay' | 'blended_heat_map' | 'masked_image' | 'alpha_scaling';

/** All method names, for UIs and validation. */
export const IMAGE_METHODS: readonly ImageMethod[] = ['heatmap', 'overlay', 'masked_image', 'alpha_scaling'];
/** All sign names, for UIs and validation. */
export const IMAGE_SIGNS: readonly ImageSign[] = ['all', 'positive', 'negative', 'absolute'];

/** Options of {@link visualizeImage}; defaults are transformers-interpret's `visualize()` defaults. */
export interface ImageVizOptions {
  /** Default `overlay`. */
  method?: ImageMethod;
  /** Default `all`. */
  sign?: ImageSign | 'absolute_value';
  /**
   * Percent of the total |attribution| treated as outliers (captum's `outlier_perc`).
   * Default 10, i.e. transformers-interpret's `outlier_threshold=0.1`.
   */
  outlierPerc?: number;
  /** Alpha of the heat map over the gray image for `overlay`. Default 0.5. */
  alphaOverlay?: number;
  /** Return the original image and the visualisation next to each other. Default false. */
  sideBySide?: boolean;
  /** Transparent pixels between the two side-by-side panels. Default 0. */
  sideBySideGap?: number;
  /**
   * The unprocessed image (any size; resized to the attribution size). Used when
   * `useOriginalImagePixels` is true (the default), as transformers-interpret does.
   */
  originalImage?: RgbaImage;
  /** Default true: prefer `originalImage` over the model input `pixelValues`. */
  useOriginalImagePixels?: boolean;
  /** The model input [1, 3, H, W], used when there is no original image (or it is not wanted). */
  pixelValues?: ArrayLike<number>;
  /** Undo the processor's normalisation when drawing `pixelValues` (otherwise captum's clipping applies). */
  pixelNormalization?: PixelNormalization;
  /** Overrides the colour map chosen by sign. */
  colormap?: Colormap;
  /** Called with each warning (also returned in `warnings`). */
  onWarning?: (message: string) => void;
}

/** What {@link visualizeImage} returns. */
export interface ImageVisualization {
  /** The picture: the visualisation, or original + visualisation when side by side. */
  image: RgbaImage;
  /** The visualisation panel alone. */
  panel: RgbaImage;
  /** The background image used (RGBA, attribution size), when there was one. */
  original: RgbaImage | undefined;
  /** Normalised [H, W] map that was drawn. */
  normalized: Float64Array;
  /** Threshold the map was divided by. */
  threshold: number;
  /** Method actually used (`blended_heat_map` is reported as `overlay`). */
  method: Exclude<ImageMethod, 'blended_heat_map'>;
  /** Sign actually used (after the `all` fallback for masked_image / alpha_scaling). */
  sign: ImageSign;
  /** Colour map and its domain, when the method draws a heat map (for a colour bar). */
  colorScale: { colormap: Colormap; vmin: number; vmax: number } | undefined;
  warnings: string[];
}

/**
 * captum's default colour map and domain for a sign: red-white-green over [-1, 1] for `all`,
 * Greens / Reds / Blues over [0, 1] for positive / negative / absolute.
 *
 * @example
 * ```ts
 * const { colormap, vmin, vmax } = colormapForSign('positive'); // Greens, 0, 1
 * ```
 */
export function colormapForSign(sign: ImageSign): { colormap: Colormap; vmin: number; vmax: number } {
  switch (sign) {
    case 'all':
      return { colormap: rdWhGn(), vmin: -1, vmax: 1 };
    case 'positive':
      return { colormap: greens(), vmin: 0, vmax: 1 };
    case 'negative':
      return { colormap: reds(), vmin: 0, vmax: 1 };
    case 'absolute':
      return { colormap: blues(), vmin: 0, vmax: 1 };
  }
}

/**
 * The heat map alone: each normalised value through the colour map.
 *
 * @example
 * ```ts
 * const img = heatmapPixels(values, 224, 224, greens(), 0, 1);
 * ```
 */
export function heatmapPixels(values: ArrayLike<number>, width: number, height: number, colormap: Colormap, vmin: number, vmax: number): RgbaImage {
  const out = createRgba(width, height);
  for (let i = 0; i < width * height; i++) writeColor(colormap, values[i] ?? 0, vmin, vmax, out.data, i * 4);
  return out;
}

/**
 * The gray version of an image as captum draws it under a blended heat map: the channel
 * mean, through matplotlib's "gray" map with its range stretched to the image's min..max.
 *
 * @example
 * ```ts
 * const g = grayscalePixels(photo);
 * ```
 */
export function grayscalePixels(image: RgbaImage): RgbaImage {
  const n = image.width * image.height;
  const mean = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const m = ((image.data[i * 4] ?? 0) + (image.data[i * 4 + 1] ?? 0) + (image.data[i * 4 + 2] ?? 0)) / 3;
    mean[i] = m;
    if (m < min) min = m;
    if (m > max) max = m;
  }
  return heatmapPixels(mean, image.width, image.height, gray(), min, max);
}

/**
 * `alpha * top + (1 - alpha) * bottom` per colour channel, opaque result (a heat map drawn
 * at `alpha` over an opaque image).
 *
 * @example
 * ```ts
 * const blended = blendPixels(heat, grayscalePixels(photo), 0.5);
 * ```
 */
export function blendPixels(top: RgbaImage, bottom: RgbaImage, alpha: number): RgbaImage {
  const out = createRgba(top.width, top.height);
  for (let i = 0; i < top.width * top.height; i++) {
    for (let c = 0; c < 3; c++) {
      out.data[i * 4 + c] = Math.round(alpha * (top.data[i * 4 + c] ?? 0) + (1 - alpha) * (bottom.data[i * 4 + c] ?? 0));
    }
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * captum's `masked_image`: every colour channel multiplied by the normalised map, truncated.
 *
 * @example
 * ```ts
 * const masked = maskedPixels(photo, values);
 * ```
 */
export function maskedPixels(image: RgbaImage, values: ArrayLike<number>): RgbaImage {
  const out = createRgba(image.width, image.height);
  for (let i = 0; i < image.width * image.height; i++) {
    const v = values[i] ?? 0;
    for (let c = 0; c < 3; c++) out.data[i * 4 + c] = Math.max(0, Math.min(255, Math.trunc((image.data[i * 4 + c] ?? 0) * v)));
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * captum's `alpha_scaling`: the image with its alpha channel set to `trunc(255 * value)`.
 *
 * @example
 * ```ts
 * const faded = alphaScaledPixels(photo, values);
 * ```
 */
export function alphaScaledPixels(image: RgbaImage, values: ArrayLike<number>): RgbaImage {
  const out = createRgba(image.width, image.height);
  for (let i = 0; i < image.width * image.height; i++) {
    out.data[i * 4] = image.data[i * 4] ?? 0;
    out.data[i * 4 + 1] = image.data[i * 4 + 1] ?? 0;
    out.data[i * 4 + 2] = image.data[i * 4 + 2] ?? 0;
    out.data[i * 4 + 3] = Math.max(0, Math.min(255, Math.trunc((values[i] ?? 0) * 255)));
  }
  return out;
}

function backgroundImage(width: number, height: number, shape: readonly number[], options: ImageVizOptions): RgbaImage | undefined {
  const useOriginal = options.useOriginalImagePixels ?? true;
  if (useOriginal && options.originalImage) return resizeRgba(options.originalImage, width, height);
  if (options.pixelValues) return pixelValuesToRgba(options.pixelValues, shape, options.pixelNormalization);
  if (options.originalImage) return resizeRgba(options.originalImage, width, height);
  return undefined;
}

/**
 * Draws image attributions ([1, 3, H, W]) as RGBA pixels with one of captum's methods.
 *
 * Steps: channel sum -> sign selection and outlier-threshold scaling ({@link normalizeImageAttributions})
 * -> the method. `masked_image` and `alpha_scaling` cannot show signed values, so sign `all`
 * falls back to `positive` with a warning (as transformers-interpret does). Every method
 * except `heatmap` needs a background image (`originalImage` or `pixelValues`).
 *
 * @example
 * ```ts
 * const viz = visualizeImage(result.attributions, result.shape, {
 *   method: 'overlay', sign: 'all', outlierPerc: 10, pixelValues: result.pixelValues,
 * });
 * ctx.putImageData(new ImageData(viz.image.data, viz.image.width, viz.image.height), 0, 0);
 * ```
 */
export function visualizeImage(attributions: ArrayLike<number>, shape: readonly number[], options: ImageVizOptions = {}): ImageVisualization {
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  const requested = options.method ?? 'overlay';
  const method = requested === 'blended_heat_map' ? 'overlay' : requested;
  if (!['heatmap', 'overlay', 'masked_image', 'alpha_scaling'].includes(method)) {
    throw new InputError(`method must be one of ${IMAGE_METHODS.join(', ')}; got ${String(requested)}`, { code: 'invalid-viz-method' });
  }
  let sign = parseImageSign(options.sign ?? 'all');
  if (sign === 'all' && (method === 'masked_image' || method === 'alpha_scaling')) {
    warn(`sign 'all' is not supported for method '${method}' (signed values cannot be shown as a mask); using 'positive'.`);
    sign = 'positive';
  }
  const h = shape[shape.length - 2] ?? 0;
  const w = shape[shape.length - 1] ?? 0;
  const outlierPerc = Math.min(options.outlierPerc ?? 10, 100);
  const { values, threshold } = normalizeImageAttributions(channelSum(attributions, shape), sign, outlierPerc);
  if (threshold === 0) warn(`no ${sign === 'all' ? '' : sign + ' '}attributions to show: the map is all zero.`);
  else if (Math.abs(threshold) < 1e-5) warn('normalising by a value close to 0: attributions are all near zero and the picture may mislead.');

  const background = backgroundImage(w, h, shape, options);
  if (!background && method !== 'heatmap') throw new InputError(`method '${method}' needs the image: pass originalImage or pixelValues`, { code: 'missing-image' });

  const byS = colormapForSign(sign);
  const colorScale = { ...byS, colormap: options.colormap ?? byS.colormap };
  let panel: RgbaImage;
  switch (method) {
    case 'heatmap':
      panel = heatmapPixels(values, w, h, colorScale.colormap, colorScale.vmin, colorScale.vmax);
      break;
    case 'overlay':
      panel = blendPixels(
        heatmapPixels(values, w, h, colorScale.colormap, colorScale.vmin, colorScale.vmax),
        grayscalePixels(background as RgbaImage),
        options.alphaOverlay ?? 0.5,
      );
      break;
    case 'masked_image':
      panel = maskedPixels(background as RgbaImage, values);
      break;
    case 'alpha_scaling':
      panel = alphaScaledPixels(background as RgbaImage, values);
      break;
  }
  const showSide = (options.sideBySide ?? false) && background !== undefined;
  if ((options.sideBySide ?? false) && !background) warn('side by side needs the image: pass originalImage or pixelValues.');
  return {
    image: showSide ? sideBySide([background as RgbaImage, panel], options.sideBySideGap ?? 0) : panel,
    panel,
    original: background,
    normalized: values,
    threshold,
    method,
    sign,
    colorScale: method === 'heatmap' || method === 'overlay' ? colorScale : undefined,
    warnings,
  };
}

/**
 * {@link visualizeImage} for a result object (uses its `pixelValues` when present).
 *
 * @example
 * ```ts
 * const { image } = visualizeImageResult(result, { method: 'heatmap', sign: 'positive' });
 * ```
 */
export function visualizeImageResult(result: ImageClassificationResult, options: ImageVizOptions = {}): ImageVisualization {
  return visualizeImage(result.attributions, result.shape, { pixelValues: result.pixelValues, ...options });
}
