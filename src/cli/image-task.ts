/**
 * `gradscope explain --task image-classification`: its flags, their checks, the explanation
 * and the optional PNG (`--png-out`) drawn with `src/viz`.
 */
import type { Algorithm } from '../attribution/gradient-methods.js';
import { stat } from 'node:fs/promises';
import type { IntegrationMethod } from '../attribution/quadrature.js';
import { isNoiseTunnelType, NOISE_TUNNEL_TYPES, type NoiseTunnelType } from '../attribution/noise-tunnel.js';
import { InputError } from '../errors.js';
import { ImageClassificationExplainer, type ImageExplainOptions } from '../explainers/image/image-classification.js';
import { rawImageToRgba, readImage } from '../explainers/image/read-image.js';
import type { Device } from '../runtime/ort.js';
import type { ImageClassificationResult } from '../types.js';
import { IMAGE_SIGNS, visualizeImage, type ImageMethod, type ImageVizOptions } from '../viz/image.js';
import type { ImageSign } from '../viz/image-normalize.js';
import { encodePng } from '../viz/png.js';
import type { ModelDtype } from '../runtime/model-files.js';
import { writeOutput } from './output-path.js';

/** Help text of the image flags. */
export const IMAGE_USAGE = `Image input:  --image PATH [--attribution-type IG|IGNT] [--nt-type smoothgrad|smoothgrad_sq|vargrad]
              [--nt-samples N] [--stdevs S] [--n-steps-noise-tunnel N] [--seed N]
Image output: [--png-out FILE] [--viz-method heatmap|blended_heat_map|masked_image|alpha_scaling]
              [--sign all|positive|negative|absolute] [--outlier-threshold 0.1] [--side-by-side]`;

/** `node:util` parseArgs specs of the image flags (spread into the CLI's option table). */
export const IMAGE_CLI_OPTIONS = {
  image: { type: 'string' },
  'attribution-type': { type: 'string' },
  'nt-type': { type: 'string' },
  'nt-samples': { type: 'string' },
  stdevs: { type: 'string' },
  'n-steps-noise-tunnel': { type: 'string' },
  seed: { type: 'string' },
  'png-out': { type: 'string' },
  'viz-method': { type: 'string' },
  sign: { type: 'string' },
  'outlier-threshold': { type: 'string' },
  'side-by-side': { type: 'boolean' },
} as const;

/** Raw values of the image flags as parseArgs returns them. */
export interface ImageCliValues {
  image?: string | undefined;
  'attribution-type'?: string | undefined;
  'nt-type'?: string | undefined;
  'nt-samples'?: string | undefined;
  stdevs?: string | undefined;
  'n-steps-noise-tunnel'?: string | undefined;
  seed?: string | undefined;
  'png-out'?: string | undefined;
  'viz-method'?: string | undefined;
  sign?: string | undefined;
  'outlier-threshold'?: string | undefined;
  'side-by-side'?: boolean | undefined;
}

/** Checked image options. */
export interface ImageCliOptions {
  image?: string | undefined;
  attributionType?: 'IG' | 'IGNT' | undefined;
  ntType?: NoiseTunnelType | undefined;
  ntSamples?: number | undefined;
  stdevs?: number | undefined;
  nStepsNoiseTunnel?: number | undefined;
  seed?: number | undefined;
  pngOut?: string | undefined;
  vizMethod: ImageMethod;
  sign: ImageSign;
  /** transformers-interpret's `outlier_threshold` (fraction): captum's outlier_perc = 100 x this. */
  outlierThreshold: number;
  sideBySide: boolean;
}

const VIZ_METHODS: readonly ImageMethod[] = ['heatmap', 'blended_heat_map', 'overlay', 'masked_image', 'alpha_scaling'];

function int(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isSafeInteger(n)) throw new InputError(`--${flag} must be an integer, got "${v}".`, { code: 'bad-option' });
  return n;
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InputError(`--${flag} must be a number, got "${v}".`, { code: 'bad-option' });
  return n;
}

/**
 * Checks the image flags.
 *
 * @example
 * parseImageCliOptions({ image: 'cat.png', 'attribution-type': 'IG' });
 */
export function parseImageCliOptions(v: ImageCliValues): ImageCliOptions {
  const type = v['attribution-type'];
  if (type !== undefined && type !== 'IG' && type !== 'IGNT') throw new InputError(`--attribution-type must be IG or IGNT, got "${type}".`, { code: 'bad-attribution-type' });
  const ntType = v['nt-type'];
  if (ntType !== undefined && !isNoiseTunnelType(ntType)) throw new InputError(`--nt-type must be one of ${NOISE_TUNNEL_TYPES.join(', ')}, got "${ntType}".`, { code: 'bad-nt-type' });
  const method = v['viz-method'] ?? 'blended_heat_map';
  if (!(VIZ_METHODS as readonly string[]).includes(method)) throw new InputError(`--viz-method must be one of heatmap, blended_heat_map, masked_image, alpha_scaling, got "${method}".`, { code: 'bad-option' });
  const sign = v.sign ?? 'all';
  if (!(IMAGE_SIGNS as readonly string[]).includes(sign)) throw new InputError(`--sign must be one of ${IMAGE_SIGNS.join(', ')}, got "${sign}".`, { code: 'bad-option' });
  const outlier = num('outlier-threshold', v['outlier-threshold']) ?? 0.1;
  if (outlier < 0 || outlier > 1) throw new InputError(`--outlier-threshold is a fraction in [0, 1] (0.1 = 10% outliers), got ${outlier}.`, { code: 'bad-option' });
  return {
    image: v.image,
    attributionType: type,
    ntType,
    ntSamples: int('nt-samples', v['nt-samples']),
    stdevs: num('stdevs', v.stdevs),
    nStepsNoiseTunnel: int('n-steps-noise-tunnel', v['n-steps-noise-tunnel']),
    seed: int('seed', v.seed),
    pngOut: v['png-out'],
    vizMethod: method as ImageMethod,
    sign: sign as ImageSign,
    outlierThreshold: outlier,
    sideBySide: v['side-by-side'] ?? false,
  };
}

