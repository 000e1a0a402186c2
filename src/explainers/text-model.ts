/**
 * What every text explainer shares: loading (tokenizer + model), the label set, input-length
 * checks and the options common to all calls.
 */
import type { IntegrationMethod } from '../attribution/quadrature.js';
import { isIntegrationMethod } from '../attribution/quadrature.js';
import { InputError } from '../errors.js';
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
export interface CommonExplainOptions {
  /** Integration steps (default 50). */
  nSteps?: number;
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
  if (opts.nSteps !== undefined && (!Number.isInteger(opts.nSteps) || opts.nSteps < 1)) {
    throw new InputError(`nSteps must be a positive integer, got ${String(opts.nSteps)}.`, { code: 'bad-n-steps' });
  }
  if (opts.internalBatchSize !== undefined && opts.internalBatchSize !== null && (!Number.isInteger(opts.internalBatchSize) || opts.internalBatchSize < 1)) {
    throw new InputError(`internalBatchSize must be a positive integer, got ${String(opts.internalBatchSize)}.`, { code: 'bad-batch-size' });
  }
  if (opts.method !== undefined && !isIntegrationMethod(opts.method)) {
    throw new InputError(`Unknown integration method "${String(opts.method)}". Use gausslegendre, riemann_left, riemann_right, riemann_middle or riemann_trapezoid.`, { code: 'bad-method' });
  }
}

/** One-hot float mask. */
export function oneHot(n: number, i: number): Float32Array {
  const m = new Float32Array(n);
  m[i] = 1;
  return m;
}
