/**
 * `explainer(task, model)`: a factory in the style of transformers.js's `pipeline`, returning
 * a function that explains its inputs.
 */
import { InputError } from '../errors.js';
import type { SequenceClassificationResult } from '../types.js';
import {
  PairwiseSequenceClassificationExplainer,
  SequenceClassificationExplainer,
  type PairwiseExplainOptions,
  type SequenceExplainOptions,
} from './sequence-classification.js';
import type { TextExplainerInit } from './text-model.js';

/** Tasks the factory knows. */
export type ExplainerTask = 'text-classification' | 'sentiment-analysis' | 'text-pair-classification';

/** The function returned for text classification. */
export interface TextClassificationExplainerFn {
  (text: string, options?: SequenceExplainOptions): Promise<SequenceClassificationResult>;
  readonly explainer: SequenceClassificationExplainer;
}

/** The function returned for text-pair classification. */
export interface TextPairClassificationExplainerFn {
  (text: string, textPair: string, options?: PairwiseExplainOptions): Promise<SequenceClassificationResult>;
  readonly explainer: PairwiseSequenceClassificationExplainer;
}

/** Maps each task to what the factory returns. */
export interface ExplainerFns {
  'text-classification': TextClassificationExplainerFn;
  'sentiment-analysis': TextClassificationExplainerFn;
  'text-pair-classification': TextPairClassificationExplainerFn;
}

/**
 * Loads a model for a task and returns a function that explains inputs.
 *
 * @example
 * const explain = await explainer('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
 * const result = await explain('I love this movie');
 */
export async function explainer<T extends ExplainerTask>(task: T, model: string, options: TextExplainerInit = {}): Promise<ExplainerFns[T]> {
  switch (task) {
    case 'text-classification':
    case 'sentiment-analysis': {
      const ex = await SequenceClassificationExplainer.fromPretrained(model, options);
      const fn = (text: string, o?: SequenceExplainOptions): Promise<SequenceClassificationResult> => ex.explain(text, o);
      return Object.assign(fn, { explainer: ex }) as ExplainerFns[T];
    }
    case 'text-pair-classification': {
      const ex = await PairwiseSequenceClassificationExplainer.fromPretrained(model, options);
      const fn = (text: string, pair: string, o?: PairwiseExplainOptions): Promise<SequenceClassificationResult> => ex.explain(text, pair, o);
      return Object.assign(fn, { explainer: ex }) as ExplainerFns[T];
    }
    default:
      throw new InputError(`Unknown task "${String(task)}". Known tasks: text-classification, sentiment-analysis, text-pair-classification.`, { code: 'unknown-task' });
  }
}
