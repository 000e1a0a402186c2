/**
 * One way to turn any text result into the rows of captum's attribution table, shared by
 * the standalone HTML export and the `<gradscope-table>` element.
 *
 * @module
 */
import type { ExplanationResult, TextWord, WordAttribution } from '../types.js';
import { detectResultKind } from './result-kind.js';

/** One explained target: a class, a candidate label, a QA boundary or an NER token. */
export interface TableRow {
  /** Stable, unique id of the target within its result: class or label name, `start`/`end`, token index. */
  key: string;
  /** "True Label" column: the caller's ground truth, `n/a` when unknown. */
  trueLabel: string;
  /** Class name (or answer) shown in "Predicted Label"; may be empty (multi-label). */
  predictedLabel: string;
  /** Shown in brackets after the predicted label; omitted when unknown. */
  predictedProbability: number | undefined;
  /** "Attribution Label" column: what the attributions explain. */
  attributionLabel: string;
  /** Sum of the normalised word attributions ("Attribution Score"). */
  attributionScore: number;
  /** The tokens and their normalised scores ("Word Importance"). */
  wordAttributions: WordAttribution[];
  /** The same attributions over the words of the input, when the result has them. */
  words: TextWord[] | undefined;
  /** Convergence delta of this target, when the result has one. */
  delta: number | undefined;
}

/** Text shown when no ground truth was given (the original shows the attributed class, which reads as if it were known). */
export const UNKNOWN_LABEL = 'n/a';

/**
 * Sum of the scores, in order, as captum's `attributions_sum.sum()` does.
 *
 * @example
 * ```ts
 * attributionScore([['a', 0.5], ['b', -0.25]]); // 0.25
 * ```
 */
export function attributionScore(attributions: readonly WordAttribution[]): number {
  let sum = 0;
  for (const [, score] of attributions) sum += score;
  return sum;
}

function row(
  key: string,
  trueLabel: string | undefined,
  predictedLabel: string,
  predictedProbability: number | undefined,
  attributionLabel: string,
  wordAttributions: WordAttribution[],
  words?: TextWord[],
  delta?: number,
): TableRow {
  return {
    words,
    delta,
    key,
    trueLabel: trueLabel ?? UNKNOWN_LABEL,
    predictedLabel,
    predictedProbability,
    attributionLabel,
    attributionScore: attributionScore(wordAttributions),
    wordAttributions,
  };
}

/**
 * The table rows of a text result, one per explained target, in the result's order.
 * Image results have no table and give an empty list.
 *
 * - sequence / pairwise: one row (predicted class and its probability, attributed class);
 * - multi-label: one row per label, with that label's sigmoid as the prediction score;
 * - zero-shot: one row per candidate label, with the explained entailment probability;
 * - question answering: a `start` and an `end` row, labelled `token (position)`;
 * - token classification: one row per explained token, labelled `token (index)`.
 *
 * @example
 * ```ts
 * for (const r of tableRows(result)) console.log(r.attributionLabel, r.attributionScore.toFixed(2));
 * ```
 */
export function tableRows(result: ExplanationResult): TableRow[] {
  switch (detectResultKind(result)) {
    case 'sequence': {
      const r = result as Extract<ExplanationResult, { predictedClassName: string; rawAttributions: number[] }>;
      return [
        row(r.attributionClassName, r.trueLabel, r.predictedClassName, r.predictedProbability, r.attributionClassName, r.wordAttributions, r.words, r.delta),
      ];
    }
    case 'multi-label': {
      const r = result as Extract<ExplanationResult, { labelProbabilities: Record<string, number>; deltas: Record<string, number> }>;
      const wa = r.wordAttributions as Record<string, WordAttribution[]>;
      // The original leaves the class name out here: every label is scored on its own.
      return Object.keys(wa).map((label) =>
        row(label, r.trueLabel, '', r.labelProbabilities[label], label, wa[label] ?? [], r.words?.[label], r.deltas[label]),
      );
    }
    case 'zero-shot': {
      const r = result as Extract<ExplanationResult, { predictedLabel: string }>;
      return Object.keys(r.wordAttributions).map((label) =>
        row(label, r.trueLabel, label, r.labelProbabilities[label], label, r.wordAttributions[label] ?? [], r.words?.[label], r.deltas[label]),
      );
    }
    case 'question-answering': {
      const r = result as Extract<ExplanationResult, { startPosition: number }>;
      const at = (pos: number): string => `${r.tokens[pos] ?? ''} (${pos})`;
      return [
        row('start', r.trueLabel, r.predictedAnswer, r.startProbability, at(r.startPosition), r.wordAttributions.start, r.words?.start, r.deltas.start),
        row('end', r.trueLabel, r.predictedAnswer, r.endProbability, at(r.endPosition), r.wordAttributions.end, r.words?.end, r.deltas.end),
      ];
    }
    case 'token-classification': {
      const r = result as Extract<ExplanationResult, { predictedLabels: string[] }>;
      return r.wordAttributions.map((e) =>
        row(String(e.index), r.trueLabel, e.label, e.probability, `${e.token} (${e.index})`, e.attributions, e.words, e.delta),
      );
    }
    case 'generation': {
      // One row per generated token: its normalised attributions over the earlier tokens.
      const r = result as Extract<ExplanationResult, { targetTokens: string[] }>;
      const sources = [...r.promptTokens, ...r.targetTokens];
      return r.targetTokens.map((t, i) => {
        const scores = r.tokenAttributions[i] ?? [];
        const norm = Math.hypot(...scores) || 1;
        const lp = r.targetLogProbs[i];
        return row(String(i), r.trueLabel, t, lp === undefined ? undefined : Math.exp(lp), `${t} (${i})`, scores.map((s, j): WordAttribution => [sources[j] ?? '', s / norm]));
      });
    }
    case 'image':
      return [];
  }
}

/**
 * "Predicted Label" cell text: `name (0.51)`, just `(0.51)` without a name, just the name
 * without a probability. Two decimals, like captum's `{:.2f}`.
 *
 * @example
 * ```ts
 * formatPredicted({ predictedLabel: 'POSITIVE', predictedProbability: 0.5076 }); // 'POSITIVE (0.51)'
 * ```
 */
export function formatPredicted(r: Pick<TableRow, 'predictedLabel' | 'predictedProbability'>): string {
  const p = r.predictedProbability;
  if (p === undefined || p === null || Number.isNaN(p)) return r.predictedLabel;
  return r.predictedLabel === '' ? `(${p.toFixed(2)})` : `${r.predictedLabel} (${p.toFixed(2)})`;
}

/**
 * "Attribution Score" cell text, two decimals like captum.
 *
 * @example
 * ```ts
 * formatScore(0.4567); // '0.46'
 * ```
 */
export function formatScore(score: number): string {
  return score.toFixed(2);
}

/**
 * captum's display form of a special token: `<s>` becomes `#s` (angle-bracketed tokens
 * would otherwise vanish as unknown HTML tags in its unescaped output). Kept so the table
 * reads the same; the text is still escaped wherever it goes.
 *
 * @example
 * ```ts
 * formatSpecialToken('<s>'); // '#s'
 * formatSpecialToken('love'); // 'love'
 * ```
 */
export function formatSpecialToken(token: string): string {
  if (token.startsWith('<') && token.endsWith('>')) return '#' + token.replace(/^[<>]+|[<>]+$/g, '');
  return token;
}
