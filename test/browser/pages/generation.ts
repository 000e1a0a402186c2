// Test page for TextGenerationExplainer in the browser (wasm and WebGPU). Driven by ../generation.spec.ts.
import { TextGenerationExplainer } from '../../../src/explainers/text/generation/explainer.js';
import type { Device } from '../../../src/runtime/ort.js';
import { expose } from './expose.js';

interface LmReference { prompt: string; target_ids: number[]; token_attr: number[][] }

export const api = {
  /** The generate_5 captum case: greedy tokens and the max abs difference of the token attributions. */
  async captumCase(model: string, device: Device): Promise<{ targetIds: number[]; refTargetIds: number[]; maxDiff: number; device: string; ms: number }> {
    const ref = (await (await fetch(`/test/fixtures/reference/${model}/generate_5.json`)).json()) as LmReference;
    const t0 = performance.now();
    const ex = await TextGenerationExplainer.fromPretrained(`/test/fixtures/models/${model}`, { device, localOnly: true });
    const r = await ex.explain(ref.prompt, { maxNewTokens: 5, compat: 'captum' });
    let maxDiff = 0;
    r.tokenAttributions.forEach((row, i) => row.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - (ref.token_attr[i]?.[j] ?? NaN))))));
    const out = { targetIds: r.targetIds, refTargetIds: ref.target_ids, maxDiff, device: ex.text.model.device, ms: performance.now() - t0 };
    await ex.dispose();
    return out;
  },
};

export type GenerationApi = typeof api;
expose('generation', api);
