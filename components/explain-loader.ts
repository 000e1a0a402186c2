/**
 * Loading explainers for `<gradscope-explain>`: one page-wide cache (switching the device back
 * and forth, or two elements on one model, must not load and build the gradient graphs again),
 * lazily imported runtime, and the error details the element reports.
 */
import { GradscopeError } from '../src/errors.js';
import type { Device, ResolvedDevice } from '../src/runtime/ort.js';
import type { ExplanationResult } from '../src/types.js';
import type { ExplainRuntime, RuntimeProgress } from '../src/worker/client.js';

/** An explain function of any task. */
export type ExplainFn = (...args: unknown[]) => Promise<ExplanationResult>;

/** A loaded explainer and the device it runs on. */
export interface LoadedExplainer {
  fn: ExplainFn;
  device: ResolvedDevice;
}

/**
 * Loaded explainers of the page, shared by all elements: switching the device back and forth
 * (or two elements on one model) must not load and build the gradient graphs again.
 */
export const loaded = new Map<string, Promise<LoadedExplainer>>();

/** Model ids that are local paths: loaded with `localOnly` (never the Hub). */
export function isLocalModelPath(model: string): boolean {
  return model.startsWith('/') || model.startsWith('./') || model.startsWith('../');
}

/** Loads `model` for `task` in the worker (or in-process with `runtime: 'main-thread'`). */
export async function loadExplainer(task: string, model: string, device: string, localOnly: boolean, dtype: string, runtime: ExplainRuntime, onProgress: (p: RuntimeProgress) => void): Promise<LoadedExplainer> {
  // Lazy: importing the elements (e.g. for static pages of pre-computed results) must not
  // pull in the runtime. The work itself runs in the library's worker (or in-process with
  // runtime="main-thread").
  const [ort, { workerExplainer }, { parseDtype }] = await Promise.all([import('../src/runtime/ort.js'), import('../src/worker/client.js'), import('../src/runtime/model-files.js')]);
  const assertDevice: (d: unknown) => asserts d is Device = ort.assertDevice;
  assertDevice(device);
  if (runtime === 'main-thread' && !localOnly) {
    // A local-only load switches remote models off globally in transformers.js: switch them
    // back on for Hub ids. (Each worker has its own transformers.js, set per load.)
    const { configureTransformers } = await import('../src/runtime/transformers.js');
    await configureTransformers({ allowRemoteModels: true });
  }
  const fn = await workerExplainer(task as Parameters<typeof workerExplainer>[0], model, { device, localOnly, dtype: parseDtype(dtype), runtime, onProgress });
  return { fn: fn as unknown as ExplainFn, device: fn.device };
}

/** The message and code to show for any error. */
export function errorInfo(err: unknown): { message: string; code: string } {
  if (err instanceof GradscopeError) return { message: err.message, code: err.code };
  if (err instanceof Error) return { message: err.message, code: 'unexpected' };
  return { message: String(err), code: 'unexpected' };
}

