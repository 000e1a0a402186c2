// Test page for the explain worker (src/worker). Driven by ../worker.spec.ts.
import { clearModelCache, workerExplainer, type ExplainRuntime, type RuntimeProgress } from '../../../src/worker/client.js';
import type { SequenceClassificationResult } from '../../../src/types.js';
import { expose } from './expose.js';

const MODELS = '/test/fixtures/models';

/** Every worker the page starts, so a test can talk to the explain worker directly. */
const workers: Worker[] = [];
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workers.push(this);
  }
};

function brief(p: RuntimeProgress): string {
  return p.stage === 'download' ? `download ${p.file ?? ''} ${p.loaded ?? 0}/${p.bytes ?? '?'}` : `${p.stage} ${p.done ?? ''}/${p.total ?? ''}`;
}

export const api = {
  /** Loads and explains once; returns the result, the device and every progress report. */
  async explainText(model: string, text: string, nSteps: number, runtime: ExplainRuntime): Promise<{ result: SequenceClassificationResult; device: string; runtime: string; load: string[]; run: string[] }> {
    const load: string[] = [];
    const run: string[] = [];
    const explain = await workerExplainer('text-classification', `${MODELS}/${model}`, { device: 'wasm', localOnly: true, runtime, onProgress: (p) => load.push(brief(p)) });
    const result = await explain(text, { nSteps, internalBatchSize: 2, compat: 'transformers-interpret', onStatus: (p) => run.push(brief(p)) });
    await explain.dispose();
    return { result, device: explain.device, runtime: explain.runtime, load, run };
  },

  /**
   * Starts a long explanation, aborts it after its first integrated chunk, and measures how long
   * the rejection took; then explains again with the same function.
   */
  async cancelAndReuse(model: string, text: string): Promise<{ errorName: string; cancelMs: number; chunksBeforeCancel: number; afterwards: number }> {
    const explain = await workerExplainer('text-classification', `${MODELS}/${model}`, { device: 'wasm', localOnly: true });
    await explain(text, { nSteps: 2 }); // graphs built, sessions warm
    const controller = new AbortController();
    let chunks = 0;
    let abortedAt = 0;
    let errorName = 'none';
    try {
      await explain(text, {
        nSteps: 400,
        internalBatchSize: 4,
        signal: controller.signal,
        onProgress: (done) => {
          if (done > 0 && ++chunks === 1) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
    } catch (err) {
      errorName = (err as Error).name;
    }
    const cancelMs = performance.now() - abortedAt;
    const again = await explain(text, { nSteps: 4 });
    await explain.dispose();
    return { errorName, cancelMs, chunksBeforeCancel: chunks, afterwards: again.wordAttributions.length };
  },

  /** Image classification with an image URL relative to this page; attributions summarised for JSON. */
  async explainImage(model: string, image: string, runtime: ExplainRuntime): Promise<{ isFloat32: boolean; length: number; shape: number[]; sum: number; maxAbs: number; predicted: number }> {
    const explain = await workerExplainer('image-classification', `${MODELS}/${model}`, { device: 'wasm', localOnly: true, runtime });
    const r = await explain(image, { nSteps: 4, attributionType: 'IG' }); // plain IG: deterministic
    await explain.dispose();
    let sum = 0;
    let maxAbs = 0;
    for (const v of r.attributions) {
      sum += v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    return { isFloat32: r.attributions instanceof Float32Array, length: r.attributions.length, shape: [...r.shape], sum, maxAbs, predicted: r.predictedClassIndex };
  },

  /** Loads a Hub model in a fresh worker and explains once; the time of each part. */
  async loadHub(id: string, text: string): Promise<{ loadMs: number; firstCallMs: number; tokens: number }> {
    const t0 = performance.now();
    const explain = await workerExplainer('text-classification', id, { device: 'wasm' });
    const t1 = performance.now();
    const r = await explain(text, { nSteps: 2 });
    const t2 = performance.now();
    await explain.dispose();
    return { loadMs: t1 - t0, firstCallMs: t2 - t1, tokens: r.wordAttributions.length };
  },

  clearModelCache(): Promise<boolean> {
    return clearModelCache();
  },

  /**
   * WebGPU, then the device is destroyed while a call runs: the call still completes (on wasm,
   * with one warning), and the explainer reports its new device.
   */
  async deviceLoss(model: string, text: string): Promise<{ before: string; after: string; result: SequenceClassificationResult; warnings: string[] }> {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => {
      warnings.push(a.map(String).join(' '));
      warn(...a);
    };
    try {
      const explain = await workerExplainer('text-classification', `${MODELS}/${model}`, { device: 'webgpu', localOnly: true });
      const before = explain.device;
      const worker = workers.at(-1);
      if (!worker) throw new Error('no worker started');
      await explain(text, { nSteps: 2 }); // sessions made: the device exists
      let lost = false;
      const result = await explain(text, {
        nSteps: 64, // 32 chunks: the loss lands while chunks remain
        internalBatchSize: 2,
        compat: 'transformers-interpret',
        onProgress: (done) => {
          if (done > 0 && !lost) {
            lost = true;
            worker.postMessage({ type: 'simulate-device-loss', id: -1 });
          }
        },
      });
      const after = explain.device;
      await explain.dispose();
      return { before, after, result, warnings };
    } finally {
      console.warn = warn;
    }
  },
};

expose('worker', api);
