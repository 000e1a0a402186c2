/**
 * What every text explainer shares: loading (tokenizer + model), the label set, input-length
 * checks and the text-only option checks (embedding layer, output rank).
 */
import type { CutKind } from '../../autodiff/cut-points.js';
import { InputError, ModelError } from '../../errors.js';
import { loadTokenizer } from '../../runtime/transformers.js';
import { checkOptionKeys, LOAD_OPTION_KEYS } from '../core/options.js';
import { modelLabels, labelIndex, type LabelSource } from '../core/target.js';
import { checkModelId, LoadedModel, type LoadModelOptions } from '../core/loaded-model.js';
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
  static async load(modelIdOrPath: string, init?: TextExplainerInit | null): Promise<TextModel> {
    const o = checkOptionKeys(init, LOAD_OPTION_KEYS, 'load options');
    checkModelId(modelIdOrPath);
    const lo = o.localOnly === undefined ? {} : { localOnly: o.localOnly };
    const [model, tok] = await Promise.all([LoadedModel.load(modelIdOrPath, o), loadTokenizer(modelIdOrPath, lo)]);
    const tokenizer = fromTransformersJs(tok as unknown as TransformersJsTokenizerLike, model.modelType);
    const cfg = model.config as unknown as { max_position_embeddings?: number };
    // A QA head's two outputs are not classes: its config's (default) labels name nothing.
    const width = isSpanModel(model.outputNames) ? undefined : model.outputWidth;
    const labels = modelLabels(model.config, o.customLabels, width);
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
   * {@link requireText}, then the tokenizer's view: text that tokenises to no tokens (e.g. only
   * control characters, which BERT's normaliser drops) would explain nothing but `[CLS] [SEP]`.
   *
   * @throws {InputError} `bad-input` or `empty-text`.
   */
  requireWords(text: unknown, what = 'text'): string {
    const t = requireText(text, what);
    if (this.tokenizer.encode(t).ids.length === 0) {
      throw new InputError(`The ${what} has no tokens once tokenised (it holds only characters the tokenizer drops). Pass text with at least one word to explain.`, { code: 'empty-text' });
    }
    return t;
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

/** White space and invisible format characters (zero-width space and joiners, BOM, soft hyphen, ...). */
const BLANK = /^[\s\p{Cf}]*$/u;

/** Whether `text` has nothing visible: empty, white space, or invisible format characters only. */
export function isBlank(text: string): boolean {
  return BLANK.test(text);
}

/**
 * Rejects what is not a string, and text with nothing to explain: empty, white space only, or
 * only invisible characters such as `\u200b` (a tokenizer turns those into no tokens at all).
 *
 * @throws {InputError} `bad-input` (not a string) or `empty-text`.
 */
export function requireText(text: unknown, what = 'text'): string {
  if (typeof text !== 'string') {
    throw new InputError(`The ${what} must be a string, got ${text === null ? 'null' : Array.isArray(text) ? 'an array' : typeof text}.`, { code: 'bad-input' });
  }
  if (isBlank(text)) {
    throw new InputError(`The ${what} is empty${text.length > 0 ? ' (only white space or invisible characters)' : ''}. Pass text with at least one word to explain.`, { code: 'empty-text' });
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

/** What a text explainer needs the model to output. */
export type TextHead = 'sequence' | 'token' | 'span';

const HEAD_TASKS: Record<TextHead, string> = {
  sequence: 'text-classification (or text-pair, multi-label, zero-shot classification)',
  token: 'token-classification',
  span: 'question-answering',
};

const HEAD_OUTPUTS: Record<TextHead, string> = {
  sequence: 'classification logits [batch, classes]',
  token: 'per-token logits [batch, tokens, classes]',
  span: 'start_logits and end_logits',
};

/** Whether a model's outputs are an extractive QA head's. */
export function isSpanModel(outputNames: readonly string[]): boolean {
  return outputNames.includes('start_logits') && outputNames.includes('end_logits');
}

/** The head a model's outputs (names, and the first one's declared rank) look like; undefined when unknown. */
export function headOf(text: TextModel): TextHead | undefined {
  if (isSpanModel(text.model.outputNames)) return 'span';
  const rank = text.model.onnx.graph.outputs[0]?.shape?.length;
  return rank === 2 ? 'sequence' : rank === 3 ? 'token' : undefined;
}

/**
 * Throws a typed error, before any work, when the model's outputs do not fit the explainer's
 * task (a QA head run as a classifier answers a question nobody asked), naming what the model
 * outputs and the task that fits it.
 *
 * @throws {ModelError} `wrong-model-kind`.
 */
export function requireHead(text: TextModel, head: TextHead, explainer: string): void {
  const has = headOf(text);
  if (has === head || (has === undefined && head !== 'span')) return;
  const outs = text.model.onnx.graph.outputs.map((o) => `${o.name}${o.shape ? ` [${o.shape.join(', ')}]` : ''}`).join(', ');
  const fits = has === undefined ? 'none of the text tasks' : `--task / explainer(task) ${HEAD_TASKS[has]}`;
  throw new ModelError(`${explainer} needs a model that outputs ${HEAD_OUTPUTS[head]}, but this one outputs ${outs || 'nothing'}. Its outputs fit ${fits}; use the explainer of that task, or a model made for ${HEAD_TASKS[head]}.`, { code: 'wrong-model-kind' });
}
