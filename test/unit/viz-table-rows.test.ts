import { describe, expect, it } from 'vitest';
import { detectResultKind } from '../../src/viz/result-kind.js';
import { attributionScore, formatPredicted, formatSpecialToken, tableRows } from '../../src/viz/table-rows.js';
import { mergeSubwords } from '../../src/viz/subwords.js';
import {
  imageResult,
  multiLabelResult,
  qaResult,
  sequenceResult,
  tokenClassificationResult,
  zeroShotResult,
} from './viz-fixture-results.js';

describe('detectResultKind', () => {
  it('tells every reference result apart by shape', () => {
    expect(detectResultKind(sequenceResult())).toBe('sequence');
    expect(detectResultKind(sequenceResult('minilm-cross-encoder', 'flip_sign_true'))).toBe('sequence');
    expect(detectResultKind(multiLabelResult())).toBe('multi-label');
    expect(detectResultKind(zeroShotResult())).toBe('zero-shot');
    expect(detectResultKind(qaResult())).toBe('question-answering');
    expect(detectResultKind(tokenClassificationResult())).toBe('token-classification');
    expect(detectResultKind(imageResult())).toBe('image');
  });
  it('rejects things that are not results', () => {
    expect(() => detectResultKind({} as never)).toThrow(/not a gradscope result/);
  });
});

describe('tableRows', () => {
  const sum = (xs: [string, number][]): number => xs.reduce((a, [, s]) => a + s, 0);

  it('sequence: one row, predicted class with probability, score = sum of normalised attributions', () => {
    const r = sequenceResult();
    const [row] = tableRows(r);
    expect(tableRows(r)).toHaveLength(1);
    expect(row?.predictedLabel).toBe('POSITIVE');
    expect(formatPredicted(row ?? { predictedLabel: '', predictedProbability: 0 })).toBe('POSITIVE (0.51)');
    expect(row?.attributionLabel).toBe('POSITIVE');
    expect(row?.attributionScore).toBeCloseTo(sum(r.wordAttributions), 12);
    expect(row?.trueLabel).toBe('n/a');
    expect(tableRows({ ...r, trueLabel: 'NEGATIVE' })[0]?.trueLabel).toBe('NEGATIVE');
  });

  it('multi-label: one row per label with that label probability', () => {
    const r = multiLabelResult();
    const rows = tableRows(r);
    expect(rows.map((x) => x.key)).toEqual(['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise']);
    expect(formatPredicted(rows[0] ?? { predictedLabel: '', predictedProbability: 0 })).toBe('(0.50)');
    for (const row of rows) expect(row.attributionScore).toBeCloseTo(sum(r.wordAttributions[row.key] ?? []), 12);
  });

  it('zero-shot: one row per candidate label', () => {
    const rows = tableRows(zeroShotResult());
    expect(rows.map((x) => x.attributionLabel)).toEqual(['finance', 'technology', 'sports']);
    expect(rows.every((x) => x.predictedLabel === x.attributionLabel)).toBe(true);
  });

  it('question answering: start and end rows labelled token (position)', () => {
    const r = qaResult();
    const rows = tableRows(r);
    expect(rows.map((x) => x.key)).toEqual(['start', 'end']);
    expect(rows[0]?.attributionLabel).toBe(`${r.tokens[r.startPosition]} (${r.startPosition})`);
    expect(rows[1]?.attributionLabel).toBe(`${r.tokens[r.endPosition]} (${r.endPosition})`);
    expect(rows[0]?.predictedLabel).toBe(r.predictedAnswer);
    expect(formatPredicted(rows[0] ?? { predictedLabel: '', predictedProbability: 0 })).toBe(r.predictedAnswer);
  });

  it('token classification: one row per token position, repeated tokens kept apart', () => {
    const r = tokenClassificationResult('repeated_tokens');
    const rows = tableRows(r);
    expect(rows).toHaveLength(r.wordAttributions.length);
    expect(new Set(rows.map((x) => x.key)).size).toBe(rows.length);
    const paris = rows.filter((x) => x.attributionLabel.startsWith('paris ('));
    expect(paris).toHaveLength(3);
  });

  it('image results have no rows', () => {
    expect(tableRows(imageResult())).toEqual([]);
  });

  it('formats like captum', () => {
    expect(formatSpecialToken('<s>')).toBe('#s');
    expect(formatSpecialToken('</s>')).toBe('#/s');
    expect(formatSpecialToken('[CLS]')).toBe('[CLS]');
    expect(attributionScore([])).toBe(0);
  });
});

describe('mergeSubwords', () => {
  it('merges WordPiece continuations and sums their scores', () => {
    const r = tokenClassificationResult();
    const merged = mergeSubwords(r.wordAttributions[0]?.attributions ?? []);
    const words = merged.map((m) => m.text);
    expect(words).toContain('emmanuel');
    expect(words).toContain('macron');
    expect(words).toContain('[CLS]');
    const em = merged.find((m) => m.text === 'emmanuel');
    expect(em?.pieceTokens).toEqual(['em', '##man', '##uel']);
    const src = r.wordAttributions[0]?.attributions ?? [];
    expect(em?.score).toBeCloseTo(em?.pieces.reduce((a, i) => a + (src[i]?.[1] ?? 0), 0) ?? NaN, 12);
  });
  it('uses Ġ / ▁ word-start markers when present, never merging special tokens', () => {
    const merged = mergeSubwords([
      ['<s>', 0],
      ['\u0120fright', 0.1],
      ['ening', 0.2],
      ['\u2581big', 0.3],
      ['</s>', 0],
    ]);
    expect(merged.map((m) => m.text)).toEqual(['<s>', 'frightening', 'big', '</s>']);
  });
});
