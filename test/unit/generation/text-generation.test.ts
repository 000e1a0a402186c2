import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradscopeError } from '../../../src/errors.js';
import { TextGenerationExplainer } from '../../../src/explainers/text/generation/explainer.js';
import { MAX_NEW_TOKENS_CAP } from '../../../src/explainers/text/generation/types.js';

interface LmReference {
  prompt: string;
  prompt_ids: number[];
  target_ids: number[];
  target_log_probs: number[];
  token_attr: number[][];
  seq_attr: number[];
}

const ref = (model: string, c: string): LmReference => JSON.parse(fs.readFileSync(`test/fixtures/reference/${model}/${c}.json`, 'utf8')) as LmReference;
const maxDiff = (a: readonly number[], b: readonly number[]): number => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};
const TOL = 1e-3;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GradscopeError);
    return (e as GradscopeError).code;
  }
  return 'no error';
}

for (const model of ['gpt2-tiny', 'llama-tiny']) {
  describe(`text generation: ${model}`, () => {
    let ex: TextGenerationExplainer;
    beforeAll(async () => {
      ex = await TextGenerationExplainer.fromPretrained(`test/fixtures/models/${model}`, { localOnly: true, device: 'cpu' });
    });
    afterAll(() => ex.dispose());

    it('greedy generation with the KV cache and compat captum match captum 0.7 (generate_5)', async () => {
      const r0 = ref(model, 'generate_5');
      const r = await ex.explain(r0.prompt, { maxNewTokens: 5, compat: 'captum' });
      expect(r.promptIds).toEqual(r0.prompt_ids);
      expect(r.targetIds).toEqual(r0.target_ids);
      r.tokenAttributions.forEach((row, i) => expect(maxDiff(row, r0.token_attr[i])).toBeLessThan(TOL));
      expect(maxDiff(r.sequenceAttributions, r0.seq_attr)).toBeLessThan(TOL);
      expect(maxDiff(r.targetLogProbs, r0.target_log_probs)).toBeLessThan(1e-4);
      // One run per generated token (the first reads the prompt, the rest one token with the cache).
      expect(r.modelRuns.generation).toBe(5);
      // Embedding lookup + path ends + one batched integration run for all five targets.
      expect(r.modelRuns.attribution).toBe(3);
    });

    it('a given target, tokenised without special tokens, matches captum (target_text)', async () => {
      const r0 = ref(model, 'target_text');
      const r = await ex.explain(r0.prompt, { target: ' Germany and Europe', compat: 'captum' });
      expect(r.targetIds).toEqual(r0.target_ids);
      expect(r.modelRuns.generation).toBe(0);
      r.tokenAttributions.forEach((row, i) => expect(maxDiff(row, r0.token_attr[i])).toBeLessThan(TOL));
      expect(maxDiff(r.sequenceAttributions, r0.seq_attr)).toBeLessThan(TOL);
      expect(r.generatedText).toBe(' Germany and Europe');
    });

    it('by default attributes to the prompt and earlier targets; completeness holds per target', async () => {
      const r = await ex.explain('The movie was great because', { maxNewTokens: 3 });
      const P = r.promptIds.length;
      expect(r.tokenAttributions.map((row) => row.length)).toEqual([P, P + 1, P + 2]);
      for (const d of r.delta) expect(Math.abs(d)).toBeLessThan(1e-4);
      // Earlier targets are integrated too: target 2's score for target 0 is not zero.
      expect(Math.abs(r.tokenAttributions[2][P])).toBeGreaterThan(0);
      expect(r.attributedPositions).toBe('source-and-target');
    });

    it("nSteps 'auto' converges and agrees with 50 steps", async () => {
      const r0 = ref(model, 'target_text');
      const r = await ex.explain(r0.prompt, { target: ' Germany', compat: 'captum', nSteps: 'auto' });
      expect(r.autoSteps?.converged).toBe(true);
      r.tokenAttributions.forEach((row, i) => expect(maxDiff(row, r0.token_attr[i])).toBeLessThan(5e-3));
    });

    it('rejects bad input with typed errors', async () => {
      expect(await codeOf(ex.explain(''))).toBe('empty-text');
      expect(await codeOf(ex.explain('Hi', { maxNewTokens: 0 }))).toBe('bad-max-new-tokens');
      expect(await codeOf(ex.explain('Hi', { maxNewTokens: MAX_NEW_TOKENS_CAP + 1 }))).toBe('bad-max-new-tokens');
      expect(await codeOf(ex.explain('Hi', { target: '' }))).toBe('empty-target');
      expect(await codeOf(ex.explain('Hi', { baseline: -1 }))).toBe('bad-baseline');
      expect(await codeOf(ex.explain('Hi', { maxNewToken: 3 } as never))).toBe('unknown-option');
      expect(await codeOf(ex.explain('Hi', { evaluate: true } as never))).toBe('evaluate-unsupported');
      expect(await codeOf(ex.explain('Hi', { algorithm: 'saliency' } as never))).toBe('algorithm-unsupported');
      const long = 'a b '.repeat(200);
      expect(await codeOf(ex.explain(long, { target: ' c' }))).toBe('input-too-long');
      const cut = await ex.explain(long, { target: ' c', truncation: true, nSteps: 2 });
      expect(cut.promptIds.length + cut.targetIds.length).toBe(ex.maxPositions);
    });
  });
}

describe('text generation: wrong model kind', () => {
  it('refuses a sequence classifier', async () => {
    expect(await codeOf(TextGenerationExplainer.fromPretrained('test/fixtures/models/distilbert-sst2', { localOnly: true, device: 'cpu' }))).toBe('wrong-model-kind');
  });
});
