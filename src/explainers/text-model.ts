/**
 * What every text explainer shares: loading (tokenizer + model), the label set, input-length
 * checks and the options common to all calls.
 */
import { checkAlgorithm, type AlgorithmOptions } from '../attribution/gradient-methods.js';
import type { IntegrationMethod } from '../attribution/quadrature.js';
import type { StepsChoice } from './steps.js';
import { isIntegrationMethod } from '../attribution/quadrature.js';
import type { CutKind } from '../autodiff/cut-points.js';
import { InputError, ModelError } from '../errors.js';
import { loadTokenizer } from '../runtime/transformers.js';
import { LoadedModel, type LoadModelOptions } from './loaded-model.js';
import { fromTransformersJs, type TransformersJsTokenizerLike, type VocabTextTokenizer } from './text/tokenizer.js';
import { displayTokens } from './text/tokens.js';

/** Options given when an explainer is created. */
export interface TextExplainerInit extends LoadModelOptions {
  /** Labels replacing config.json's id2label (same count as the model's outputs). */
  customLabels?: string[] | Record<number, string>;
}

/** Options of every explain call. */
export interface CommonExplainOptions extends AlgorithmOptions {
  /**
   * Measure the explanation against the model (forward passes only): adds `faithfulness`
   * (comprehensiveness, sufficiency, tau-LOO; images: deletion/insertion AOPC). Not every task
   * supports it yet: those that do not throw `evaluate-unsupported`.
   */
  evaluate?: boolean;
  /** With `nSteps: 'auto'`: each intermediate node count's normalised attributions (see {@link StepsChoice.onRefine}). */
  onRefine?: StepsChoice['onRefine'];
  /**
   * Integration steps (default 50). `'auto'`: Gauss-Legendre node counts 3, 5, 8, 13, ... until
   * the normalised word attributions are within `tolerance` (two counts agree, or geometric
   * convergence predicts it; see `attribution/auto-steps.ts`); the result's `autoSteps` says how
   * it stopped. Progress restarts with each count tried.
   */
  nSteps?: number | 'auto';
  /** With `nSteps: 'auto'`: the max abs change of the normalised attributions accepted (default 1e-3). */
  tolerance?: number;
  /** Rows per model run; unset: chosen to fit memory. Does not change results. */
  internalBatchSize?: number | null;
  /** Quadrature rule (default 'gausslegendre', as captum). */
  method?: IntegrationMethod;
  /** `'transformers-interpret'`: reproduce the original's numbers exactly (see the parity spec). */
  compat?: 'transformers-interpret';
  /** Cut texts longer than the model allows instead of failing. */
  truncation?: boolean;
  signal?: AbortSignal;
  /** Integration progress: rows done out of total. */
  onProgress?: (done: number, total: number) => void;
}

/** A text model: tokenizer, loaded graph and labels. */
export class TextModel {
  private constructor(
    readonly model: LoadedModel,
    readonly tokenizer: VocabTextTokenizer,
    readonly labels: string[],
    readonly maxLength: number,
  ) {}

  /** Loads tokenizer, config and ONNX graph. */
  static async load(modelIdOrPath: string, init: TextExplainerInit = {}): Promise<TextModel> {
    const lo = init.localOnly === undefined ? {} : { localOnly: init.localOnly };
    const [model, tok] = await Promise.all([LoadedModel.load(modelIdOrPath, init), loadTokenizer(modelIdOrPath, lo)]);
    const tokenizer = fromTransformersJs(tok as unknown as TransformersJsTokenizerLike, model.modelType);
    const cfg = model.config as unknown as { id2label?: Record<string, string>; max_position_embeddings?: number };
    let labels = Object.entries(cfg.id2label ?? {})
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, v]) => v);
    if (init.customLabels) {
      const custom = Array.isArray(init.customLabels)
        ? init.customLabels
        : Object.entries(init.customLabels).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
      if (labels.length > 0 && custom.length !== labels.length) {
        throw new InputError(`customLabels has ${custom.length} labels but the model has ${labels.length} outputs; give exactly one label per output.`, { code: 'bad-custom-labels' });
      }
      labels = custom;
    }
    const tokMax = Number((tok as unknown as { model_max_length?: number }).model_max_length ?? Infinity);
    const posMax = (cfg.max_position_embeddings ?? Infinity) - (model.isRobertaLike ? model.padTokenId + 1 : 0);
    const maxLength = Math.min(tokMax > 1e9 ? Infinity : tokMax, posMax);
    return new TextModel(model, tokenizer, labels, maxLength);
  }

  /** Display tokens of ids (byte-level marker removed). */
  tokens(ids: readonly number[]): string[] {
    return displayTokens(ids, (id) => this.tokenizer.idToToken(id));
  }

  /** Index of a label; typed error listing the valid ones when unknown. */
  labelIndex(name: string): number {
    const i = this.labels.indexOf(name);
    if (i < 0) {
      throw new InputError(`Unknown class name "${name}". Valid class names: ${this.labels.map((l) => JSON.stringify(l)).join(', ')}.`, { code: 'unknown-class-name' });
    }
    return i;
  }

  /**
   * Builds rows with `build(text)`; when they are longer than the model allows, either fails
   * with a typed error or (with `truncation`) drops words from the end of `text` until they fit.
   */
  fitLength<R extends { inputIds: readonly number[] }>(text: string, truncation: boolean | undefined, build: (text: string) => R, what = 'text'): R {
    const rows = build(text);
    if (rows.inputIds.length <= this.maxLength) return rows;
    if (!truncation) {
      throw new InputError(
        `The ${what} is ${rows.inputIds.length} tokens long but the model takes at most ${this.maxLength}. Shorten it, or pass truncation: true to cut it.`,
        { code: 'input-too-long' },
      );
    }
    const words = text.split(/(\s+)/);
    let lo = 0;
    let hi = words.length;
    let best: R | undefined;
    while (lo < hi) {
      const mid = Math.floor((lo + hi + 1) / 2);
      const r = build(words.slice(0, mid).join(''));
      if (r.inputIds.length <= this.maxLength) {
        best = r;
        lo = mid;
      } else hi = mid - 1;
    }
    if (!best) throw new InputError(`Even the first word of the ${what} does not fit in ${this.maxLength} tokens.`, { code: 'input-too-long' });
    return best;
  }
}

