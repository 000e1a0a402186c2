// Test page for fp16 files on WebGPU. Driven by ../fp16-webgpu.spec.ts.
import { SequenceClassificationExplainer } from '../../../src/explainers/text/sequence-classification.js';
import { createSession } from '../../../src/runtime/session.js';
import { expose } from './expose.js';

/** One dtype's explanation on device 'webgpu'. */
interface DtypeRun {
  device: string;
  /** Where the prediction (the file as shipped) ran. */
  forwardDevice: string;
  predicted: number;
  probability: number;
  raw: number[];
  words: number[];
  explained: string;
}

const variant = (model: string): string => `/test/fixtures/variants/${model}`;

export const api = {
  /** The adapter's features: whether float16 shaders can run here at all. */
  async adapter(): Promise<{ architecture: string; features: string[] }> {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: Set<string>; info?: { architecture?: string } } | null> } }).gpu;
    const a = await gpu?.requestAdapter();
    return { architecture: a?.info?.architecture ?? 'none', features: a ? [...a.features].sort() : [] };
  },

  /**
   * The fp16 file as shipped, run directly on the WebGPU EP: where ORT places its nodes, and
   * whether a run succeeds (it cannot without shader-f16).
   */
  async shippedOnWebGpu(model: string): Promise<{ placement: Record<string, number>; error: string }> {
    const bytes = new Uint8Array(await (await fetch(`${variant(model)}/onnx/model_fp16.onnx`)).arrayBuffer());
    const s = await createSession(bytes, { device: 'webgpu', reportPlacement: true });
    const placement = Object.fromEntries(Object.entries(s.placement?.byProvider ?? {}).map(([ep, p]) => [ep, p.count]));
    const ids = s.tensor('int64', BigInt64Array.from([101n, 2023n, 102n]), [1, 3]);
    const mask = s.tensor('int64', BigInt64Array.from([1n, 1n, 1n]), [1, 3]);
    const error = await s.run({ input_ids: ids, attention_mask: mask }).then(() => '', (e: unknown) => String(e));
    await s.release();
    return { placement, error };
  },

  async explain(model: string, dtype: 'fp32' | 'fp16', text: string, nSteps: number): Promise<DtypeRun> {
    const ex = await SequenceClassificationExplainer.fromPretrained(variant(model), { device: 'webgpu', localOnly: true, dtype });
    const r = await ex.explain(text, { nSteps });
    const forward = await ex.text.model.forward();
    const out = { device: ex.text.model.device, forwardDevice: forward.device, predicted: r.predictedClassIndex, probability: r.predictedProbability, raw: r.rawAttributions, words: r.wordAttributions.map(([, s]) => s), explained: r.explained ?? 'as-shipped' };
    await ex.dispose();
    return out;
  },
};

export type Fp16Api = typeof api;
expose('fp16', api);
