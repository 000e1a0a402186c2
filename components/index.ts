/**
 * gradscope's Lit elements. Importing this module registers them:
 * `<gradscope-tokens>`, `<gradscope-table>`, `<gradscope-image>`.
 *
 * @example
 * ```html
 * <script type="module">import 'gradscope/components';</script>
 * <gradscope-table><script type="application/json">…CLI output…</script></gradscope-table>
 * ```
 *
 * Seam for `<gradscope-explain>` (not built yet: it needs the explainers): that element will
 * run an explainer and hand its result to the element {@link elementTagForResult} names,
 * so it adds no rendering of its own.
 *
 * @module
 */
import type { ExplanationResult } from '../src/types.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import { GradscopeImage } from './image.js';
import { GradscopeTable } from './table.js';
import { GradscopeTokens } from './tokens.js';

export { GradscopeImage, type ImageOptionsDetail, type ImageRenderDetail } from './image.js';
export { GradscopeTable } from './table.js';
export { GradscopeTokens, type TokenFocusDetail, tokenAriaLabel } from './tokens.js';
export { ResultElement, parseResultAttribute, readScriptResult } from './result-source.js';

/** Tag names and their classes. */
export const GRADSCOPE_ELEMENTS = {
  'gradscope-tokens': GradscopeTokens,
  'gradscope-table': GradscopeTable,
  'gradscope-image': GradscopeImage,
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

/**
 * The element that shows a result best: the image element for image results, the table
 * for text results (one row per explained target).
 *
 * @example
 * ```ts
 * const el = document.createElement(elementTagForResult(result));
 * el.result = result;
 * ```
 */
export function elementTagForResult(result: ExplanationResult): 'gradscope-image' | 'gradscope-table' {
  return detectResultKind(result) === 'image' ? 'gradscope-image' : 'gradscope-table';
}

if (typeof customElements !== 'undefined') defineGradscopeElements();
