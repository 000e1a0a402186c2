import { describe, expect, it } from 'vitest';
import type { MultiLabelResult, QuestionAnsweringResult, ZeroShotResult } from '../../src/types.js';
import { answerSpan, convergenceText, rankedLabels } from '../../src/viz/summary.js';

describe('summary', () => {
  it('convergenceText states the delta and whether auto converged', () => {
    expect(convergenceText(0.00123, undefined)).toBe('Delta 0.0012.');
    expect(convergenceText(undefined, { nSteps: 9, evaluations: 14, converged: false, stoppedBy: 'schedule-end', errorEstimate: 0.1 })).toBe(
      'Auto steps: 9 (14 evaluations), not converged: the last answer is shown.',
    );
    expect(convergenceText(undefined, undefined)).toBe('');
  });

  it('rankedLabels: zero-shot by normalised score with the predicted label as winner', () => {
    const r = {
      tokens: [], inputIds: [], rawAttributions: {}, deltas: {},
      wordAttributions: { a: [], b: [], c: [] },
      predictedLabel: 'b',
      labelScores: { a: 0.2, b: 0.5, c: 0.3 },
      labelProbabilities: { a: 0.6, b: 0.9, c: 0.7 },
    } as ZeroShotResult;
    expect(rankedLabels(r).map((l) => [l.label, l.winner])).toEqual([['b', true], ['c', false], ['a', false]]);
  });

  it('rankedLabels: multi-label by sigmoid, every label >= 0.5 predicted', () => {
    const r = {
      tokens: [], inputIds: [], rawAttributions: {}, deltas: {},
      wordAttributions: { joy: [], fear: [], anger: [] },
      labelProbabilities: { joy: 0.7, fear: 0.55, anger: 0.1 },
    } as MultiLabelResult;
    expect(rankedLabels(r).map((l) => [l.label, l.winner, l.predicted])).toEqual([
      ['joy', true, true],
      ['fear', false, true],
      ['anger', false, false],
    ]);
  });

  it('answerSpan maps start..end tokens to context characters; end < start is empty', () => {
    const context = 'Paris is the capital of France.';
    const base = {
      tokens: ['[CLS]', 'capital', '?', '[SEP]', 'paris', 'is', 'the', 'capital', 'of', 'france', '.', '[SEP]'],
      inputIds: [], rawAttributions: { start: [], end: [] }, deltas: { start: 0, end: 0 },
      wordAttributions: { start: [], end: [] },
      predictedAnswer: 'paris is',
      texts: ['Capital?', context],
      words: {
        start: [
          { text: 'Paris', start: 0, end: 5, score: 0, tokens: [4], segment: 1 as const },
          { text: 'is', start: 6, end: 8, score: 0, tokens: [5], segment: 1 as const },
          { text: 'the', start: 9, end: 12, score: 0, tokens: [6], segment: 1 as const },
        ],
        end: [],
      },
    };
    const r = { ...base, startPosition: 4, endPosition: 5 } as QuestionAnsweringResult;
    expect(answerSpan(r)).toEqual({ start: 0, end: 8, text: 'Paris is', empty: false });
    expect(answerSpan({ ...r, startPosition: 6, endPosition: 5 })).toEqual({ text: '', empty: true });
  });
});
