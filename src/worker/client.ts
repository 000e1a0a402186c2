/**
 * The page side of gradscope's explain worker: {@link workerExplainer} has the shape of
 * `explainer(task, model, options)` but does all the work in a module Worker that the library
 * owns, so the page never freezes. Progress arrives as it happens (downloads per file, graph
 * building, session creation, path points chunk by chunk); cancelling takes effect at once; big
 * results come back as transferred buffers.
 *
 * Node, and pages that cannot start module workers, use the in-process explainers
 * (`runtime: 'main-thread'`, or automatically where `Worker` does not exist).
 *
 * @module
 */
import { AbortError, BackendError, GradscopeError } from '../errors.js';
import type { ExplainerFns } from '../explainers/factory.js';
import { findTask, type ExplainerTask } from '../explainers/tasks.js';
import type { ResolvedDevice } from '../runtime/ort.js';
import { isNode } from '../runtime/platform.js';
import type { FromWorker, RuntimeProgress, ToWorker, WireLoadOptions, WorkerSettings } from './protocol.js';
import { collectTransferables } from './transfer.js';
import { fromWireError } from './wire-error.js';

export type { RuntimeProgress, RuntimeStage, WorkerSettings } from './protocol.js';
export { clearModelCache } from './model-cache.js';

/** Where the work runs: a worker the library owns (default in browsers), or the calling thread. */
export type ExplainRuntime = 'worker' | 'main-thread';

/** Options of {@link workerExplainer}. */
export interface WorkerExplainerInit extends WireLoadOptions {
  /**
   * `'worker'` (default in browsers) or `'main-thread'`: for pages that cannot start module
   * workers (a strict CSP without `worker-src`, very old browsers). Node always runs in-process.
   */
  runtime?: ExplainRuntime;
  /** Loading progress: `download` per file (bytes), then the model is ready. */
  onProgress?: (progress: RuntimeProgress) => void;
  /** Cancels loading (the worker is ended). */
  signal?: AbortSignal;
}

/** Options every call of a {@link WorkerExplainerFn} takes besides the task's own. */
export interface WorkerCallOptions {
  signal?: AbortSignal;
  /** Path points integrated: rows done out of total (as the in-process explainers). */
  onProgress?: (done: number, total: number) => void;
  /** Every stage of the call: `build`, `session` (first call only), `explain` chunk by chunk. */
  onStatus?: (progress: RuntimeProgress) => void;
}

/** A task's arguments with {@link WorkerCallOptions} added to its options object. */
type WithCallOptions<A extends unknown[]> = A extends [infer X, infer Y, (infer O)?]
  ? [X, Y, (O & WorkerCallOptions)?]
  : A extends [infer X, (infer O)?]
    ? [X, (O & WorkerCallOptions)?]
    : A;
type TaskArgs<T extends ExplainerTask> = WithCallOptions<Parameters<ExplainerFns[T]>>;
type TaskResult<T extends ExplainerTask> = Awaited<ReturnType<ExplainerFns[T]>>;

/** What {@link workerExplainer} returns: call it like the function `explainer()` returns. */
export interface WorkerExplainerFn<T extends ExplainerTask = ExplainerTask> {
  (...args: TaskArgs<T>): Promise<TaskResult<T>>;
  /** The backend the model runs on (after `'auto'` was resolved). */
  readonly device: ResolvedDevice;
  /** Where it runs. */
  readonly runtime: ExplainRuntime;
  /** Ends the worker (or frees the in-process sessions). Later calls reject. */
  dispose(): Promise<void>;
}

const settings: WorkerSettings = {};

/**
 * Settings for every explain worker started afterwards (the CDN bundle sets `wasmPaths` to its
 * own folder).
 *
 * @example
 * configureExplainWorker({ wasmPaths: 'https://example.org/gradscope/' });
 */
export function configureExplainWorker(next: WorkerSettings): void {
  Object.assign(settings, next);
}

/** How long a cancelled run may take to stop between chunks before its worker is ended. */
const CANCEL_GRACE_MS = 150;

const warned = new Set<string>();
/** Each distinct warning once per page (every worker sends the cross-origin isolation one). */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

function startWorker(): Worker {
  return new Worker(new URL('./explain.worker.js', import.meta.url), { type: 'module', name: 'gradscope-explain' });
}

/** Model paths are resolved against the page, not against the worker script. */
function resolveModelPath(model: string): string {
  if (!(model.startsWith('./') || model.startsWith('../'))) return model;
  const url = new URL(model, document.baseURI);
  return url.origin === location.origin ? url.pathname : url.href;
}

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] !== 'undefined';

/**
 * Page-side values a worker cannot receive, resolved or converted here: an image given as a
 * relative URL is resolved against the page (the worker's own URL is elsewhere), elements
 * become ImageBitmaps.
 */
