// Test page for the gradient graphs and explainers on WebGPU. Driven by ../engine.spec.ts.
import { SequenceClassificationExplainer } from '../../../src/explainers/sequence-classification.js';
import type { Device } from '../../../src/runtime/ort.js';
import type { SequenceClassificationResult } from '../../../src/types.js';
import { PROBES, runProbe, type ProbeResult } from '../../shared/gradient-probe.js';
import { expose } from './expose.js';

export const api = {
  async probe(name: string, device: Device): Promise<ProbeResult> {
    const spec = PROBES[name];
    const bytes = new Uint8Array(await (await fetch(`/test/fixtures/models/${spec.model}/onnx/model.onnx`)).arrayBuffer());
    return runProbe(bytes, spec, device, device === 'webgpu');
  },

  async explainSequence(model: string, text: string, device: Device, options: { className?: string; nSteps?: number } = {}): Promise<SequenceClassificationResult & { ms: number }> {
    const t0 = performance.now();
    const ex = await SequenceClassificationExplainer.fromPretrained(`/test/fixtures/models/${model}`, { device, localOnly: true });
    const r = await ex.explain(text, { compat: 'transformers-interpret', ...options });
    return { ...r, ms: performance.now() - t0 };
  },
};

export type EngineApi = typeof api;
expose('engine', api);
