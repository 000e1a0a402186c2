/**
 * The Chromium side of `npm run bench`: bench/run.ts opens this page (served by vite, which
 * sends the COOP/COEP headers wasm threads need) and calls `window.gradscopeBench`.
 */
import { importOrt, type Device } from '../../src/runtime/ort.js';
import { matmulPeak, runCase, type CaseResult, type CaseSpec } from '../core.js';
import { runGenerationCase, type GenerationCaseResult, type GenerationCaseSpec } from '../generation-case.js';

/** What the page measured besides the cases. */
export interface PageInfo {
  crossOriginIsolated: boolean;
  numThreads: number;
  /** performance.memory.usedJSHeapSize high-water mark seen between calls (JS heap only), bytes. */
  jsHeapPeak: number | null;
}

let heapPeak: number | null = null;
function sampleHeap(): void {
  const mem = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  if (mem) heapPeak = Math.max(heapPeak ?? 0, mem.usedJSHeapSize);
}
setInterval(sampleHeap, 200);

const api = {
  /** Sets the wasm thread count before the first session (ORT reads it once). */
  async setup(threads: number): Promise<PageInfo> {
    const ort = await importOrt('onnxruntime-web/webgpu');
    ort.env.wasm.numThreads = threads;
    return { crossOriginIsolated: globalThis.crossOriginIsolated, numThreads: threads, jsHeapPeak: heapPeak };
  },
  async runCase(spec: CaseSpec, device: Device): Promise<CaseResult> {
    const r = await runCase(spec, device, true);
    sampleHeap();
    return r;
  },
  /** The text-generation case; the heap high-water mark is taken right after it. */
  async runGeneration(spec: GenerationCaseSpec, device: Device): Promise<GenerationCaseResult & { jsHeapPeak: number | null }> {
    // The generated models are single files (no external data).
    const r = await runGenerationCase(spec, device, false);
    sampleHeap();
    return { ...r, jsHeapPeak: heapPeak };
  },
  matmulPeak(device: Device): Promise<{ medianMs: number; gflops: number }> {
    return matmulPeak(device);
  },
  info(): PageInfo {
    sampleHeap();
    return { crossOriginIsolated: globalThis.crossOriginIsolated, numThreads: -1, jsHeapPeak: heapPeak };
  },
};

export type BenchPageApi = typeof api;
(window as unknown as { gradscopeBench: BenchPageApi }).gradscopeBench = api;
