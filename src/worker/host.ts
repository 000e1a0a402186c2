/**
 * The worker side of the explain worker: one model per worker, loaded on request, explained on
 * request, with progress posted as it happens and results posted with their buffers
 * transferred. Everything heavy (tokenising, graph building, session creation, every
 * onnxruntime run) happens here, off the page's main thread.
 *
 * @module
 */
import { BackendError, InputError } from '../errors.js';
import { explainer, type ExplainerTask } from '../explainers/factory.js';
import { importOrt, resolveDevice, type OrtModule, type ResolvedDevice } from '../runtime/ort.js';
import { trackDownloads } from './fetch-progress.js';
import { cacheModelDownloads } from './model-cache.js';
import type { FromWorker, RuntimeProgress, ToWorker, WorkerSettings } from './protocol.js';
import { collectTransferables } from './transfer.js';
import { toWireError } from './wire-error.js';

/** The part of a worker's global scope the host uses. */
export interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

type ExplainFn = (...args: unknown[]) => Promise<unknown>;

interface Loaded {
  fn: ExplainFn & { explainer?: { dispose?: () => Promise<void> } };
  device: ResolvedDevice;
  /** Rejects when the WebGPU device is lost (never settles otherwise, or on wasm). */
  lost: Promise<never>;
  /** Rejects `lost`. */
  loseWith(err: unknown): void;
}

interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

/** Messages onnxruntime and WebGPU give when the device went away under a run. */
const DEVICE_LOST = /device (was )?lost|device was destroyed|lost the device|is associated with \[Device\]|GPUDevice|unmapped before mapping was resolved/i;

/**
 * Serves requests on `scope` (a dedicated worker's `self`).
 *
 * @example
 * // explain.worker.ts
 * serveExplainWorker(self as unknown as WorkerScope);
 */