async function portableArg(v: unknown, input: string | undefined): Promise<unknown> {
  if (input === 'image' && typeof v === 'string' && typeof document !== 'undefined') return new URL(v, document.baseURI).href;
  if (v instanceof URL) return v.href;
  if ((has('HTMLImageElement') && v instanceof HTMLImageElement) || (has('HTMLCanvasElement') && v instanceof HTMLCanvasElement)) {
    if (v instanceof HTMLImageElement && !v.complete) await v.decode();
    return createImageBitmap(v);
  }
  return v;
}

function stripFunctions(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v !== 'function' && !(v instanceof AbortSignal)) out[k] = v;
  return out;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onProgress?: ((p: RuntimeProgress) => void) | undefined;
  onRefine?: ((r: { nSteps: number; values: Float64Array }) => void) | undefined;
}

/** One worker holding one model; restarted when a run must be cut short or it crashes. */
class WorkerLink {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private ready!: Promise<ResolvedDevice>;
  /** Settles when a cancelled run has stopped (or its worker was replaced): later calls wait for it. */
  private gate: Promise<void> = Promise.resolve();
  private disposed = false;
  device: ResolvedDevice = 'wasm';

  constructor(
    private readonly task: string,
    private readonly model: string,
    private options: WireLoadOptions,
  ) {}

  /** Starts the worker and loads the model in it. */
  start(onProgress?: (p: RuntimeProgress) => void): Promise<ResolvedDevice> {
    const worker = startWorker();
    this.worker = worker;
    worker.addEventListener('message', (e: MessageEvent<FromWorker>) => this.onMessage(e.data));
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      this.crash(worker, new BackendError(`The explain worker stopped: ${e.message || 'the worker script could not be run'}. Reload the page; if it persists, use runtime 'main-thread'.`, { code: 'worker-failure' }));
    });
    worker.addEventListener('messageerror', () => {
      this.crash(worker, new BackendError('A message from the explain worker could not be read.', { code: 'worker-failure' }));
    });
    const id = this.nextId++;
    this.ready = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
    }).then((d) => {
      this.device = d as ResolvedDevice;
      return this.device;
    });
    this.post({ type: 'load', id, task: this.task, model: this.model, options: this.options, settings: { ...settings } });
    return this.ready;
  }

  /** Ends the worker; `reason` rejects every call still waiting on it. */
  private crash(worker: Worker, reason: GradscopeError): void {
    if (worker !== this.worker) return;
    worker.terminate();
    this.worker = undefined;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(reason);
  }

  /** Ends a worker stuck in a run and starts a fresh one with the same model. */
  private restart(): void {
    if (this.disposed) return;
    this.worker?.terminate();
    this.worker = undefined;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(new AbortError('The explanation was cancelled.'));
    this.start().catch(() => undefined); // a failed reload is reported by the next call
  }

  private post(msg: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === 'warning') {
      warnOnce(msg.message);
      return;
    }
    if (msg.type === 'device') {
      this.device = msg.device;
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.type) {
      case 'progress':
        p.onProgress?.(msg.progress);
        return;
      case 'refine':
        p.onRefine?.({ nSteps: msg.nSteps, values: msg.values });
        return;
      case 'loaded':
        this.pending.delete(msg.id);
        p.resolve(msg.device);
        return;
      case 'result':
        this.pending.delete(msg.id);
        p.resolve(msg.result);
        return;
      case 'disposed':
        this.pending.delete(msg.id);
        p.resolve(undefined);
        return;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(fromWireError(msg.error));
        return;
    }
  }

  async call(args: unknown[], options: Record<string, unknown> & WorkerCallOptions): Promise<unknown> {
    if (this.disposed) throw new GradscopeError('This explainer was disposed. Create a new one with workerExplainer().', { code: 'disposed' });
    const { signal, onProgress, onStatus } = options;
    const onRefine = typeof options.onRefine === 'function' ? (options.onRefine as NonNullable<Pending['onRefine']>) : undefined;
    if (signal?.aborted) throw new AbortError('The operation was aborted by its AbortSignal.', { cause: signal.reason });
    await this.gate;
    await this.ready;
    const names = findTask(this.task)?.inputs ?? [];
    const portable = await Promise.all(args.map((v, i) => portableArg(v, names[i])));
    if (signal?.aborted) throw new AbortError('The operation was aborted by its AbortSignal.', { cause: signal.reason });
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(id);
        reject(new AbortError('The operation was aborted by its AbortSignal.', { cause: signal?.reason }));
        // Between chunks the worker stops by itself; a run in flight cannot be interrupted,
        // so the worker is ended and a fresh one loads the model again. Calls made meanwhile
        // wait for either.
        const worker = this.worker;
        this.gate = new Promise<void>((open) => {
          const stopped = (): void => {
            this.pending.delete(id);
            open();
          };
          this.pending.set(id, { resolve: stopped, reject: stopped });
          setTimeout(() => {
            if (this.worker === worker && this.pending.has(id)) this.restart();
            open();
          }, CANCEL_GRACE_MS);
        });
        this.post({ type: 'cancel', id });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        onProgress: (p) => {
          onStatus?.(p);
          if (p.stage === 'explain' && p.done !== undefined && p.total !== undefined) onProgress?.(p.done, p.total);
        },
        onRefine,
      });
      this.post({ type: 'explain', id, args: portable, options: stripFunctions(options), refine: onRefine !== undefined }, collectTransferables(portable));
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    worker?.terminate();
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(new GradscopeError('This explainer was disposed.', { code: 'disposed' }));
  }
}

