import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TextGenerationExplainer } from '../../../src/explainers/text/generation/explainer.js';
import { writeLmVariant, type LmVariant } from './lm-variants.js';

interface LmReference {
  prompt: string;
  target_ids: number[];
  token_attr: number[][];
}

const CASES: { model: string; variants: LmVariant[] }[] = [
  { model: 'gpt2-tiny', variants: ['no-past'] },
  { model: 'gpt2-tiny', variants: ['no-position-ids', 'num-logits-to-keep'] },
  { model: 'llama-tiny', variants: ['no-past', 'no-position-ids'] },
  { model: 'llama-tiny', variants: ['num-logits-to-keep'] },
];

describe('causal-LM export variants', () => {
  for (const c of CASES) {
    it(`${c.model} ${c.variants.join(' + ')}: same greedy tokens and captum numbers as the reference`, async () => {
      const ref = JSON.parse(fs.readFileSync(`test/fixtures/reference/${c.model}/generate_5.json`, 'utf8')) as LmReference;
      const dir = writeLmVariant(c.model, c.variants);
      const ex = await TextGenerationExplainer.fromPretrained(dir, { localOnly: true, device: 'cpu' });
      try {
        const inputs = ex.text.model.inputNames;
        expect(inputs.some((n) => n.startsWith('past_key_values'))).toBe(!c.variants.includes('no-past'));
        expect(inputs.includes('position_ids')).toBe(!c.variants.includes('no-position-ids'));
        expect(inputs.includes('num_logits_to_keep')).toBe(c.variants.includes('num-logits-to-keep'));
        const r = await ex.explain(ref.prompt, { maxNewTokens: 5, compat: 'captum' });
        expect(r.targetIds).toEqual(ref.target_ids);
        expect(r.modelRuns.generation).toBe(5);
        let diff = 0;
        r.tokenAttributions.forEach((row, i) => row.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - ref.token_attr[i][j])))));
        expect(diff).toBeLessThan(1e-3);
      } finally {
        await ex.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
