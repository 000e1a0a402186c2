/**
 * Tells which explainer produced a result, from its shape alone, so elements can take any
 * result (including JSON written by the CLI) without being told its task.
 *
 * @module
 */
import { InputError } from '../errors.js';
import type {
  ExplanationResult,
  ImageClassificationResult,
  MultiLabelResult,
  QuestionAnsweringResult,
  SequenceClassificationResult,
  TextGenerationResult,
  TokenClassificationResult,
  ZeroShotResult,
} from '../types.js';

/** The result families the visualisations distinguish. */
export type ResultKind = 'sequence' | 'multi-label' | 'zero-shot' | 'question-answering' | 'token-classification' | 'image' | 'generation';

/** Maps each {@link ResultKind} to its result type. */
export interface ResultByKind {
  sequence: SequenceClassificationResult;
  'multi-label': MultiLabelResult;
  'zero-shot': ZeroShotResult;
  'question-answering': QuestionAnsweringResult;
  'token-classification': TokenClassificationResult;
  image: ImageClassificationResult;
  generation: TextGenerationResult;
}

/**
 * Detects the kind of a result by its fields.
 *
 * The order matters: image results have `attributions` + `shape`; QA has `startPosition`;
 * token classification has `wordAttributions` as an array of entries (sequence results have
 * an array of `[token, score]` pairs instead); zero-shot and multi-label are keyed by label
 * and only zero-shot has `predictedLabel`. `task`, when present, is not trusted over the
 * shape, because the shape is what the renderer actually depends on.
 *
 * @example
 * ```ts
 * detectResultKind({ tokens: [], inputIds: [], wordAttributions: { joy: [] }, ... }); // 'multi-label'
 * ```
 */
export function detectResultKind(result: ExplanationResult): ResultKind {
  const r = result as unknown as Record<string, unknown>;
  if ('attributions' in r && 'shape' in r) return 'image';
  if ('tokenAttributions' in r && 'targetTokens' in r) return 'generation';
  if ('startPosition' in r) return 'question-answering';
  const wa = r.wordAttributions;
  if (Array.isArray(wa)) {
    const first: unknown = wa[0];
    if (first !== undefined && !Array.isArray(first) && typeof first === 'object') return 'token-classification';
    // An empty list is ambiguous; `predictedLabels` only exists on token-classification results.
    if (first === undefined && Array.isArray(r.predictedLabels)) return 'token-classification';
    return 'sequence';
  }
  if (wa !== null && typeof wa === 'object') return 'predictedLabel' in r ? 'zero-shot' : 'multi-label';
  throw new InputError('not a gradscope result: no wordAttributions and no image attributions', { code: 'not-a-result' });
}

/**
 * Narrows a result to the type of the given kind (a type guard over {@link detectResultKind}).
 *
 * @example
 * ```ts
 * if (isResultKind(result, 'image')) draw(result.attributions);
 * ```
 */
export function isResultKind<K extends ResultKind>(result: ExplanationResult, kind: K): result is ResultByKind[K] {
  return detectResultKind(result) === kind;
}

/** How a result is shown: its task's own view, or captum's table for every text result. */
export type ResultView = 'auto' | 'table';

/** Tags of the elements that show a result. */
export type ResultTag = 'gradscope-image' | 'gradscope-table' | 'gradscope-sequence' | 'gradscope-labels' | 'gradscope-qa' | 'gradscope-token-matrix' | 'gradscope-generation';

/**
 * The element that shows a result of this kind best: its task's view (`gradscope-sequence`,
 * `gradscope-labels` for zero-shot and multi-label, `gradscope-qa`, `gradscope-token-matrix`,
 * `gradscope-image`, `gradscope-generation`), or `gradscope-table` for text results when `view` is `table`.
 *
 * @example
 * ```ts
 * viewTag('zero-shot');          // 'gradscope-labels'
 * viewTag('zero-shot', 'table'); // 'gradscope-table'
 * ```
 */
export function viewTag(kind: ResultKind, view: ResultView = 'auto'): ResultTag {
  if (kind === 'image') return 'gradscope-image';
  if (view === 'table') return 'gradscope-table';
  switch (kind) {
    case 'sequence':
      return 'gradscope-sequence';
    case 'multi-label':
    case 'zero-shot':
      return 'gradscope-labels';
    case 'question-answering':
      return 'gradscope-qa';
    case 'token-classification':
      return 'gradscope-token-matrix';
    case 'generation':
      return 'gradscope-generation';
  }
}
