/**
 * The main-thread side of `npm run bench`'s blocking table: loads a model and explains one text
 * with gradscope's explain worker or in-process (`runtime: 'main-thread'`), and reports the
 * page's long tasks (PerformanceObserver 'longtask', installed in main-thread.html's head).
 */
import { workerExplainer, type ExplainRuntime } from '../../src/worker/client.js';

/** What one page load measured. */
export interface BlockingResult {
  runtime: ExplainRuntime;
  /** Longest main-thread task (ms) from page start to the result. */
  longestTaskMs: number;
  /** Sum over long tasks of their time beyond 50 ms (Lighthouse's total blocking time). */
  totalBlockingMs: number;
  /** Number of long tasks (over 50 ms). */
  longTasks: number;
  /** Load plus one explanation, wall clock (ms). */
  wallMs: number;
}

const api = {
  async measure(model: string, text: string, nSteps: number, runtime: ExplainRuntime): Promise<BlockingResult> {
    const t0 = performance.now();
    const explain = await workerExplainer('text-classification', model, { device: 'wasm', localOnly: true, externalData: true, runtime });
    await explain(text, { nSteps });
    const wallMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 300)); // let the observer deliver the last entries
    await explain.dispose();
    const tasks = (window as unknown as { __longTasks: number[] }).__longTasks;
    return {
      runtime,
      longestTaskMs: Math.max(0, ...tasks),
      totalBlockingMs: tasks.reduce((s, d) => s + Math.max(0, d - 50), 0),
      longTasks: tasks.length,
      wallMs,
    };
  },
};

export type MainThreadPageApi = typeof api;
(window as unknown as { gradscopeBlocking: MainThreadPageApi }).gradscopeBlocking = api;
