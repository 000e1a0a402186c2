/**
 * What the image explainer takes: its load options, its inputs and its per-call options, and
 * the checks of the noise-tunnel options.
 *
 * @module
 */
import type { Algorithm } from '../../attribution/gradient-methods.js';
import { isNoiseTunnelType, NOISE_TUNNEL_TYPES, type NoiseTunnelType } from '../../attribution/noise-tunnel.js';
import type { IntegrationMethod } from '../../attribution/quadrature.js';
import { checkCount, checkOneOf, COMMON_OPTION_KEYS, LOAD_OPTION_KEYS } from '../core/options.js';
import { InputError } from '../../errors.js';
import type { LoadModelOptions } from '../core/loaded-model.js';
import type { LabelSource } from '../core/target.js';
import type { ImageResize, ImageSource } from './preprocess.js';

/** Most noisy copies an IGNT call may ask for (each is a full integration). */
export const MAX_NT_SAMPLES = 1_000;

/** Most integration steps per noisy copy. */
export const MAX_N_STEPS_NOISE_TUNNEL = 1_000;

/** Largest noise standard deviation, in normalised pixel units (captum's default is 1). */
export const MAX_STDEVS = 1_000;

/** The keys of {@link ImageExplainerInit}. */
export const IMAGE_LOAD_OPTION_KEYS = [...LOAD_OPTION_KEYS, 'resize'] as const;

/** The keys of {@link ImageExplainOptions}. */
export const IMAGE_OPTION_KEYS = [...COMMON_OPTION_KEYS, 'attributionType', 'ntType', 'ntSamples', 'stdevs', 'nStepsNoiseTunnel', 'index', 'className', 'customLabels'] as const;

/** Options given when an image explainer is created. */
export interface ImageExplainerInit extends LoadModelOptions {
  /** Labels replacing config.json's id2label (one per model output). */
  customLabels?: LabelSource;
  /**
   * How images are resized before explaining. `'pil'` (default): exactly as Hugging Face's
   * Python processors (Pillow resampling, float32 rescale / normalise), so an image gives the
   * same pixel_values, and attributions, as transformers-interpret; processors that gradscope
   * does not reproduce fall back to transformers.js. `'transformers'`: transformers.js's
   * processor (sharp / canvas resize; pixel values differ slightly from Python's).
   * `explainer.preprocessor.resize` tells which one is in use.
   */
  resize?: ImageResize;
}

/** The model input itself, e.g. a reference tensor: float32 `[1, C, H, W]` (or `[C, H, W]`), row-major. */
export interface PixelValuesInput {
  pixelValues: Float32Array;
  /** Default `[1, C, H, W]` with C, H, W from the model and its processor config. */
  shape?: readonly number[];
}

/** What {@link ImageClassificationExplainer.explain} accepts: an image ({@link ImageSource}) or ready pixel values. */
export type ImageInput = ImageSource | PixelValuesInput;

/** Options of one image explanation. They apply to this call only. */
export interface ImageExplainOptions {
  /**
   * `'IG'`: integrated gradients with `nSteps` steps. `'IGNT'`: captum's NoiseTunnel around IG
   * (`ntSamples` noisy copies, `nStepsNoiseTunnel` steps each). Default `'IGNT'`, the original's
   * default; pass `'IG'` for a deterministic answer with a convergence delta.
   */
  attributionType?: 'IG' | 'IGNT';
  /** IGNT combination: mean (`smoothgrad`, default), mean of squares, or variance (`vargrad`). */
  ntType?: NoiseTunnelType;
  /** IGNT: number of noisy copies (default 10; 1 to {@link MAX_NT_SAMPLES}). */
  ntSamples?: number;
  /** IGNT: standard deviation of the Gaussian noise, in normalised pixel units (default 1.0, captum's; 0 to {@link MAX_STDEVS}). */
  stdevs?: number;
  /** IGNT: integration steps per noisy copy (default 5; 1 to {@link MAX_N_STEPS_NOISE_TUNNEL}). */
  nStepsNoiseTunnel?: number;
  /** IGNT or SmoothGrad: seed of the noise, for repeatable results. Default: a different draw every call. */
  seed?: number;
  /** Class to explain by index (wins over className). Default: the predicted class. */
  index?: number;
  /**
   * What the attributions are (default 'integrated-gradients'): 'gradient-x-input',
   * 'saliency' (|gradient| per pixel value) or 'smoothgrad' (`smoothGradSamples`,
   * `smoothGradNoise`, `seed`) replace IG and need attributionType 'IG' or unset (IGNT:
   * `algorithm-unsupported`); `nSteps` and `method` do not apply to them.
   */
  algorithm?: Algorithm;
  /** SmoothGrad: noisy samples (1 to 1,000, default 10). */
  smoothGradSamples?: number;
  /** SmoothGrad: noise standard deviation as a fraction of the pixel values' range (>= 0, default 0.1). */
  smoothGradNoise?: number;
  /** Add `faithfulness`: deletion / insertion AOPC over 16x16 patches (forward passes only). */
  evaluate?: boolean;
  /** Class to explain by name. Unknown names are an error listing the valid ones. */
  className?: string;
  /** Labels replacing the explainer's for this call (one per model output). */
  customLabels?: LabelSource;
  /**
   * IG integration steps (default 50; at most 10,000). Not used by IGNT. `'auto'`: Gauss-Legendre counts 3, 5,
   * 8, 13, ... until the attributions, scaled so the largest |value| is 1, are within
   * `tolerance` (see `attribution/auto-steps.ts`); the result's `autoSteps` says how it stopped.
   */
  nSteps?: number | 'auto';
  /** With `nSteps: 'auto'`: the max abs error accepted on the max-scaled attributions (default 1e-3). */
  tolerance?: number;
  /** Rows (path points) per model run; unset: chosen to fit memory. Does not change results. */
  internalBatchSize?: number | null;
  /** Quadrature rule (default 'gausslegendre', as captum). */
  method?: IntegrationMethod;
  signal?: AbortSignal;
  /** Integration progress: rows done out of total. */
  onProgress?: (done: number, total: number) => void;
}

/** The noise-tunnel settings of a call, defaults filled in. */
export interface NoiseTunnelSettings {
  type: NoiseTunnelType;
  samples: number;
  stdevs: number;
  steps: number;
}

/** Checks the IGNT options and fills in captum's defaults. */
export function checkNoiseTunnel(opts: ImageExplainOptions): NoiseTunnelSettings {
  const type = opts.ntType ?? 'smoothgrad';
  if (!isNoiseTunnelType(type)) checkOneOf(type, NOISE_TUNNEL_TYPES, 'ntType', 'bad-nt-type');
  const samples = checkCount(opts.ntSamples ?? 10, 'ntSamples', 1, MAX_NT_SAMPLES, 'bad-nt-samples');
  const steps = checkCount(opts.nStepsNoiseTunnel ?? 5, 'nStepsNoiseTunnel', 1, MAX_N_STEPS_NOISE_TUNNEL, 'bad-n-steps');
  const stdevs = opts.stdevs ?? 1.0;
  if (typeof stdevs !== 'number' || !(stdevs >= 0 && stdevs <= MAX_STDEVS)) {
    throw new InputError(`stdevs must be a number from 0 to ${MAX_STDEVS}, got ${String(stdevs)}.`, { code: 'bad-stdevs' });
  }
  if (opts.seed !== undefined) checkCount(opts.seed, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'bad-seed');
  return { type, samples, stdevs, steps };
}
