// Test page for the runtime layer (src/runtime). Driven by ../runtime.spec.ts.
import { InputError, GradscopeError } from '../../../src/errors.js';
import { hasWebGpu, importOrt, loadOrt, resolveDevice, type Device } from '../../../src/runtime/ort.js';
import { loadTokenizer, loadTransformers } from '../../../src/runtime/transformers.js';
import type { CreateSessionOptions } from '../../../src/runtime/session.js';
import { forwardProbs, maxAbsDiff, runSmoke, type SmokeReference, type SmokeResult } from '../../support/smoke.js';
import { expose } from './expose.js';

const MODEL = '/test/fixtures/models/distilbert-sst2';
const REFERENCE = '/test/fixtures/reference/distilbert-sst2/default.json';

async function reference(): Promise<SmokeReference> {
  return (await (await fetch(REFERENCE)).json()) as SmokeReference;
}

/** What the page reports about the WebGPU runtime it used. */
export interface WebGpuState {
  hasWebGpu: boolean;
  adapter: string | null;
  /** `ort.env.webgpu.device` exists (the EP started a device). */
  ortDevice: boolean;
}

async function webgpuState(): Promise<WebGpuState> {
  const ort = await importOrt('onnxruntime-web/webgpu');
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string } } | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  let ortDevice = false;
  try {
    ortDevice = (await (ort.env.webgpu as unknown as { device: Promise<unknown> | unknown }).device) != null;
  } catch {
    ortDevice = false;
  }
  return { hasWebGpu: await hasWebGpu(), adapter: adapter?.info ? `${adapter.info.vendor}/${adapter.info.architecture}` : null, ortDevice };
}

export const api = {
  async resolve(device: Device): Promise<string> {
    return resolveDevice(device);
  },

  async smoke(device: Device, options: Omit<CreateSessionOptions, 'device' | 'signal'> = {}): Promise<SmokeResult & { webgpu: WebGpuState }> {
    const { session, ...result } = await runSmoke(MODEL, await reference(), { ...options, device });
    await session.release();
    return { ...result, webgpu: await webgpuState() };
  },

  /** Many concurrent runs of one session: all must succeed with the right numbers. */
  async concurrentRuns(device: Device, count: number): Promise<{ ok: number; maxAbsDiff: number; device: string }> {
    const ref = await reference();
    const { session, ids } = await runSmoke(MODEL, ref, { device });
    const mask = ids.map(() => 1);
    const all = await Promise.all(Array.from({ length: count }, () => forwardProbs(session, ids, mask)));
    const diff = Math.max(...all.map((p) => maxAbsDiff(p, ref.prediction.probs_input_ids_only)));
    await session.release();
    return { ok: all.length, maxAbsDiff: diff, device: session.device };
  },

  /** One onnxruntime-web copy serves gradscope and transformers.js; wasmPaths stays local. */
  async oneCopy(): Promise<{
    sameWasmEnv: boolean;
    sameWebgpuEnv: boolean;
    sharedSymbol: boolean;
    versions: Record<string, string>;
    transformersVersions: Record<string, string>;
    wasmPaths: unknown;
    ortScripts: string[];
  }> {
    const { ort } = await loadOrt('wasm');
    const tf = await loadTransformers();
    await loadTokenizer(MODEL, { localOnly: true });
    const onnx = tf.env.backends.onnx as { wasm?: unknown; webgpu?: unknown; versions?: Record<string, string> };
    const ortScripts = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((n) => /ort[.-][^/]*\.(m?js|wasm)/.test(n))
      .map((n) => new URL(n).pathname);
    return {
      sameWasmEnv: onnx.wasm === ort.env.wasm,
      sameWebgpuEnv: onnx.webgpu === ort.env.webgpu,
      sharedSymbol: (globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] === ort,
      versions: { ...ort.env.versions },
      transformersVersions: { ...(onnx.versions ?? {}) },
      wasmPaths: ort.env.wasm.wasmPaths ?? null,
      ortScripts,
    };
  },

  /** Resolve a device; errors come back as data. */
  async tryResolve(device: Device): Promise<{ device?: string; name?: string; code?: string; message?: string }> {
    try {
      return { device: await resolveDevice(device) };
    } catch (err) {
      const e = err as GradscopeError;
      return { name: e.name, code: e.code, message: e.message };
    }
  },

  async missingModel(): Promise<{ name: string; code: string; message: string; isInputError: boolean }> {
    try {
      await loadTokenizer('/test/fixtures/models/no-such-model', { localOnly: true });
      return { name: 'none', code: 'none', message: 'loaded?!', isInputError: false };
    } catch (err) {
      const e = err as GradscopeError;
      return { name: e.name, code: e.code, message: e.message, isInputError: err instanceof InputError };
    }
  },
};

export type RuntimeApi = typeof api;
expose('runtime', api);