/**
 * Loads a model for a task in a worker of its own and returns a function that explains inputs,
 * like `explainer()` does in-process. Image inputs may be URLs (resolved against the page),
 * Blobs, `<img>`/canvas elements (sent as ImageBitmaps) or `{ pixelValues }` (its buffer is
 * transferred to the worker: the array is empty on the page afterwards).
 *
 * @example
 * const explain = await workerExplainer('sentiment-analysis', '/models/distilbert-sst2', {
 *   localOnly: true,
 *   onProgress: (p) => console.log(p.stage, p.file, p.fraction),
 * });
 * const controller = new AbortController();
 * const result = await explain('I love this movie', { signal: controller.signal, onProgress: (d, t) => console.log(d, t) });
 * await explain.dispose();
 */
export async function workerExplainer<T extends ExplainerTask>(task: T, model: string, init: WorkerExplainerInit = {}): Promise<WorkerExplainerFn<T>> {
  const { runtime, onProgress, signal, ...wire } = init;
  const useWorker = runtime !== 'main-thread' && !isNode() && typeof Worker !== 'undefined';
  if (!useWorker) return mainThreadExplainer(task, model, init);
  const link = new WorkerLink(task, resolveModelPath(model), wire);
  const loading = link.start(onProgress);
  const onAbort = (): void => void link.dispose();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await loading;
  } catch (err) {
    await link.dispose();
    if (signal?.aborted) throw new AbortError('Loading was aborted by its AbortSignal.', { cause: signal.reason });
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const fn = (...args: unknown[]): Promise<unknown> => {
    const last = args[args.length - 1];
    const hasOptions = args.length > 0 && typeof last === 'object' && last !== null && !Array.isArray(last) && isOptionsObject(task, args.length);
    const opts = (hasOptions ? last : {}) as Record<string, unknown> & WorkerCallOptions;
    return link.call(hasOptions ? args.slice(0, -1) : args, opts);
  };
  Object.defineProperty(fn, 'device', { get: () => link.device, enumerable: true }); // changes after a lost WebGPU device
  return Object.assign(fn, { runtime: 'worker' as const, dispose: () => link.dispose() }) as unknown as WorkerExplainerFn<T>;
}

/** Whether the call has an options object: the argument after the task's inputs (from the task registry). */
function isOptionsObject(task: ExplainerTask, argCount: number): boolean {
  return argCount > (findTask(task)?.inputs.length ?? 1);
}

/** The same function shape, in-process (Node, or `runtime: 'main-thread'`). */
async function mainThreadExplainer<T extends ExplainerTask>(task: T, model: string, init: WorkerExplainerInit): Promise<WorkerExplainerFn<T>> {
  const { runtime: _runtime, onProgress, signal: _signal, ...wire } = init;
  const [{ explainer }, { importOrt, resolveDevice }] = await Promise.all([import('../explainers/factory.js'), import('../runtime/ort.js')]);
  if (!isNode() && settings.wasmPaths) (await importOrt('onnxruntime-web/webgpu')).env.wasm.wasmPaths = settings.wasmPaths;
  const device = await resolveDevice(wire.device ?? 'auto');
  const inner = (await explainer(task, model, {
    ...wire,
    device,
    onProgress: (stage, fraction) => onProgress?.({ stage: stage === 'load' ? 'download' : 'build', fraction }),
  })) as unknown as ((...a: unknown[]) => Promise<unknown>) & { explainer: { dispose(): Promise<void> } };
  const fn = (...args: unknown[]): Promise<unknown> => {
    const last = args[args.length - 1];
    if (args.length > 0 && typeof last === 'object' && last !== null && isOptionsObject(task, args.length)) {
      const o = last as Record<string, unknown> & WorkerCallOptions;
      const { onStatus, onProgress: rows, ...rest } = o;
      const wrapped = {
        ...rest,
        onProgress: (done: number, total: number) => {
          rows?.(done, total);
          onStatus?.({ stage: 'explain', done, total, fraction: total > 0 ? done / total : null });
        },
      };
      return inner(...args.slice(0, -1), wrapped);
    }
    return inner(...args);
  };
  return Object.assign(fn, { device, runtime: 'main-thread' as const, dispose: () => inner.explainer.dispose() }) as unknown as WorkerExplainerFn<T>;
}
