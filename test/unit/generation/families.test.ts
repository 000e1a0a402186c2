/**
 * Model families built op by op (test/support/causal-lm-builder.ts, seeded random weights):
 * GPT-2, Llama (untied; tied with grouped-query attention), Qwen2-like (q/k/v biases, GQA) and
 * GPT-NeoX-like (rotary on a quarter of each head, parallel attention and MLP). For each:
 * greedy generation through the key/value cache equals generation that re-reads the whole
 * sequence; the explained log-probabilities equal log-softmax of a plain forward; and
 * completeness holds for every target (a wrong backward rule would break it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextGenerationExplainer } from '../../../src/explainers/text/generation/explainer.js';
import { kvLayout, lmFeeds } from '../../../src/explainers/text/generation/lm-feeds.js';
import { argmax } from '../../../src/explainers/core/math.js';
import { encodeModel } from '../../../src/onnx/model-io.js';
import { buildCausalLm, type LmSpec } from '../../support/causal-lm-builder.js';

const TINY = { layers: 2, heads: 4, hidden: 32, vocab: 892, positions: 128 };
const FAMILIES: [string, LmSpec][] = [
  ['gpt2', { family: 'gpt2', ...TINY }],
  ['llama (untied)', { family: 'llama', ...TINY }],
  ['llama (tied, GQA 4/2)', { family: 'llama', ...TINY, tied: true, kvHeads: 2 }],
  ['qwen2-like (q/k/v biases, GQA 4/1)', { family: 'qwen2', ...TINY, kvHeads: 1 }],
  ['gpt-neox-like (rotary 25%, parallel)', { family: 'gpt-neox', ...TINY, rotaryPct: 0.25 }],
];

function writeFolder(spec: LmSpec): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gradscope-${spec.family}-`));
  const { model, config } = buildCausalLm(spec, 3);
  fs.mkdirSync(path.join(dir, 'onnx'));
  fs.writeFileSync(path.join(dir, 'onnx/model.onnx'), encodeModel(model).bytes);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt']) fs.copyFileSync(`test/fixtures/models/gpt2-tiny/${f}`, path.join(dir, f));
  return dir;
}

function logSoftmaxAt(row: Float32Array, id: number): number {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return row[id] - max - Math.log(sum);
}

describe('causal-LM families', () => {
  for (const [name, spec] of FAMILIES) {
    it(name, async () => {
      const dir = writeFolder(spec);
      const ex = await TextGenerationExplainer.fromPretrained(dir, { localOnly: true, device: 'cpu' });
      try {
        const layout = kvLayout(ex.text.model.onnx.graph, {});
        expect(layout.pairs.map((p) => p.heads)).toEqual(new Array<number>(2 * spec.layers).fill(spec.kvHeads ?? spec.heads));
        const r = await ex.explain('The movie was great because', { maxNewTokens: 4 });
        expect(r.targetIds).toHaveLength(4);
        expect(r.modelRuns.generation).toBe(4);

        // Without the cache: the whole sequence each step, the same tokens; log p from a plain forward.
        const fwd = await ex.text.model.forward();
        const all = [...r.promptIds];
        for (let i = 0; i < r.targetIds.length; i++) {
          const out = await fwd.run(lmFeeds(fwd, layout, all, 1));
          const logits = (await out.logits.getData()) as Float32Array;
          const last = logits.subarray(logits.length - spec.vocab);
          expect(argmax(last)).toBe(r.targetIds[i]);
          expect(Math.abs(logSoftmaxAt(last, r.targetIds[i]) - r.targetLogProbs[i])).toBeLessThan(1e-4);
          all.push(r.targetIds[i]);
        }

        for (const d of r.delta) expect(Math.abs(d)).toBeLessThan(2e-3);
        // Decoded text may tokenise differently (BPE), so the target is checked on its own terms.
        const captum = await ex.explain('The movie was great because', { target: r.generatedText, compat: 'captum' });
        expect(captum.tokenAttributions.every((row) => row.length === r.promptIds.length)).toBe(true);
        for (const d of captum.delta) expect(Math.abs(d)).toBeLessThan(2e-3);
      } finally {
        await ex.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
