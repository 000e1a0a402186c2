import { describe, expect, it } from 'vitest';
import { textRuns, wordsFitTexts } from '../../src/viz/word-runs.js';

describe('textRuns', () => {
  it('keeps the text between words, so the runs join back to the text', () => {
    const text = '  Hello, <b>wörld</b>!  ';
    const words = [
      { start: 2, end: 7 },
      { start: 7, end: 8 },
      { start: 12, end: 17 },
    ];
    const runs = textRuns(text, words);
    expect(runs.map((r) => r.text).join('')).toBe(text);
    expect(runs.filter((r) => r.word !== undefined).map((r) => r.text)).toEqual(['Hello', ',', 'wörld']);
    expect(runs[0]).toEqual({ text: '  ' });
  });

  it('leaves out words that do not fit the text instead of painting the wrong characters', () => {
    const runs = textRuns('abc', [{ start: 1, end: 9 }, { start: 0, end: 1 }]);
    expect(runs.map((r) => r.text).join('')).toBe('abc');
    expect(runs.filter((r) => r.word !== undefined)).toEqual([{ text: 'a', word: 1 }]);
  });

  it('wordsFitTexts checks text === input.slice(start, end) per segment', () => {
    expect(wordsFitTexts(['a b', 'cd'], [{ text: 'b', start: 2, end: 3, segment: 0 }, { text: 'cd', start: 0, end: 2, segment: 1 }])).toBe(true);
    expect(wordsFitTexts(['a b'], [{ text: 'x', start: 2, end: 3, segment: 0 }])).toBe(false);
  });
});
