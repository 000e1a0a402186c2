/**
 * gradscope's Lit elements. Importing this module registers them:
 * `<gradscope-tokens>`, `<gradscope-table>`, `<gradscope-image>`, `<gradscope-explain>`,
 * `<gradscope-faithfulness>`.
 *
 * @example
 * ```html
 * <script type="module">import 'gradscope/components';</script>
 * <gradscope-table><script type="application/json">…CLI output…</script></gradscope-table>
 * ```
 *
 * `<gradscope-explain>` runs an explainer and hands its result to the element
 * {@link elementTagForResult} names, so it adds no rendering of its own. It loads ONNX Runtime
 * and transformers.js only when it loads a model, so pages that just show pre-computed
 * results stay light.
 *
 * @module
 */
import type { ExplanationResult } from '../src/types.js';
import { type ResultTag, type ResultView, detectResultKind, viewTag } from '../src/viz/result-kind.js';
import { GradscopeExplain } from './explain.js';
import { GradscopeGeneration } from './generation.js';
import { GradscopeFaithfulness } from './faithfulness.js';
import { GradscopeImage } from './image.js';
import { GradscopeLabels } from './labels-view.js';
import { GradscopeQa } from './qa-view.js';
import { GradscopeSequence } from './sequence-view.js';
import { GradscopeTable } from './table.js';
import { GradscopeTokenMatrix } from './token-matrix.js';
import { GradscopeTokens } from './tokens.js';

export { GradscopeImage, type ImageOptionsDetail, type ImageRenderDetail } from './image.js';
export { GradscopeTable } from './table.js';
export { GradscopeGeneration, type TargetSelectDetail } from './generation.js';
export { GradscopeFaithfulness } from './faithfulness.js';
export { markProgressive, refinedResult } from './progressive.js';
export { GradscopeTokens, type Granularity, type TokenFocusDetail, tokenAriaLabel } from './tokens.js';
export { GradscopeSequence } from './sequence-view.js';
export { GradscopeLabels, type LabelSelectDetail } from './labels-view.js';
export { GradscopeQa } from './qa-view.js';
export { GradscopeTokenMatrix, type RowSelectDetail } from './token-matrix.js';
export { TextViewElement } from './text-view.js';
export { ResultElement, parseResultAttribute, readScriptResult } from './result-source.js';
export { GradscopeExplain, isLocalModelPath, type ExplainStatus, type ExplainProgressDetail, type ExplainResultDetail, type ExplainErrorDetail, type ExplainIntermediateDetail } from './explain.js';
export { TASK_FORMS, taskForm, type ExplainTaskForm, type ExplainFieldSpec, type ExplainInputs } from './explain-tasks.js';

/** Tag names and their classes. */
export const GRADSCOPE_ELEMENTS = {
  'gradscope-tokens': GradscopeTokens,
  'gradscope-table': GradscopeTable,
  'gradscope-image': GradscopeImage,
  'gradscope-explain': GradscopeExplain,
  'gradscope-generation': GradscopeGeneration,
  'gradscope-faithfulness': GradscopeFaithfulness,
  'gradscope-sequence': GradscopeSequence,
  'gradscope-labels': GradscopeLabels,
  'gradscope-qa': GradscopeQa,
  'gradscope-token-matrix': GradscopeTokenMatrix,
} as const;

/**
 * Registers the elements, skipping any name already defined (a second copy of the library
 * on the page, or a user's own element of that name) instead of throwing.
 *
 * @example
 * ```ts
 * defineGradscopeElements(); // already done by importing this module; safe to call again
 * ```
 */
export function defineGradscopeElements(registry: CustomElementRegistry = customElements): void {
  for (const [tag, ctor] of Object.entries(GRADSCOPE_ELEMENTS)) {
    if (!registry.get(tag)) registry.define(tag, ctor);
  }
}

export type { ResultTag, ResultView } from '../src/viz/result-kind.js';

/**
 * The element that shows a result best: its task's view, or `gradscope-table` for text results
 * when `view` is `table` (see {@link viewTag}).
 *
 * @example
 * ```ts
 * const el = document.createElement(elementTagForResult(result));
 * el.result = result;
 * ```
 */
export function elementTagForResult(result: ExplanationResult, view: ResultView = 'auto'): ResultTag {
  return viewTag(detectResultKind(result), view);
}

if (typeof customElements !== 'undefined') defineGradscopeElements();
