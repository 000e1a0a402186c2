/**
 * The messages between a page and gradscope's explain worker. Plain data only (structured
 * clone); big typed arrays travel as transferred buffers.
 *
 * @module
 */
import type { ResolvedDevice } from '../runtime/ort.js';
import type { ModelDtype } from '../runtime/model-files.js';

/** Stages of a worker's work, in the order a first explanation goes through them. */
export type RuntimeStage = 'download' | 'build' | 'session' | 'explain';

/**
 * Progress of loading or explaining.
 *
 * - `download`: bytes of one file (`file`, `loaded` of `total`; `total` is null when the server
 *   sends no length).
 * - `build`: building the gradient graphs (no fraction: one synchronous step in the worker).
 * - `session`: creating onnxruntime sessions (`done` of `total` created so far in this step).
 * - `explain`: path points integrated, chunk by chunk (`done` of `total` rows).
 */
export interface RuntimeProgress {
  stage: RuntimeStage;
  /** 0..1, or null when unknown. */
  fraction: number | null;
  /** `download`: the URL path of the file. */
  file?: string;
  /** `download`: bytes received. */
  loaded?: number;
  /** `download`: bytes in all (null: unknown). */
  bytes?: number | null;
  /** `explain` / `session`: units done. */
  done?: number;
  /** `explain` / `session`: units in all. */
  total?: number;
}

/** A serialised error: enough to rebuild the same typed error on the page. */
export interface WireError {
  /** `InputError`, `ModelError`, `BackendError`, `AbortError`, `GradscopeError` or another name. */
  name: string;
  code: string | undefined;
  message: string;
  /** The thrown subclass's name when it is not the base class itself (`UnsupportedOpError`). */
  subclass?: string;
}

/** Settings a page gives the worker before it loads anything. */
export interface WorkerSettings {
  /** Where onnxruntime-web's .wasm/.mjs live (the CDN bundle's folder); unset: ORT's default. */
  wasmPaths?: string;
}

/** Loader options that can cross to the worker (functions and signals stay on the page). */
export interface WireLoadOptions {
  device?: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  localOnly?: boolean;
  externalData?: boolean;
  customLabels?: string[] | Record<number, string>;
  /** transformers.js dtype of the ONNX file to load (`fp32`, `q8`, `q4`, ...). */
  dtype?: ModelDtype;
}

/** Page -> worker. */
export type ToWorker =
  | { type: 'load'; id: number; task: string; model: string; options: WireLoadOptions; settings: WorkerSettings }
  /** `refine`: the page passed `onRefine` (progressive results): the worker forwards each refinement. */
  | { type: 'explain'; id: number; args: unknown[]; options: Record<string, unknown>; refine?: boolean }
  | { type: 'cancel'; id: number }
  | { type: 'dispose'; id: number }
  /** Destroys the worker's WebGPU device, as a driver reset or a lost GPU would (tests, diagnostics). */
  | { type: 'simulate-device-loss'; id: number };

/** Worker -> page. */
export type FromWorker =
  | { type: 'progress'; id: number; progress: RuntimeProgress }
  | { type: 'loaded'; id: number; device: ResolvedDevice }
  /** The model now runs on another device (the WebGPU device was lost). */
  | { type: 'device'; device: ResolvedDevice }
  /** An intermediate `nSteps: 'auto'` refinement of a run whose page asked for them. */
  | { type: 'refine'; id: number; nSteps: number; values: Float64Array }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'warning'; message: string }
  | { type: 'disposed'; id: number };