export function serveExplainWorker(scope: WorkerScope): void {
  let loaded: Promise<Loaded> | undefined;
  let lastLoad: Extract<ToWorker, { type: 'load' }> | undefined;
  let ortModule: OrtModule | undefined;
  const runs = new Map<number, AbortController>();
  /** The request whose progress is being reported (downloads and sessions count toward it). */
  let reporting: number | undefined;
  let warnedIsolation = false;

  const progress = (id: number, p: RuntimeProgress): void => scope.postMessage({ type: 'progress', id, progress: p });
  cacheModelDownloads();
  trackDownloads(() => {
    const id = reporting;
    if (id === undefined) return undefined;
    return (file, got, total) => progress(id, { stage: 'download', file, loaded: got, bytes: total, fraction: total ? got / total : null });
  });

  async function prepareOrt(settings: WorkerSettings): Promise<OrtModule> {
    const ort = await importOrt('onnxruntime-web/webgpu');
    if (settings.wasmPaths) ort.env.wasm.wasmPaths = settings.wasmPaths;
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    if (!isolated) {
      // Without SharedArrayBuffer ORT falls back to one thread anyway, with a warning per
      // session; say once what would enable threads.
      ort.env.wasm.numThreads = 1;
      if (!warnedIsolation) {
        warnedIsolation = true;
        scope.postMessage({
          type: 'warning',
          message:
            'gradscope: this page is not cross-origin isolated, so onnxruntime-web runs wasm on one thread. ' +
            'Serve the page with the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" ' +
            '(check with `crossOriginIsolated` in the console) to use several threads.',
        });
      }
    }
    watchSessionCreation(ort);
    ortModule = ort;
    return ort;
  }

  /** Reports the `session` stage while onnxruntime sessions are being created. */
  function watchSessionCreation(ort: OrtModule): void {
    const cls = ort.InferenceSession as unknown as { create: (...a: unknown[]) => Promise<unknown>; __gradscopeWatched?: boolean };
    if (cls.__gradscopeWatched) return;
    const create = cls.create.bind(cls);
    let started = 0;
    let finished = 0;
    try {
      cls.create = async (...a: unknown[]) => {
        const id = reporting;
        started++;
        if (id !== undefined) progress(id, { stage: 'session', done: finished, total: started, fraction: null });
        try {
          return await create(...a);
        } finally {
          finished++;
          if (id !== undefined) progress(id, { stage: 'session', done: finished, total: started, fraction: finished / started });
        }
      };
      cls.__gradscopeWatched = true;
    } catch {
      // A frozen class: no session stage, everything else still works.
    }
  }

  async function load(msg: Extract<ToWorker, { type: 'load' }>): Promise<Loaded> {
    lastLoad = msg;
    await prepareOrt(msg.settings);
    const device = await resolveDevice(msg.options.device ?? 'auto');
    const fn = (await explainer(msg.task as ExplainerTask, msg.model, {
      ...msg.options,
      device,
    })) as unknown as Loaded['fn'];
    let loseWith: (err: unknown) => void = () => undefined;
    const lost = new Promise<never>((_, reject) => (loseWith = reject));
    lost.catch(() => undefined); // observed by the runs that race it
    return { fn, device, lost, loseWith };
  }

  /** The WebGPU device's `lost` rejects the model's `lost` (set up once the first session made the device). */
  const watched = new WeakSet<object>();
  async function watchDevice(ex: Loaded): Promise<void> {
    if (ex.device !== 'webgpu' || !ortModule) return;
    const dev = (await (ortModule.env.webgpu as { device?: unknown }).device) as GpuDeviceLike | undefined;
    if (!dev || watched.has(dev)) return;
    watched.add(dev);
    void dev.lost.then((info) => {
      if (disposing) return; // releasing the last session destroys the device on purpose
      ex.loseWith(new BackendError(`The WebGPU device was lost (${info.reason ?? 'unknown'}: ${info.message ?? ''}).`, { code: 'webgpu-device-lost' }));
    });
  }
  let disposing = false;

  /** Whether a failed WebGPU run failed because the device went away (its `lost` settles within 200 ms). */
  async function deviceWasLost(ex: Loaded, err: unknown): Promise<boolean> {
    if (err instanceof BackendError && err.code === 'webgpu-device-lost') return true;
    if (DEVICE_LOST.test(err instanceof Error ? err.message : String(err))) return true;
    const lost = ex.lost.then(
      () => false,
      () => true,
    );
    return Promise.race([lost, new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
  }

  /**
   * After a lost WebGPU device: the model is loaded again on wasm (a warning says so) and the
   * call is run again there once.
   */
  async function fallBackToWasm(): Promise<Loaded> {
    if (!lastLoad) throw new InputError('Nothing is loaded in this worker: load a model first.', { code: 'not-loaded' });
    scope.postMessage({ type: 'warning', message: 'gradscope: the WebGPU device was lost during an explanation; the model was loaded again on wasm (CPU) and the explanation repeated there.' });
    const again: Extract<ToWorker, { type: 'load' }> = { ...lastLoad, options: { ...lastLoad.options, device: 'wasm' } };
    const pending = load(again);
    loaded = pending;
    const ex = await pending;
    scope.postMessage({ type: 'device', device: ex.device });
    return ex;
  }

  async function explain(msg: Extract<ToWorker, { type: 'explain' }>): Promise<void> {
    const controller = new AbortController();
    runs.set(msg.id, controller);
    try {
      if (!loaded) throw new InputError('Nothing is loaded in this worker: load a model first.', { code: 'not-loaded' });
      const ex = await loaded;
      reporting = msg.id;
      // Graphs are built (and sessions created) on the first call of each kind; the integrator's
      // first progress report ends that stage.
      progress(msg.id, { stage: 'build', fraction: null });
      const run = (on: Loaded): Promise<unknown> => {
        void watchDevice(on);
        const call = on.fn(...msg.args, {
          ...msg.options,
          ...(msg.refine ? { onRefine: ({ nSteps, values }: { nSteps: number; values: Float64Array }) => scope.postMessage({ type: 'refine', id: msg.id, nSteps, values }, [values.buffer]) } : {}),
          signal: controller.signal,
          onProgress: (done: number, total: number) => {
            void watchDevice(on); // the device exists once the first session does
            progress(msg.id, { stage: 'explain', done, total, fraction: total > 0 ? done / total : null });
          },
        });
        // A run whose device went away may never settle: the loss ends it.
        return Promise.race([call, on.lost]);
      };
      let result: unknown;
      try {
        result = await run(ex);
      } catch (err) {
        if (ex.device !== 'webgpu' || controller.signal.aborted || !(await deviceWasLost(ex, err))) throw err;
        result = await run(await fallBackToWasm());
      }
      scope.postMessage({ type: 'result', id: msg.id, result }, collectTransferables(result));
    } finally {
      runs.delete(msg.id);
      if (reporting === msg.id) reporting = undefined;
    }
  }

  scope.addEventListener('message', (event) => {
    const msg = event.data;
    const fail = (err: unknown): void => scope.postMessage({ type: 'error', id: msg.id, error: toWireError(err) });
    switch (msg.type) {
      case 'load': {
        reporting = msg.id;
        const pending = load(msg);
        loaded = pending;
        pending.then(
          (ex) => scope.postMessage({ type: 'loaded', id: msg.id, device: ex.device }),
          (err: unknown) => {
            if (loaded === pending) loaded = undefined;
            fail(err);
          },
        ).finally(() => {
          if (reporting === msg.id) reporting = undefined;
        });
        return;
      }
      case 'explain':
        explain(msg).catch(fail);
        return;
      case 'cancel':
        runs.get(msg.id)?.abort();
        return;
      case 'simulate-device-loss':
        void (async () => {
          const dev = ortModule ? ((await (ortModule.env.webgpu as { device?: unknown }).device) as GpuDeviceLike | undefined) : undefined;
          dev?.destroy();
          scope.postMessage({ type: 'disposed', id: msg.id });
        })();
        return;
      case 'dispose': {
        const pending = loaded;
        loaded = undefined;
        disposing = true;
        void (async () => {
          try {
            await (await pending)?.fn.explainer?.dispose?.();
          } catch {
            // Nothing loaded, or a failed load: nothing to release.
          }
          scope.postMessage({ type: 'disposed', id: msg.id });
        })();
        return;
      }
    }
  });
}