/** Rejects empty or whitespace-only text. */
export function requireText(text: unknown, what = 'text'): string {
  if (typeof text !== 'string' || text.trim().length === 0) {
    throw new InputError(`The ${what} is empty. Pass a non-empty string to explain.`, { code: 'empty-text' });
  }
  return text;
}

/** Validates the common options. */
export function checkCommon(opts: CommonExplainOptions): void {
  if (opts.nSteps === 'auto') {
    if (opts.tolerance !== undefined && !(opts.tolerance > 0 && Number.isFinite(opts.tolerance))) {
      throw new InputError(`tolerance must be a positive number, got ${String(opts.tolerance)}.`, { code: 'bad-tolerance' });
    }
  } else if (opts.nSteps !== undefined && (!Number.isInteger(opts.nSteps) || opts.nSteps < 1)) {
    throw new InputError(`nSteps must be a positive integer, got ${String(opts.nSteps)}.`, { code: 'bad-n-steps' });
  }
  if (opts.internalBatchSize !== undefined && opts.internalBatchSize !== null && (!Number.isInteger(opts.internalBatchSize) || opts.internalBatchSize < 1)) {
    throw new InputError(`internalBatchSize must be a positive integer, got ${String(opts.internalBatchSize)}.`, { code: 'bad-batch-size' });
  }
  if (opts.method !== undefined && !isIntegrationMethod(opts.method)) {
    throw new InputError(`Unknown integration method "${String(opts.method)}". Use gausslegendre, riemann_left, riemann_right, riemann_middle or riemann_trapezoid.`, { code: 'bad-method' });
  }
  checkAlgorithm(opts);
}

/** One-hot float mask. */
export function oneHot(n: number, i: number): Float32Array {
  const m = new Float32Array(n);
  m[i] = 1;
  return m;
}

/** The integration options of a call, in the form {@link textIntegratedGradients} takes them. */
export type IntegrationOptions = Pick<CommonExplainOptions, 'method' | 'internalBatchSize' | 'signal' | 'onProgress'> & { nSteps?: number };

/** Picks the integration options that are set (exactOptionalPropertyTypes forbids passing undefined). */
export function integrationOptions(o: CommonExplainOptions): IntegrationOptions {
  const r: IntegrationOptions = {};
  // 'auto' is resolved by the explainer (one integration per node count), never passed down.
  if (typeof o.nSteps === 'number') r.nSteps = o.nSteps;
  if (o.method !== undefined) r.method = o.method;
  if (o.internalBatchSize !== undefined) r.internalBatchSize = o.internalBatchSize;
  if (o.signal !== undefined) r.signal = o.signal;
  if (o.onProgress !== undefined) r.onProgress = o.onProgress;
  return r;
}

/** Which embedding layer to integrate: word (0), position (1) or the whole embeddings block (2). */
export type EmbeddingType = 'word' | 'position' | 'embeddings' | 0 | 1 | 2;

/**
 * The cut for an `embeddingType`, as transformers-interpret picks the layer: position
 * embeddings fall back to word embeddings (with a warning) on models whose forward takes no
 * position ids; `allowed` lists the types the explainer offers (the block only for QA).
 */
export function resolveEmbeddingLayer(
  text: TextModel,
  type: EmbeddingType,
  allowed: readonly EmbeddingType[],
  onWarning: (message: string) => void = console.warn,
): CutKind {
  if (!allowed.includes(type)) {
    throw new InputError(`embeddingType must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(type)}.`, { code: 'bad-embedding-type' });
  }
  if (type === 'word' || type === 0) return 'word';
  if (type === 'embeddings' || type === 2) return 'embeddings';
  if (!text.model.acceptsPositionIds) {
    onWarning('This model cannot take position ids: attributing to word embeddings instead of position embeddings.');
    return 'word';
  }
  return 'position';
}

/**
 * Rank of a model output as the ONNX graph declares it (undefined when unknown), to reject a
 * model of the wrong kind before building its gradient graph.
 */
export function outputRank(text: TextModel, name?: string): number | undefined {
  const outs = text.model.onnx.graph.outputs;
  const o = name === undefined ? outs[0] : outs.find((v) => v.name === name);
  return o?.shape?.length;
}

/** Throws a typed error when the model's first output does not have `rank` axes. */
export function requireOutputRank(text: TextModel, rank: number, what: string, explainer: string): void {
  const r = outputRank(text);
  if (r !== undefined && r !== rank) {
    throw new ModelError(`This model's first output has ${r} axes, but ${explainer} needs ${what}. Use the explainer that matches the model's task.`, { code: 'wrong-model-kind' });
  }
}

/** The compat flag of an options object, in the form the input builders take. */
export function compatOf(opts: CommonExplainOptions): { compat?: 'transformers-interpret' } {
  return opts.compat === 'transformers-interpret' ? { compat: 'transformers-interpret' } : {};
}
