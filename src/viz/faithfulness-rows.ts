/**
 * The rows a faithfulness display shows for a result (pure): one per explained target that was
 * evaluated, with the numbers formatted, plus the one line on how to read them.
 *
 * @module
 */
import type { ExplanationResult, ImageFaithfulnessInfo, TextFaithfulnessInfo } from '../types.js';

/** One row of the display. */
export interface FaithfulnessRow {
  /** The target (class or label name); '' for single-target results. */
  target: string;
  /** Column name -> formatted value. */
  cells: { name: string; value: string; title: string }[];
}

/** How to read the text measures. */
export const TEXT_FAITHFULNESS_HINT = 'Higher comprehensiveness and lower sufficiency are better; tau-LOO near 1 means the scores rank tokens as deleting each one does.';

/** How to read the image measures. */
export const IMAGE_FAITHFULNESS_HINT = 'Higher deletion AOPC (the probability falls fast as the top patches go) and higher insertion AOPC (it rises fast as they return) are better.';

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(3));

function textCells(f: TextFaithfulnessInfo): FaithfulnessRow['cells'] {
  return [
    { name: 'Comprehensiveness (AOPC)', value: fmt(f.aopcComprehensiveness), title: 'Mean drop of the explained probability when the top tokens are deleted.' },
    { name: 'Sufficiency (AOPC)', value: fmt(f.aopcSufficiency), title: 'Mean drop when only the top tokens are kept.' },
    { name: 'Tau-LOO', value: fmt(f.tauLoo), title: "Kendall's tau-b between the scores and the leave-one-out drops." },
  ];
}

function imageCells(f: ImageFaithfulnessInfo): FaithfulnessRow['cells'] {
  return [
    { name: 'Deletion (AOPC)', value: fmt(f.aopcDeletion), title: `Mean drop of the probability as ${f.patch}x${f.patch} patches go to the baseline, most attributed first.` },
    { name: 'Insertion (AOPC)', value: fmt(f.aopcInsertion), title: `Mean rise of the probability as ${f.patch}x${f.patch} patches return onto the baseline, most attributed first.` },
  ];
}

/**
 * Rows and the reading hint of `result`'s faithfulness; no rows when it was not evaluated.
 *
 * @example
 * ```ts
 * const { rows, hint } = faithfulnessRows(await explainer.explain('Great film', { evaluate: true }));
 * ```
 */
export function faithfulnessRows(result: ExplanationResult): { rows: FaithfulnessRow[]; hint: string } {
  if ('predictedLabels' in result) {
    // Token classification: one row per explained token that was evaluated.
    const rows = result.wordAttributions.flatMap((e) => (e.faithfulness ? [{ target: `${e.token} #${e.index} (${e.label})`, cells: textCells(e.faithfulness) }] : []));
    return { rows, hint: rows.length > 0 ? TEXT_FAITHFULNESS_HINT : '' };
  }
  const f = (result as { faithfulness?: unknown }).faithfulness;
  if (f === undefined || f === null || typeof f !== 'object') return { rows: [], hint: '' };
  if ('aopcDeletion' in f) return { rows: [{ target: (result as { attributionClassName?: string }).attributionClassName ?? '', cells: imageCells(f as ImageFaithfulnessInfo) }], hint: IMAGE_FAITHFULNESS_HINT };
  if ('aopcComprehensiveness' in f) {
    return { rows: [{ target: (result as { attributionClassName?: string }).attributionClassName ?? '', cells: textCells(f as TextFaithfulnessInfo) }], hint: TEXT_FAITHFULNESS_HINT };
  }
  const perTarget = f as Record<string, TextFaithfulnessInfo>;
  return { rows: Object.entries(perTarget).map(([target, v]) => ({ target, cells: textCells(v) })), hint: TEXT_FAITHFULNESS_HINT };
}
