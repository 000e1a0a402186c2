/**
 * Base of the text explainers: a loaded {@link TextModel} (tokenizer, graph, labels) under the
 * input-agnostic {@link Explainer}.
 *
 * @module
 */
import type { ExplanationResult } from '../../types.js';
import { Explainer } from '../core/explainer.js';
import { TextModel, type TextExplainerInit } from './text-model.js';

/** Base of the text explainers: a tokenizer and a loaded model. */
export abstract class TextExplainer<R extends ExplanationResult> extends Explainer<R> {
  /** Wraps an already loaded text model. */
  constructor(readonly text: TextModel) {
    super();
  }

  /**
   * Loads a model (Hub id or local folder) and its tokenizer.
   *
   * @example
   * const ex = await SequenceClassificationExplainer.fromPretrained('./models/distilbert-sst2', { localOnly: true });
   */
  static async fromPretrained<T>(this: new (text: TextModel) => T, modelIdOrPath: string, init?: TextExplainerInit | null): Promise<T> {
    return new this(await TextModel.load(modelIdOrPath, init));
  }

  /** Class labels, in output order. */
  get labels(): string[] {
    return this.text.labels;
  }

  dispose(): Promise<void> {
    return this.text.model.dispose();
  }
}
