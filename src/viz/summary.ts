/**
 * Short facts shown next to a result: how well the integration converged, labels ranked by
 * score, and where a question's answer sits in its context.
 *
 * @module
 */
import type { AutoStepsInfo, MultiLabelResult, QuestionAnsweringResult, TextWord, ZeroShotResult } from '../types.js';

/**
 * One sentence about convergence: the delta (sum of attributions minus the output change) and,
 * for `nSteps: 'auto'`, whether the tolerance was met. Empty when there is neither.
 *
 * @example
 * ```ts
 * convergenceText(0.0012, { nSteps: 9, evaluations: 14, converged: true, stoppedBy: 'agreement', errorEstimate: 1e-4 });
 * // 'Delta 0.0012. Auto steps: 9 (14 evaluations), converged.'
 * ```
 */
export function convergenceText(delta: number | undefined, auto: AutoStepsInfo | undefined): string {
  const parts: string[] = [];
  if (delta !== undefined && delta !== null && Number.isFinite(delta)) parts.push(`Delta ${formatDelta(delta)}.`);
  if (auto) {
    parts.push(`Auto steps: ${auto.nSteps} (${auto.evaluations} evaluations), ${auto.converged ? 'converged' : 'not converged: the last answer is shown'}.`);
  }
  return parts.join(' ');
}

/** A delta with four significant digits, `0` as `0`. */
export function formatDelta(delta: number): string {
  return delta === 0 ? '0' : Math.abs(delta) >= 1e-3 ? delta.toFixed(4) : delta.toExponential(2);
}

/** A candidate label of a zero-shot or multi-label result. */
export interface RankedLabel {
  label: string;
  /** The ranking score: zero-shot's normalised score, multi-label's sigmoid. */
  score: number;
  /** The explained probability (entailment or sigmoid). */
  probability: number | undefined;
  /** The top label (zero-shot: the predicted one). */
  winner: boolean;
  /** Multi-label: sigmoid >= 0.5; zero-shot: the winner. */
  predicted: boolean;
}

/**
 * Labels of a zero-shot or multi-label result, best first.
 *
 * @example
 * ```ts
 * rankedLabels(zeroShot)[0]; // { label: 'technology', score: 0.41, probability: 0.52, winner: true, predicted: true }
 * ```
 */
export function rankedLabels(result: ZeroShotResult | MultiLabelResult): RankedLabel[] {
  const labels = Object.keys(result.wordAttributions);
  const zeroShot = 'predictedLabel' in result;
  const scoreOf = (l: string): number =>
    zeroShot ? ((result as ZeroShotResult).labelScores[l] ?? result.labelProbabilities[l] ?? 0) : (result.labelProbabilities[l] ?? 0);
  const sorted = [...labels].sort((a, b) => scoreOf(b) - scoreOf(a));
  const top = zeroShot ? (result as ZeroShotResult).predictedLabel : sorted[0];
  return sorted.map((label) => {
    const probability = result.labelProbabilities[label];
    return {
      label,
      score: scoreOf(label),
      probability,
      winner: label === top,
      predicted: zeroShot ? label === top : (probability ?? 0) >= 0.5,
    };
  });
}

/** Where the predicted answer is in the context. */
export interface AnswerSpan {
  /** Characters of the context (`texts[1]`), when the result has words. */
  start?: number;
  end?: number;
  /** The answer text. */
  text: string;
  /** True when the end position is before the start: the answer is empty. */
  empty: boolean;
}

/**
 * The answer of a QA result as a character span of its context, from the words covering the
 * tokens `startPosition..endPosition`.
 *
 * @example
 * ```ts
 * answerSpan(qa); // { start: 84, end: 112, text: 'the usage of machines ...', empty: false }
 * ```
 */
export function answerSpan(result: QuestionAnsweringResult): AnswerSpan {
  const empty = result.endPosition < result.startPosition;
  if (empty) return { text: '', empty };
  const words: TextWord[] = result.words?.start ?? [];
  const context = result.texts?.[1];
  const inside = words.filter(
    (w) => w.segment === 1 && w.tokens.some((t) => t >= result.startPosition && t <= result.endPosition),
  );
  if (context === undefined || inside.length === 0) return { text: result.predictedAnswer, empty };
  const start = Math.min(...inside.map((w) => w.start));
  const end = Math.max(...inside.map((w) => w.end));
  return { start, end, text: context.slice(start, end), empty };
}
