/**
 * The ONE place that imports ONNX Runtime.
 *
 * Which build is used where:
 *
 * | where   | device   | module                                  | execution providers |
 * |---------|----------|-----------------------------------------|---------------------|
 * | browser | `webgpu` | `onnxruntime-web/webgpu` (native C++ WebGPU EP) | `['webgpu']` |
 * | browser | `wasm`, `cpu` | `onnxruntime-web/webgpu` (same module, CPU kernels in wasm) | `['wasm']` |
 * | Node    | `cpu`    | `onnxruntime-node` (native, fastest)    | `['cpu']`           |
 * | Node    | `wasm`   | `onnxruntime-web` (its Node build)      | `['wasm']`          |
 * | Node    | `webgpu` | `onnxruntime-node` (Dawn; needs a Vulkan driver) | `['webgpu']` |
 *
 * `'auto'` is WebGPU when the browser gives an adapter, else wasm; in Node it is
 * `onnxruntime-node` on the CPU, else onnxruntime-web's wasm when the native module cannot load.
 *
 * All imports are dynamic, so Node never loads the browser bundle and the browser never sees
 * `onnxruntime-node`: the Node-only specifiers are hidden from bundlers (`@vite-ignore`,
 * `webpackIgnore`).
 *
 * @module
 */
import type * as OrtWeb from 'onnxruntime-web';
import { BackendError, InputError } from '../errors.js';
import { installConsoleTap } from './console-tap.js';
import { isNode } from './platform.js';

/** The ONNX Runtime JS API (the shape shared by onnxruntime-web and onnxruntime-node). */
export type OrtModule = typeof OrtWeb;

/** Where to run: `'auto'` picks the best available backend. */
export type Device = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/** A concrete backend, after `'auto'` was resolved. */
export type ResolvedDevice = Exclude<Device, 'auto'>;

/** Which ONNX Runtime package (and build) serves a device. */
export type OrtFlavour = 'onnxruntime-web/webgpu' | 'onnxruntime-web' | 'onnxruntime-node';

/** An ONNX Runtime module ready to create sessions on one device. */
export interface OrtRuntime {
  /** The ONNX Runtime module (InferenceSession, Tensor, env). */
  readonly ort: OrtModule;
  /** The device the sessions of this runtime run on. */
  readonly device: ResolvedDevice;
  /** Which package/build `ort` is. */
  readonly flavour: OrtFlavour;
  /** The `executionProviders` session option for `device`. No silent fallback EP is added. */
  readonly executionProviders: readonly string[];
}

const DEVICES: readonly Device[] = ['auto', 'webgpu', 'wasm', 'cpu'];

// Node-only package names live in variables so that bundlers leave them alone.
const NODE_ORT_NATIVE = 'onnxruntime-node';
const NODE_ORT_WASM = 'onnxruntime-web';

const modules = new Map<OrtFlavour, Promise<OrtModule>>();
let webgpuCheck: Promise<boolean> | undefined;

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** Throws an {@link InputError} unless `device` is one of the known devices. */
export function assertDevice(device: unknown): asserts device is Device {
  if (!DEVICES.includes(device as Device)) {
    throw new InputError(
      `Unknown device ${JSON.stringify(device)}. Use one of: ${DEVICES.map((d) => `'${d}'`).join(', ')}.`,
      { code: 'unknown-device' },
    );
  }
}

/**
 * Whether this browser can run WebGPU: `navigator.gpu` exists AND gives an adapter.
 * Always false in Node (use device `'webgpu'` there explicitly; see the module docs).
 * The answer is computed once and cached.
 */
export function hasWebGpu(): Promise<boolean> {
  if (isNode()) return Promise.resolve(false);
  webgpuCheck ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) return false;
    try {
      return (await gpu.requestAdapter()) != null;
    } catch {
      return false;
    }
  })();
  return webgpuCheck;
}

/** Which package serves `device` (already resolved) in this environment. */
export function flavourFor(device: ResolvedDevice): OrtFlavour {
  if (!isNode()) return 'onnxruntime-web/webgpu';
  return device === 'wasm' ? 'onnxruntime-web' : 'onnxruntime-node';
}

/** The `executionProviders` session option for a resolved device. */
export function executionProvidersFor(device: ResolvedDevice): string[] {
  if (device === 'webgpu') return ['webgpu'];
  if (device === 'cpu' && isNode()) return ['cpu'];
  return ['wasm'];
}

/**
 * Import (once) and return the ONNX Runtime module of a flavour.
 *
 * @throws {BackendError} when the package cannot be loaded here (e.g. `onnxruntime-node` in a
 *   browser, or its native library is missing).
 */
export function importOrt(flavour: OrtFlavour): Promise<OrtModule> {
  let pending = modules.get(flavour);
  if (!pending) {
    pending = importFlavour(flavour).catch((cause: unknown) => {
      modules.delete(flavour);
      throw new BackendError(loadFailureMessage(flavour, cause), { code: 'backend-unavailable', cause });
    });
    modules.set(flavour, pending);
  }
  return pending;
}

