/**
 * ONNX Runtime sessions: created from bytes, run through the global queue.
 *
 * ```ts
 * const session = await createSession(modelBytes, { device: 'auto' });
 * const out = await session.run({ input_ids: session.tensor('int64', ids, [1, ids.length]) });
 * ```
 *
 * For WebGPU, one long-lived anchor session is kept per runtime: releasing the last session
 * would destroy the GPU device and the next one would start from scratch.
 *
 * @module
 */
import type * as OrtWeb from 'onnxruntime-web';
import { BackendError, ModelError, throwIfAborted } from '../errors.js';
import { anchorModelBytes } from './anchor-model.js';
import { captureConsole, installConsoleTap } from './console-tap.js';
import { loadOrt, type Device, type OrtFlavour, type OrtModule, type OrtRuntime, type ResolvedDevice } from './ort.js';
import { parsePlacement, type Placement } from './placement.js';
import { isNode } from './platform.js';
import { enqueue } from './queue.js';

/** An ONNX Runtime tensor (same class shape for every flavour). */
export type Tensor = OrtWeb.Tensor;
/** Tensor element types ONNX Runtime accepts. */
export type TensorType = OrtWeb.Tensor.Type;
/** Feeds of a run: input name to tensor. */
export type Feeds = Record<string, Tensor>;
/** Results of a run: output name to tensor. */
export type Outputs = Record<string, Tensor>;
/** Raw ONNX Runtime session options. */
export type OrtSessionOptions = OrtWeb.InferenceSession.SessionOptions;
/** ONNX Runtime graph optimisation levels. */
export type GraphOptimizationLevel = NonNullable<OrtSessionOptions['graphOptimizationLevel']>;

/** One external-data file of a model (the `location` its initializers name). */
export interface ExternalDataFile {
  /** The file name as the model's initializers give it, e.g. `model.onnx_data`. */
  path: string;
  data: Uint8Array;
}

/** Options of {@link createSession}. */
export interface CreateSessionOptions {
  /** Where to run. Default `'auto'`. */
  device?: Device;
  /** Default `'all'`. Use `'disabled'` to keep the graph exactly as built. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** External-data files of the model (weights stored outside `model.onnx`). */
  externalData?: readonly ExternalDataFile[];
  /**
   * Record which EP each node was placed on, into {@link Session.placement} (sets
   * `logSeverityLevel: 0` for the creation). In the browser the log lines are read from the
   * console and swallowed. In Node, both onnxruntime-node and onnxruntime-web's wasm write
   * them straight to file descriptor 2, which JavaScript cannot read back: `placement` stays
   * undefined there; run the code in a child process and parse its stderr with
   * `parsePlacement`.
   */
  reportPlacement?: boolean;
  /** ORT log severity for this session (0 = verbose ... 4 = fatal). Default: ORT's. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /**
   * Fail at creation if any node would fall back to the CPU EP (only meaningful for
   * `'webgpu'`): ORT's `session.disable_cpu_ep_fallback`.
   */
  disableCpuFallback?: boolean;
  /** Where outputs stay: `'gpu-buffer'` keeps them on the GPU (WebGPU only). Default `'cpu'`. */
  preferredOutputLocation?: OrtSessionOptions['preferredOutputLocation'];
  /** Raw ORT session options, applied last (they win). */
  sessionOptions?: OrtSessionOptions;
  /** Abort session creation if it has not started yet. */
  signal?: AbortSignal;
}

/** Options of {@link Session.run}. */
export interface RunOptions {
  /** Cancel the run if it has not started yet. */
  signal?: AbortSignal;
}

/** An ONNX Runtime session whose runs all go through the global queue. */
export class Session {
  /** The ORT module that created this session: create feeds with `session.ort.Tensor`. */
  readonly ort: OrtModule;
  /** The device it runs on. */
  readonly device: ResolvedDevice;
  /** The ORT package/build. */
  readonly flavour: OrtFlavour;
  /** The `executionProviders` it was created with. */
  readonly executionProviders: readonly string[];
  /** Node placement, when `reportPlacement` was asked and could be read. */
  readonly placement: Placement | undefined;
  /** The underlying ORT session. Do not call its `run()` directly: use {@link Session.run}. */
  readonly inner: OrtWeb.InferenceSession;
  private released = false;

  /** @internal use {@link createSession}. */
  constructor(runtime: OrtRuntime, inner: OrtWeb.InferenceSession, placement: Placement | undefined) {
    this.ort = runtime.ort;
    this.device = runtime.device;
    this.flavour = runtime.flavour;
    this.executionProviders = runtime.executionProviders;
    this.inner = inner;
    this.placement = placement;
  }

  /** The model's input names. */
  get inputNames(): readonly string[] {
    return this.inner.inputNames;
  }

  /** The model's output names. */
  get outputNames(): readonly string[] {
    return this.inner.outputNames;
  }

  /** Make a tensor of this session's ORT module. */
  tensor(type: TensorType, data: OrtWeb.Tensor.DataType, dims: readonly number[]): Tensor {
    return new this.ort.Tensor(type as 'float32', data as Float32Array, dims);
  }

