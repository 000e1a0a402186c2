// Test page for the graph cache (src/runtime/graph-cache.ts). Driven by ../graph-cache.spec.ts.
import { clearModelCache, workerExplainer, type ExplainRuntime } from '../../../src/worker/client.js';
import { MODEL_CACHE } from '../../../src/worker/model-cache.js';
import { storedGraphs, type StoredGraphInfo } from '../../../src/runtime/graph-cache.js';
import { expose } from './expose.js';

export const api = {
  /** Loads a model in a fresh explainer and explains once: attributions and the time of each part. */
  async visit(model: string, text: string, runtime: ExplainRuntime, nSteps: number, externalData = false): Promise<{ words: [string, number][]; loadMs: number; firstCallMs: number; stages: string[] }> {
    const stages: string[] = [];
    const t0 = performance.now();
    const explain = await workerExplainer('text-classification', model, { device: 'wasm', runtime, externalData, ...(model.startsWith('/') ? { localOnly: true } : {}) });
    const t1 = performance.now();
    const r = await explain(text, { nSteps, internalBatchSize: 4, compat: 'transformers-interpret', onStatus: (p) => stages.push(p.stage) });
    const t2 = performance.now();
    await explain.dispose();
    return { words: r.wordAttributions, loadMs: t1 - t0, firstCallMs: t2 - t1, stages: [...new Set(stages)] };
  },

  /** The stored graphs, once `count` of them are there (they are written in the background), at most 5 s. */
  async stored(count: number): Promise<StoredGraphInfo[]> {
    let all = await storedGraphs();
    for (let i = 0; i < 50 && all.length < count; i++) {
      await new Promise((r) => setTimeout(r, 100));
      all = await storedGraphs();
    }
    return all;
  },

  /** Stored graphs whose hit count reached `hits` (the use is recorded in the background), at most 5 s. */
  async hits(hits: number): Promise<StoredGraphInfo[]> {
    let all = await storedGraphs();
    for (let i = 0; i < 50 && !all.some((g) => g.hits >= hits); i++) {
      await new Promise((r) => setTimeout(r, 100));
      all = await storedGraphs();
    }
    return all;
  },

  /** The one clear call; then what is left of both caches. */
  async clear(): Promise<{ had: boolean; graphsLeft: number; filesCache: boolean }> {
    const had = await clearModelCache();
    return { had, graphsLeft: (await storedGraphs()).length, filesCache: await caches.has(MODEL_CACHE) };
  },

  /** IndexedDB refusing every open (as storage that is full or switched off does). */
  breakIndexedDb(): void {
    IDBFactory.prototype.open = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  },
};

expose('graph-cache', api);