async function importFlavour(flavour: OrtFlavour): Promise<OrtModule> {
  if (flavour === 'onnxruntime-web/webgpu') {
    if (isNode()) throw new BackendError('onnxruntime-web/webgpu is the browser build; in Node use onnxruntime-web (wasm) or onnxruntime-node', { code: 'backend-unavailable' });
    // ORT binds console.* when its wasm starts (first session): tap first, so that
    // `reportPlacement` can read its log lines.
    installConsoleTap();
    return (await import('onnxruntime-web/webgpu')) as OrtModule;
  }
  if (!isNode()) throw new BackendError(`${flavour} is only used in Node`, { code: 'backend-unavailable' });
  const specifier = flavour === 'onnxruntime-node' ? NODE_ORT_NATIVE : NODE_ORT_WASM;
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as Partial<OrtModule> & {
    default?: OrtModule;
  };
  // onnxruntime-node is CommonJS: its named exports may only be on `default`.
  const ort = mod.InferenceSession ? (mod as OrtModule) : mod.default;
  if (!ort?.InferenceSession) throw new BackendError(`${specifier} has no InferenceSession export`, { code: 'backend-unavailable' });
  return ort;
}

function loadFailureMessage(flavour: OrtFlavour, cause: unknown): string {
  const why = cause instanceof Error ? cause.message : String(cause);
  if (flavour === 'onnxruntime-node') {
    return (
      `onnxruntime-node could not be loaded (${why}). Install it (\`npm install onnxruntime-node\`; ` +
      'on a machine without network set ONNXRUNTIME_NODE_INSTALL=skip for the install) or use device \'wasm\'.'
    );
  }
  return `${flavour} could not be loaded (${why}). Check that onnxruntime-web is installed and that its dist/ files are served.`;
}

const WARNED = Symbol.for('gradscope.warnedOnce');

/** `console.warn` a message once per process (page): later calls with the same key are silent. */
function warnOnce(key: string, message: string): void {
  const holder = globalThis as { [WARNED]?: Set<string> };
  const warned = (holder[WARNED] ??= new Set<string>());
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(message);
}

/**
 * `'auto'` in a browser: WebGPU when it gives an adapter, else wasm, with one console warning
 * per page saying so (the fallback is right, but it is several times slower and must not be
 * silent). Whoever reports the device (the element's status, a result's timing) reports the
 * returned `'wasm'`.
 *
 * @example
 * const device = autoBrowserDevice(await hasWebGpu());
 */
export function autoBrowserDevice(gpu: boolean): ResolvedDevice {
  if (gpu) return 'webgpu';
  warnOnce(
    'webgpu-fallback',
    "gradscope: WebGPU is not available here (no navigator.gpu adapter); device 'auto' runs on wasm (CPU), which is slower. Pass device 'wasm' to silence this warning.",
  );
  return 'wasm';
}

/**
 * Resolve `'auto'` (and browser `'cpu'`) to a concrete device.
 *
 * - browser: `'auto'` is `'webgpu'` when an adapter exists, else `'wasm'` (warned once, see
 *   {@link autoBrowserDevice}); `'cpu'` is `'wasm'`.
 *   `'webgpu'` without an adapter throws a {@link BackendError} (`code: 'webgpu-unavailable'`).
 * - Node: `'auto'` is `'cpu'` (onnxruntime-node) when it loads, else `'wasm'` (warned once).
 */
export async function resolveDevice(device: Device = 'auto'): Promise<ResolvedDevice> {
  assertDevice(device);
  if (isNode()) {
    if (device !== 'auto') return device;
    try {
      await importOrt('onnxruntime-node');
      return 'cpu';
    } catch (cause) {
      warnOnce(
        'node-fallback',
        `gradscope: onnxruntime-node could not be loaded (${cause instanceof Error ? cause.message : String(cause)}); device 'auto' runs on wasm (onnxruntime-web), which is slower. Pass device 'wasm' to silence this warning.`,
      );
      return 'wasm';
    }
  }
  if (device === 'cpu') return 'wasm';
  if (device === 'wasm') return 'wasm';
  const gpu = await hasWebGpu();
  if (device === 'auto') return autoBrowserDevice(gpu);
  if (!gpu) {
    throw new BackendError(
      'WebGPU was requested but this browser gives no WebGPU adapter (navigator.gpu is missing or ' +
        "requestAdapter() returned null). Use device 'auto' or 'wasm' to run on the CPU instead, or " +
        'use a browser with WebGPU enabled (Chrome/Edge 113+; on Linux Chromium may need ' +
        '--enable-unsafe-webgpu).',
      { code: 'webgpu-unavailable' },
    );
  }
  return 'webgpu';
}

/**
 * Get the ONNX Runtime module for a device.
 *
 * @param device `'auto'` (default), `'webgpu'`, `'wasm'` or `'cpu'`.
 * @returns the module, the resolved device, its flavour and the execution providers to use.
 * @throws {BackendError} when the device is unavailable here (`code: 'webgpu-unavailable'`,
 *   `'backend-unavailable'`).
 */
export async function loadOrt(device: Device = 'auto'): Promise<OrtRuntime> {
  const resolved = await resolveDevice(device);
  const flavour = flavourFor(resolved);
  const ort = await importOrt(flavour);
  return { ort, device: resolved, flavour, executionProviders: executionProvidersFor(resolved) };
}
