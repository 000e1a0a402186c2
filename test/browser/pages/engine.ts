// Test page for the gradient graphs and explainers on WebGPU. Driven by ../engine.spec.ts.
import { ImageClassificationExplainer } from '../../../src/explainers/image/image-classification.js';
import { SequenceClassificationExplainer } from '../../../src/explainers/text/sequence-classification.js';
import type { Device } from '../../../src/runtime/ort.js';
import type { SequenceClassificationResult } from '../../../src/types.js';
import { PROBES, runProbe, type ProbeResult } from '../../support/gradient-probe.js';
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

  /** IG of an image model fed the reference's own pixel_values, compared with the reference. */
  async explainImageReference(model: string, device: Device): Promise<{ relMaxDiff: number; predicted: number; refPredicted: number; device: string; ms: number }> {
    const bin = async (p: string): Promise<Float32Array> => new Float32Array(await (await fetch(`/test/fixtures/reference/${model}/${p}`)).arrayBuffer());
    const [pixelValues, reference] = await Promise.all([bin('pixel_values.f32.bin'), bin('ig.attributions.f32.bin')]);
    const ref = (await (await fetch(`/test/fixtures/reference/${model}/ig.json`)).json()) as { prediction: { predicted_index: number } };
    const t0 = performance.now();
    const ex = await ImageClassificationExplainer.fromPretrained(`/test/fixtures/models/${model}`, { device, localOnly: true });
    const r = await ex.explain({ pixelValues, shape: [1, 3, 224, 224] }, { attributionType: 'IG', nSteps: 50 });
    let diff = 0;
    let scale = 0;
    reference.forEach((v, i) => {
      scale = Math.max(scale, Math.abs(v));
      diff = Math.max(diff, Math.abs(v - r.attributions[i]));
    });
    return { relMaxDiff: diff / scale, predicted: r.predictedClassIndex, refPredicted: ref.prediction.predicted_index, device: ex.model.device, ms: performance.now() - t0 };
  },
};

export type EngineApi = typeof api;
expose('engine', api);
