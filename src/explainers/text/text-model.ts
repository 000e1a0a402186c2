/**
 * What every text explainer shares: loading (tokenizer + model), the label set, input-length
 * checks and the text-only option checks (embedding layer, output rank).
 */
import type { CutKind } from '../../autodiff/cut-points.js';
import { InputError, ModelError } from '../../errors.js';
import { loadTokenizer } from '../../runtime/transformers.js';
import { checkCustomLabels, configLabels, labelIndex, type LabelSource } from '../core/target.js';
import { LoadedModel, type LoadModelOptions } from '../core/loaded-model.js';
import { fromTransformersJs, type TransformersJsTokenizerLike, type VocabTextTokenizer } from './tokenizer.js';
import { displayTokens } from './tokens.js';
import type { TextInputs } from './input-types.js';
import { alignTokens, groupWords, type TextWord, type WordTokenizerSpec } from './words.js';
import { wordTokenizerSpec, type TransformersJsWordTokenizer } from './word-spec.js';

/** Options given when an explainer is created. */
export interface TextExplainerInit extends LoadModelOptions {
  /** Labels replacing config.json's id2label (same count as the model's outputs). */
  customLabels?: LabelSource;
}

/** A text model: tokenizer, loaded graph and labels. */
export class TextModel {
  private constructor(
    readonly model: LoadedModel,
    readonly tokenizer: VocabTextTokenizer,
    readonly labels: string[],
    readonly maxLength: number,
    /** How the tokenizer spells text, to map tokens back to the caller's words. */
    readonly wordSpec: WordTokenizerSpec,
  ) {}

  /** Loads tokenizer, config and ONNX graph. */
  static async load(modelIdOrPath: string, init: TextExplainerInit = {}): Promise<TextModel> {
    const lo = init.localOnly === undefined ? {} : { localOnly: init.localOnly };
    const [model, tok] = await Promise.all([LoadedModel.load(modelIdOrPath, init), loadTokenizer(modelIdOrPath, lo)]);
    const tokenizer = fromTransformersJs(tok as unknown as TransformersJsTokenizerLike, model.modelType);
    const cfg = model.config as unknown as { id2label?: Record<string, string>; max_position_embeddings?: number };
    const fromConfig = configLabels(cfg);
    const labels = init.customLabels ? checkCustomLabels(init.customLabels, fromConfig.length) : fromConfig;
    const tokMax = Number((tok as unknown as { model_max_length?: number }).model_max_length ?? Infinity);
    const posMax = (cfg.max_position_embeddings ?? Infinity) - (model.isRobertaLike ? model.padTokenId + 1 : 0);
    const maxLength = Math.min(tokMax > 1e9 ? Infinity : tokMax, posMax);
    return new TextModel(model, tokenizer, labels, maxLength, wordTokenizerSpec(tok as unknown as TransformersJsWordTokenizer));
  }

  /** Display tokens of ids (byte-level marker removed). */
  tokens(ids: readonly number[]): string[] {
    return displayTokens(ids, (id) => this.tokenizer.idToToken(id));
  }

  /**
   * Aligns the rows' tokens to the texts the caller passed (`[text]`, `[text, pair]`,
   * `[question, context]`) once, and returns the words for any list of per-token scores.
   * `texts[i]` undefined leaves that segment's tokens out of the words.
   */
  wordMapper(texts: readonly (string | undefined)[], rows: Pick<TextInputs, 'inputIds' | 'textSpan' | 'pairSpan'>): (scores: ArrayLike<number>) => TextWord[] {
    const inSpan = (i: number, s: { start: number; end: number } | undefined): boolean => s !== undefined && i >= s.start && i < s.end;
    const tokens = rows.inputIds.map((id) => this.tokenizer.idToToken(id) ?? '');
    const segments = rows.inputIds.map((_, i) =>
      inSpan(i, rows.textSpan) && texts[0] !== undefined ? 0 : inSpan(i, rows.pairSpan) && texts[1] !== undefined ? 1 : null,
    );
    const all = texts.map((t) => t ?? '');
    const spans = alignTokens(all, tokens.map((token, i) => ({ token, segment: segments[i] ?? null })), this.wordSpec);
    return (scores) => groupWords(all, spans, tokens, Array.from(scores), { continuingPrefix: this.wordSpec.continuingPrefix });
  }

  /** Index of a label; typed error listing the valid ones when unknown. */
  labelIndex(name: string): number {
    return labelIndex(this.labels, name);
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
