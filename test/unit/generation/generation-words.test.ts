import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextGenerationExplainer } from '../../../src/explainers/text/generation/explainer.js';
import type { TextGenerationResult } from '../../../src/explainers/text/generation/types.js';
import type { TextWord } from '../../../src/types.js';
import { generationWordMapper } from '../../../src/explainers/text/generation/words.js';

// HTML, an emoji split across byte-level tokens, accents, and the model's own special token as text.
const HOSTILE = {
  'gpt2-tiny': '<b onclick="alert(1)">Héllo</b> 🎉 wörld &amp; <|endoftext|> "done"',
  'llama-tiny': '<b onclick="alert(1)">Héllo</b> 🎉 wörld &amp; </s> "done"',
} as const;

/** Checks words against the texts they claim and the scores they sum. */
function checkWords(words: readonly TextWord[], r: TextGenerationResult, scores: readonly number[], special: ReadonlySet<number>): void {
  const ids = [...r.promptIds, ...r.targetIds];
  const seen = new Set<number>();
  for (const w of words) {
    const text = w.segment === 0 ? r.prompt : r.generatedText;
    expect(w.text).toBe(text.slice(w.start, w.end));
    expect(w.text.trim().length).toBeGreaterThan(0);
    const sum = w.tokens.reduce((s, i) => s + scores[i], 0);
    expect(Math.abs(w.score - sum)).toBeLessThan(1e-12);
    for (const i of w.tokens) {
      expect(i).toBeLessThan(scores.length);
      expect(special.has(ids[i])).toBe(false);
      expect(w.segment).toBe(i < r.promptIds.length ? 0 : 1);
      expect(seen.has(i)).toBe(false);
      seen.add(i);
    }
  }
  // Every scored token that is not special and spells something lands in a word.
  const covered = scores.map((_, i) => i).filter((i) => !special.has(ids[i]) && (i < r.promptIds.length ? r.promptTokens[i] : r.targetTokens[i - r.promptIds.length]).trim() !== '');
  expect([...seen].sort((a, b) => a - b)).toEqual(covered);
}

for (const model of ['gpt2-tiny', 'llama-tiny'] as const) {
  describe(`text-generation words: ${model}`, () => {
    let ex: TextGenerationExplainer;
    let special: Set<number>;
    beforeAll(async () => {
      ex = await TextGenerationExplainer.fromPretrained(`test/fixtures/models/${model}`, { localOnly: true, device: 'cpu' });
      special = new Set(Object.values(ex.text.tokenizer.specialTokenIds).filter((v): v is number => typeof v === 'number'));
    });
    afterAll(() => ex.dispose());

    it('prompt words and per-target words over prompt + earlier targets (hostile prompt)', async () => {
      const prompt = HOSTILE[model];
      const r = await ex.explain(prompt, { target: ' <i>ok</i> 🎉 déjà', nSteps: 4 });
      // gpt2-tiny reads the literal <|endoftext|> as its special token; it must make no word.
      if (model === 'gpt2-tiny') expect(r.promptIds.some((id) => special.has(id))).toBe(true);
      expect(r.words?.length).toBeGreaterThan(5);
      checkWords(r.words ?? [], r, r.sequenceAttributions, special);
      expect(r.words?.every((w) => w.segment === 0)).toBe(true);
      expect(r.words?.map((w) => w.text)).toContain('Héllo');
      expect(r.targetWords).toHaveLength(r.targetIds.length);
      r.targetWords?.forEach((words, i) => {
        checkWords(words, r, r.tokenAttributions[i], special);
        // Target i scores the prompt and targets 0..i-1 (a lone space token makes no word).
        expect(words.some((w) => w.segment === 1)).toBe(r.targetTokens.slice(0, i).some((t) => t.trim() !== ''));
      });
      const lastWords = r.targetWords?.at(-1) ?? [];
      expect(lastWords.filter((w) => w.segment === 1).map((w) => w.text).slice(0, 3)).toEqual(['<', 'i', '>']);
    });

    it("compat 'captum': per-target words cover the prompt only; generated text maps too", async () => {
      const r = await ex.explain('Berlin is a city in', { maxNewTokens: 3, nSteps: 4, compat: 'captum' });
      checkWords(r.words ?? [], r, r.sequenceAttributions, special);
      r.targetWords?.forEach((words, i) => {
        checkWords(words, r, r.tokenAttributions[i], special);
        expect(words.every((w) => w.segment === 0)).toBe(true);
      });
    });
  });
}

describe('text-generation words: SentencePiece (metaspace) spelling', () => {
  // A Llama-style vocabulary: BOS <s>, ▁ for spaces, byte fallback for the emoji.
  const vocab: Record<number, string> = { 1: '<s>', 2: '</s>', 10: '▁<', 11: 'b', 12: '>', 13: 'Hé', 14: 'llo', 15: '▁', 16: '<0xF0>', 17: '<0x9F>', 18: '<0x8E>', 19: '<0x89>', 20: '▁wörld', 21: '▁again' };
  const src = { spec: { spelling: 'metaspace', unkToken: '<unk>' } as const, idToToken: (id: number) => vocab[id], specialIds: new Set([1, 2]) };
  const prompt = '<b>Héllo 🎉 wörld';
  const promptIds = [1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const targetIds = [21, 2];
  const words = generationWordMapper(src, prompt, ' again', promptIds, targetIds);

  it('maps prompt and target tokens to the caller text, specials left out', () => {
    const scores = promptIds.map((_, i) => (i + 1) / 8);
    const w = words(scores);
    expect(w.map((x) => x.text)).toEqual(['<', 'b', '>', 'Héllo', '🎉', 'wörld']);
    for (const x of w) {
      expect(x.text).toBe(prompt.slice(x.start, x.end));
      expect(Math.abs(x.score - x.tokens.reduce((s, i) => s + scores[i], 0))).toBeLessThan(1e-12);
      expect(x.tokens).not.toContain(0);
    }
    expect(w.find((x) => x.text === '🎉')?.tokens).toEqual([7, 8, 9, 10]);
    const all = words([...scores, 0.5, 0.25]);
    expect(all.at(-1)).toMatchObject({ text: 'again', start: 1, end: 6, segment: 1, tokens: [12] });
  });
});
