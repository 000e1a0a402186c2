/**
 * The worker side of the explain worker: one model per worker, loaded on request, explained on
 * request, with progress posted as it happens and results posted with their buffers
 * transferred. Everything heavy (tokenising, graph building, session creation, every
 * onnxruntime run) happens here, off the page's main thread.
 *
 * @module
 */
import { InputError } from '../errors.js';
import { explainer, type ExplainerTask } from '../explainers/factory.js';
import { importOrt, resolveDevice, type OrtModule, type ResolvedDevice } from '../runtime/ort.js';
import { trackDownloads } from './fetch-progress.js';
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
}

/**
 * Serves requests on `scope` (a dedicated worker's `self`).
 *
 * @example
 * // explain.worker.ts
 * serveExplainWorker(self as unknown as WorkerScope);
 */
export function serveExplainWorker(scope: WorkerScope): void {
  let loaded: Promise<Loaded> | undefined;
  const runs = new Map<number, AbortController>();
  /** The request whose progress is being reported (downloads and sessions count toward it). */
  let reporting: number | undefined;
  let warnedIsolation = false;

  const progress = (id: number, p: RuntimeProgress): void => scope.postMessage({ type: 'progress', id, progress: p });
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
    await prepareOrt(msg.settings);
    const device = await resolveDevice(msg.options.device ?? 'auto');
    const fn = (await explainer(msg.task as ExplainerTask, msg.model, {
      ...msg.options,
      device,
    })) as unknown as Loaded['fn'];
    return { fn, device };
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
      const result = await ex.fn(...msg.args, {
        ...msg.options,
        signal: controller.signal,
        onProgress: (done: number, total: number) => progress(msg.id, { stage: 'explain', done, total, fraction: total > 0 ? done / total : null }),
      });
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
      case 'dispose': {
        const pending = loaded;
        loaded = undefined;
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
