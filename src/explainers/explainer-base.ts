/**
 * What every explainer shares: it keeps its last result, whose fields the subclasses mirror as
 * getters (like the Python explainer's properties). Options never stick between calls.
 */
import { TextModel, type TextExplainerInit } from './text-model.js';

/** Base of every explainer. */
export abstract class Explainer<R> {
  protected last: R | undefined;

  /** The last result, or undefined before the first call. */
  get lastResult(): R | undefined {
    return this.last;
  }
}

/** Base of the text explainers: a tokenizer and a loaded model. */
export abstract class TextExplainer<R> extends Explainer<R> {
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
  static async fromPretrained<T>(this: new (text: TextModel) => T, modelIdOrPath: string, init: TextExplainerInit = {}): Promise<T> {
    return new this(await TextModel.load(modelIdOrPath, init));
  }

  /** Class labels, in output order. */
  get labels(): string[] {
    return this.text.labels;
  }
}