  /**
   * Run the model through the global queue.
   *
   * @param feeds input name to tensor.
   * @param fetches output names to compute (default: all outputs).
   * @throws {AbortError} if `options.signal` aborts before the run starts.
   * @throws {BackendError} if ORT fails.
   */
  run(feeds: Feeds, fetches?: readonly string[], options: RunOptions = {}): Promise<Outputs> {
    if (this.released) {
      return Promise.reject(new BackendError('This session was released. Create a new one with createSession().', { code: 'session-released' }));
    }
    return enqueue(async () => {
      try {
        return fetches ? await this.inner.run(feeds, [...fetches]) : await this.inner.run(feeds);
      } catch (cause) {
        const other = this.device === 'wasm' ? '' : "; if they are right, try device 'wasm'";
        throw new BackendError(`ONNX Runtime failed to run the model on ${this.device}: ${message(cause)}. Check the feeds' names, types and shapes${other}.`, { code: 'run-failed', cause });
      }
    }, options);
  }

  /** Release the session (queued behind pending runs). Idempotent. */
  release(): Promise<void> {
    if (this.released) return Promise.resolve();
    this.released = true;
    return enqueue(() => this.inner.release());
  }
}

const anchors = new Map<OrtModule, Promise<OrtWeb.InferenceSession>>();

/**
 * Ensure the WebGPU runtime of `ort` holds one anchor session, created once and never released,
 * so that the GPU device outlives the user's sessions.
 */
export function ensureWebGpuAnchor(runtime: OrtRuntime): Promise<void> {
  if (runtime.device !== 'webgpu') return Promise.resolve();
  let anchor = anchors.get(runtime.ort);
  if (!anchor) {
    anchor = enqueue(() =>
      runtime.ort.InferenceSession.create(anchorModelBytes(), { executionProviders: [...runtime.executionProviders] }),
    );
    anchor.catch(() => anchors.delete(runtime.ort));
    anchors.set(runtime.ort, anchor);
  }
  return anchor.then(() => undefined);
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function creationError(cause: unknown, runtime: OrtRuntime): Error {
  const text = message(cause);
  if (runtime.device === 'webgpu' && isNode() && /vulkan|adapter|WebGpuContext/i.test(text)) {
    return new BackendError(
      `onnxruntime-node could not start its WebGPU EP (${text}). It needs a Vulkan driver that Dawn accepts, ` +
        'e.g. Chromium\'s SwiftShader: LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json. ' +
        "Or use device 'cpu'.",
      { code: 'webgpu-unavailable', cause },
    );
  }
  if (/fallback to CPU EP has been explicitly disabled/i.test(text)) {
    return new ModelError(
      `Some nodes of this model cannot run on ${runtime.device} and CPU fallback was disabled (${text}). ` +
        'Drop disableCpuFallback, or create the session with reportPlacement to see which nodes.',
      { code: 'cpu-fallback-disabled', cause },
    );
  }
  if (/protobuf|parse|invalid model|Load model|opset/i.test(text)) {
    return new ModelError(`ONNX Runtime could not load the model (${text}). Check that the bytes are a complete ONNX file (and its external data, if any).`, { code: 'invalid-model', cause });
  }
  const hint = runtime.device === 'wasm' ? 'Check that the model is a complete ONNX file that ONNX Runtime 1.30 supports.' : "Try device 'wasm'.";
  return new BackendError(`ONNX Runtime could not create a session on ${runtime.device} (${text}). ${hint}`, { code: 'session-failed', cause });
}

/** The ORT session options gradscope uses for `options` on `runtime`. */
export function sessionOptionsFor(runtime: OrtRuntime, options: CreateSessionOptions = {}): OrtSessionOptions {
  const result: OrtSessionOptions = {
    executionProviders: [...runtime.executionProviders],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
  };
  if (options.externalData?.length) {
    result.externalData = options.externalData.map((f) => ({ path: f.path, data: f.data }));
  }
  const severity = options.reportPlacement ? 0 : options.logSeverityLevel;
  if (severity !== undefined) result.logSeverityLevel = severity;
  if (options.disableCpuFallback) result.extra = { session: { disable_cpu_ep_fallback: '1' } };
  if (options.preferredOutputLocation) result.preferredOutputLocation = options.preferredOutputLocation;
  return { ...result, ...options.sessionOptions };
}

const isOrtVerbose = (line: string): boolean => /^\s*\[[VI]:onnxruntime:/.test(line) || line.includes('VerifyEachNodeIsAssignedToAnEp');

/**
 * Create a session from model bytes. Creation goes through the global queue.
 *
 * @param model the `.onnx` file's bytes.
 * @param options device, optimisation level, external data, placement reporting, ...
 * @throws {BackendError} device unavailable or ORT failure; {@link ModelError} unreadable model.
 */
export async function createSession(model: Uint8Array, options: CreateSessionOptions = {}): Promise<Session> {
  throwIfAborted(options.signal);
  const runtime = await loadOrt(options.device ?? 'auto');
  if (!isNode()) installConsoleTap();
  await ensureWebGpuAnchor(runtime).catch((cause: unknown) => {
    throw creationError(cause, runtime);
  });
  const sessionOptions = sessionOptionsFor(runtime, options);
  const capture = options.reportPlacement === true && !isNode();
  return enqueue(
    async () => {
      try {
        const create = (): Promise<OrtWeb.InferenceSession> => runtime.ort.InferenceSession.create(model, sessionOptions);
        if (!capture) return new Session(runtime, await create(), undefined);
        const { result, lines } = await captureConsole(create, isOrtVerbose);
        return new Session(runtime, result, parsePlacement(lines));
      } catch (cause) {
        throw creationError(cause, runtime);
      }
    },
    options.signal ? { signal: options.signal } : {},
  );
}
