/**
 * `explainer(task, model)`: a factory in the style of transformers.js's `pipeline`, returning
 * a function that explains its inputs. The tasks come from the registry (`tasks.ts`).
 */
import { InputError } from '../errors.js';
import type { ImageExplainerInit } from './image/image-options.js';
import { EXPLAINER_TASKS, findTask, type ExplainerFnOf, type ExplainerTask } from './tasks.js';
import type { TextExplainerInit } from './text/text-model.js';

export { EXPLAINER_TASKS, type ExplainerTask } from './tasks.js';

/** The function returned for text classification (and `sentiment-analysis`). */
export type TextClassificationExplainerFn = ExplainerFnOf<'text-classification'>;

/** The function returned for text-pair classification: the text, then the text it is paired with. */
export type TextPairClassificationExplainerFn = ExplainerFnOf<'text-pair-classification'>;

/** The function returned for multi-label classification. */
export type MultiLabelClassificationExplainerFn = ExplainerFnOf<'multi-label-classification'>;

/** The function returned for zero-shot classification: the text, then the candidate labels. */
export type ZeroShotClassificationExplainerFn = ExplainerFnOf<'zero-shot-classification'>;

/** The function returned for question answering: the question, then the context. */
export type QuestionAnsweringExplainerFn = ExplainerFnOf<'question-answering'>;

/** The function returned for token classification. */
export type TokenClassificationExplainerFn = ExplainerFnOf<'token-classification'>;

/** The function returned for image classification: an image (URL, path, Blob, element, ...) or `{ pixelValues }`. */
export type ImageClassificationExplainerFn = ExplainerFnOf<'image-classification'>;

/** The function returned for text generation: the prompt, then `{ maxNewTokens, target, compat, ... }`. */
export type TextGenerationExplainerFn = ExplainerFnOf<'text-generation'>;

/** Maps each task (and alias) to what the factory returns. */
export type ExplainerFns = { [T in ExplainerTask]: ExplainerFnOf<T> };

/** Options of {@link explainer}: the load options of the task's explainer. */
export type ExplainerInit = TextExplainerInit & ImageExplainerInit;

/**
 * Loads a model for a task and returns a function that explains inputs.
 *
 * @throws {InputError} (`code: 'unknown-task'`) naming the known tasks.
 *
 * @example
 * const explain = await explainer('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
 * const result = await explain('I love this movie');
 */
export async function explainer<T extends ExplainerTask>(task: T, model: string, options?: ExplainerInit | null): Promise<ExplainerFns[T]> {
  const spec = findTask(task);
  if (!spec) throw new InputError(`Unknown task "${String(task)}". Known tasks: ${EXPLAINER_TASKS.join(', ')}.`, { code: 'unknown-task' });
  const Cls = await spec.load();
  const ex = await Cls.fromPretrained(model, options ?? undefined);
  const explain = ex.explain.bind(ex) as (...args: unknown[]) => Promise<unknown>;
  const fn = (...args: unknown[]): Promise<unknown> => explain(...args);
  return Object.assign(fn, { explainer: ex }) as unknown as ExplainerFns[T];
}
