// Test page for the explain worker (src/worker). Driven by ../worker.spec.ts.
import { workerExplainer, type ExplainRuntime, type RuntimeProgress } from '../../../src/worker/client.js';
import type { SequenceClassificationResult } from '../../../src/types.js';
import { expose } from './expose.js';

const MODELS = '/test/fixtures/models';

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
};

expose('worker', api);