/** The largest `--image` file read (a 16k x 16k PNG is far below it). */
const MAX_IMAGE_BYTES = 256 * 1024 ** 2;

/**
 * `--image` must be a regular file under {@link MAX_IMAGE_BYTES}: a link to `/dev/zero` would
 * otherwise be read forever. Checked before the model loads.
 */
async function assertImageFile(file: string): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(file);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    throw new InputError(`--image ${file} ${code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? String(cause)})`}. Pass the path of a PNG, JPEG, WebP or GIF file.`, { code: 'image-not-found', cause });
  }
  if (!st.isFile()) throw new InputError(`--image ${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file (a device, FIFO or socket)'}. Pass the path of a PNG, JPEG, WebP or GIF file.`, { code: 'not-a-regular-file' });
  if (st.size > MAX_IMAGE_BYTES) throw new InputError(`--image ${file} has ${Math.round(st.size / 1024 ** 2)} MiB, over the cap of 256 MiB. Pass a smaller image.`, { code: 'image-too-large' });
}

/** The options of the whole command line that the image task reads. */
export interface ImageTaskInput {
  model: string;
  device: string;
  localOnly: boolean;
  dtype?: ModelDtype | undefined;
  index?: number | undefined;
  className?: string | undefined;
  nSteps?: number | 'auto' | undefined;
  tolerance?: number | undefined;
  internalBatchSize?: number | undefined;
  method?: string | undefined;
  image?: ImageCliOptions | undefined;
  algorithm?: string | undefined;
  /** `--smoothgrad-samples`, `--smoothgrad-noise` (validated by the explainer). */
  smoothGradSamples?: number | undefined;
  smoothGradNoise?: number | undefined;
  evaluate?: boolean | undefined;
}

/**
 * Explains `--image` and writes `--png-out` when asked. The PNG, like transformers-interpret's
 * `visualize()`, draws over the original image resized to the attribution size.
 *
 * @example
 * const { result } = await runImageTask({ model: './models/vit', device: 'cpu', localOnly: true, image: parseImageCliOptions({ image: 'cat.png', 'png-out': 'cat-ig.png' }) });
 */
export async function runImageTask(o: ImageTaskInput): Promise<{ result: ImageClassificationResult; html: () => Promise<string> }> {
  const img = o.image ?? parseImageCliOptions({});
  if (img.image === undefined || img.image === '') throw new InputError('--image is required for --task image-classification.', { code: 'missing-option' });
  await assertImageFile(img.image);
  const ex = await ImageClassificationExplainer.fromPretrained(o.model, { device: o.device as Device, localOnly: o.localOnly, ...(o.dtype ? { dtype: o.dtype } : {}) });
  const raw = await readImage(img.image);
  const opts: ImageExplainOptions = {};
  if (img.attributionType !== undefined) opts.attributionType = img.attributionType;
  if (img.ntType !== undefined) opts.ntType = img.ntType;
  if (img.ntSamples !== undefined) opts.ntSamples = img.ntSamples;
  if (img.stdevs !== undefined) opts.stdevs = img.stdevs;
  if (img.nStepsNoiseTunnel !== undefined) opts.nStepsNoiseTunnel = img.nStepsNoiseTunnel;
  if (img.seed !== undefined) opts.seed = img.seed;
  if (o.index !== undefined) opts.index = o.index;
  if (o.className !== undefined) opts.className = o.className;
  if (o.nSteps !== undefined) opts.nSteps = o.nSteps;
  if (o.tolerance !== undefined) opts.tolerance = o.tolerance;
  if (o.internalBatchSize !== undefined) opts.internalBatchSize = o.internalBatchSize;
  if (o.method !== undefined) opts.method = o.method as IntegrationMethod;
  if (o.algorithm !== undefined) opts.algorithm = o.algorithm as Algorithm;
  if (o.smoothGradSamples !== undefined) opts.smoothGradSamples = o.smoothGradSamples;
  if (o.smoothGradNoise !== undefined) opts.smoothGradNoise = o.smoothGradNoise;
  if (o.evaluate) opts.evaluate = true;
  const result = await ex.explain(raw, opts);

  const viz: ImageVizOptions = {
    method: img.vizMethod,
    sign: img.sign,
    outlierPerc: Math.min(img.outlierThreshold * 100, 100),
    sideBySide: img.sideBySide,
    originalImage: rawImageToRgba(raw),
    ...(ex.pixelNormalization ? { pixelNormalization: ex.pixelNormalization } : {}),
    onWarning: (m) => process.stderr.write(`gradscope: ${m}\n`),
  };
  if (img.pngOut) await writeOutput(img.pngOut, '--png-out', encodePng(visualizeImage(result.attributions, result.shape, viz).image));
  return { result, html: () => ex.visualize(undefined, { result, image: viz }) };
}
