/**
 * `explainer(task, model)`: a factory in the style of transformers.js's `pipeline`, returning
 * a function that explains its inputs.
 */
import { InputError } from '../errors.js';
import type { ImageClassificationResult, MultiLabelResult, QuestionAnsweringResult, SequenceClassificationResult, Task, TokenClassificationResult, ZeroShotResult } from '../types.js';
import { ImageClassificationExplainer, type ImageExplainOptions, type ImageInput } from './image/image-classification.js';
import { MultiLabelClassificationExplainer, type MultiLabelExplainOptions } from './text/multi-label-classification.js';
import { QuestionAnsweringExplainer, type QuestionAnsweringExplainOptions } from './text/question-answering.js';
import {
  PairwiseSequenceClassificationExplainer,
  SequenceClassificationExplainer,
  type PairwiseExplainOptions,
  type SequenceExplainOptions,
} from './text/sequence-classification.js';
import type { TextExplainerInit } from './text/text-model.js';
import { TokenClassificationExplainer, type TokenClassificationExplainOptions } from './text/token-classification.js';
import { ZeroShotClassificationExplainer, type ZeroShotExplainOptions } from './text/zero-shot-classification.js';

/** Tasks the factory knows: the result tasks, plus transformers.js's alias `sentiment-analysis`. */
export type ExplainerTask = Task | 'sentiment-analysis';

/** Every task of {@link ExplainerTask}, for messages and CLIs. */
export const EXPLAINER_TASKS: readonly ExplainerTask[] = [
  'text-classification',
  'sentiment-analysis',
  'text-pair-classification',
  'multi-label-classification',
  'zero-shot-classification',
  'question-answering',
  'token-classification',
  'image-classification',
];

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

/** The function returned for multi-label classification. */
export interface MultiLabelClassificationExplainerFn {
  (text: string, options?: MultiLabelExplainOptions): Promise<MultiLabelResult>;
  readonly explainer: MultiLabelClassificationExplainer;
}

/** The function returned for zero-shot classification: the text, then the candidate labels. */
export interface ZeroShotClassificationExplainerFn {
  (text: string, labels: string[], options?: ZeroShotExplainOptions): Promise<ZeroShotResult>;
  readonly explainer: ZeroShotClassificationExplainer;
}

/** The function returned for question answering: the question, then the context. */
export interface QuestionAnsweringExplainerFn {
  (question: string, context: string, options?: QuestionAnsweringExplainOptions): Promise<QuestionAnsweringResult>;
  readonly explainer: QuestionAnsweringExplainer;
}

/** The function returned for token classification. */
export interface TokenClassificationExplainerFn {
  (text: string, options?: TokenClassificationExplainOptions): Promise<TokenClassificationResult>;
  readonly explainer: TokenClassificationExplainer;
}

/** The function returned for image classification: an image (URL, path, Blob, element, ...) or `{ pixelValues }`. */
export interface ImageClassificationExplainerFn {
  (image: ImageInput, options?: ImageExplainOptions): Promise<ImageClassificationResult>;
  readonly explainer: ImageClassificationExplainer;
}

/** Maps each task to what the factory returns. */
export interface ExplainerFns {
  'text-classification': TextClassificationExplainerFn;
  'sentiment-analysis': TextClassificationExplainerFn;
  'text-pair-classification': TextPairClassificationExplainerFn;
  'multi-label-classification': MultiLabelClassificationExplainerFn;
  'zero-shot-classification': ZeroShotClassificationExplainerFn;
  'question-answering': QuestionAnsweringExplainerFn;
  'token-classification': TokenClassificationExplainerFn;
  'image-classification': ImageClassificationExplainerFn;
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
    case 'multi-label-classification': {
      const ex = await MultiLabelClassificationExplainer.fromPretrained(model, options);
      const fn = (text: string, o?: MultiLabelExplainOptions): Promise<MultiLabelResult> => ex.explain(text, o);
      return Object.assign(fn, { explainer: ex }) as ExplainerFns[T];
    }
    case 'zero-shot-classification': {
      const ex = await ZeroShotClassificationExplainer.fromPretrained(model, options);
      const fn = (text: string, labels: string[], o?: ZeroShotExplainOptions): Promise<ZeroShotResult> => ex.explain(text, labels, o);
      return Object.assign(fn, { explainer: ex }) as ExplainerFns[T];
    }
    case 'question-answering': {
      const ex = await QuestionAnsweringExplainer.fromPretrained(model, options);
      const fn = (question: string, context: string, o?: QuestionAnsweringExplainOptions): Promise<QuestionAnsweringResult> => ex.explain(question, context, o);
      return Object.assign(fn, { explainer: ex }) as ExplainerFns[T];
    }
    case 'token-classification': {
      const ex = await TokenClassificationExplainer.fromPretrained(model, options);
      const fn = (text: string, o?: TokenClassificationExplainOptions): Promise<TokenClassificationResult> => ex.explain(text, o);
      return Object.assign(fn, { explainer: ex }) as ExplainerFns[T];
    }
    case 'image-classification': {
      const ex = await ImageClassificationExplainer.fromPretrained(model, options);
      const fn = (image: ImageInput, o?: ImageExplainOptions): Promise<ImageClassificationResult> => ex.explain(image, o);
      return Object.assign(fn, { explainer: ex }) as ExplainerFns[T];
    }
    default:
      throw new InputError(`Unknown task "${String(task)}". Known tasks: ${EXPLAINER_TASKS.join(', ')}.`, { code: 'unknown-task' });
  }
}
