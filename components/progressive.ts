/**
 * Intermediate results of a progressive explanation (pure, no DOM): the one-pass preview
 * marked as such, and the preview's shape re-filled with the normalised attributions of an
 * `nSteps: 'auto'` refinement, where the result's targets can be told apart.
 *
 * @module
 */
import type { ExplanationResult, ProgressiveInfo, WordAttribution } from '../src/types.js';

/** `result` marked with `progressive` (a copy; the input is not changed). */
export function markProgressive<R extends ExplanationResult>(result: R, info: ProgressiveInfo): R {
  return { ...result, progressive: info };
}

function refill(list: readonly WordAttribution[], values: Float64Array, offset: number): WordAttribution[] {
  return list.map(([token], i) => [token, values[offset + i]]);
}

/**
 * The preview with its word scores replaced by a refinement's `values` (targets concatenated in
 * result order), marked as an intermediate integrated-gradients stage; undefined where the
 * values cannot be mapped onto the result (zero-shot and token classification refine one
 * target at a time; a length mismatch).
 *
 * @example
 * ```ts
 * const shown = refinedResult(preview, refinement.values, refinement.nSteps);
 * if (shown) table.result = shown;
 * ```
 */
export function refinedResult(preview: ExplanationResult, refinement: Float64Array, nSteps: number, opts: { flipSign?: boolean } = {}): ExplanationResult | undefined {
  // The refinement is measured before flipSign (pairwise option): flip it as the result will be.
  const values = opts.flipSign === true ? refinement.map((v) => -v) : refinement;
  if (!('wordAttributions' in preview) || 'tokensByLabel' in preview || 'predictedLabels' in preview) return undefined;
  const info: ProgressiveInfo = { final: false, stage: 'integrated-gradients', nSteps };
  const wa = preview.wordAttributions;
  if (Array.isArray(wa)) {
    const list = wa as WordAttribution[];
    if (list.length !== values.length) return undefined;
    const { faithfulness: _f, algorithm: _a, ...rest } = preview as typeof preview & { faithfulness?: unknown; algorithm?: unknown };
    return { ...rest, wordAttributions: refill(list, values, 0), progressive: info } as ExplanationResult;
  }
  const record = wa as Record<string, WordAttribution[]>;
  const keys = Object.keys(record);
  const total = keys.reduce((s, k) => s + record[k].length, 0);
  if (total !== values.length) return undefined;
  let offset = 0;
  const next: Record<string, WordAttribution[]> = {};
  for (const k of keys) {
    next[k] = refill(record[k], values, offset);
    offset += record[k].length;
  }
  const { faithfulness: _f, algorithm: _a, ...rest } = preview as typeof preview & { faithfulness?: unknown; algorithm?: unknown };
  return { ...rest, wordAttributions: next, progressive: info } as ExplanationResult;
}
