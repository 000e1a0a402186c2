/**
 * Typed errors thrown by gradscope.
 *
 * Every error the library throws on purpose is a {@link GradscopeError}: it has a stable
 * machine-readable `code` and a message that says what went wrong AND what to do about it.
 * Catch the subclass that matters to you:
 *
 * - {@link InputError}: the caller passed something unusable (empty text, too many tokens,
 *   unknown class name, a model folder that does not exist, ...).
 * - {@link ModelError}: the model cannot be explained (wrong architecture, unsupported op, ...).
 * - {@link BackendError}: the runtime failed (WebGPU missing, a backend failed to load or run).
 * - {@link AbortError}: the caller cancelled the work through an `AbortSignal`. Its `name` is
 *   `'AbortError'`, like the DOM's, so `err.name === 'AbortError'` checks work unchanged.
 *
 * @module
 */

/** Options accepted by every gradscope error constructor. */
export interface GradscopeErrorOptions {
  /** Stable machine-readable code, e.g. `'webgpu-unavailable'`. Defaults per class. */
  code?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Base class of every error gradscope throws on purpose. */
export class GradscopeError extends Error {
  /** Stable machine-readable code (kebab-case). */
  readonly code: string;

  /**
   * @param message What went wrong and what to do about it.
   * @param options `code` and `cause`.
   */
  constructor(message: string, options: GradscopeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GradscopeError';
    this.code = options.code ?? 'gradscope-error';
  }
}

/** Bad user input: empty text, too long, unknown class name, missing model folder, ... */
export class InputError extends GradscopeError {
  constructor(message: string, options: GradscopeErrorOptions = {}) {
    super(message, { code: 'invalid-input', ...options });
    this.name = 'InputError';
  }
}

/** The model cannot be used: wrong model kind, unsupported op, malformed ONNX, ... */
export class ModelError extends GradscopeError {
  constructor(message: string, options: GradscopeErrorOptions = {}) {
    super(message, { code: 'unsupported-model', ...options });
    this.name = 'ModelError';
  }
}

/** The runtime failed: WebGPU missing, a backend that cannot load, a failed run, ... */
export class BackendError extends GradscopeError {
  constructor(message: string, options: GradscopeErrorOptions = {}) {
    super(message, { code: 'backend-failure', ...options });
    this.name = 'BackendError';
  }
}

/**
 * The work was cancelled through an `AbortSignal`.
 *
 * `name` is `'AbortError'` (as for `DOMException`), so code that checks
 * `err.name === 'AbortError'` treats it like a `fetch` cancellation.
 */
export class AbortError extends GradscopeError {
  constructor(message = 'The operation was aborted.', options: GradscopeErrorOptions = {}) {
    super(message, { code: 'aborted', ...options });
    this.name = 'AbortError';
  }
}

/** True for any cancellation error: gradscope's {@link AbortError} or a DOM `AbortError`. */
export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

/**
 * Throw an {@link AbortError} if `signal` is aborted. The signal's `reason` becomes the
 * `cause`.
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new AbortError('The operation was aborted by its AbortSignal.', { cause: signal.reason });
  }
}

/** Where in a graph an {@link InternalError} happened. */
export interface InternalErrorOptions extends GradscopeErrorOptions {
  /** Name of the graph node being processed. */
  node?: string;
  /** Its op type. */
  op?: string;
}

/**
 * A broken internal invariant: a bug in gradscope, not a problem with the caller's input.
 * Code `'internal'`; names the graph node and op when there is one, so a report can point at it.
 *
 * @example
 * throw new InternalError('gradient of output 1 was never consumed', { node: 'MatMul_3', op: 'MatMul' });
 */
export class InternalError extends GradscopeError {
  /** Name of the node being processed, if any. */
  readonly node?: string;
  /** Its op type, if any. */
  readonly op?: string;

  constructor(message: string, options: InternalErrorOptions = {}) {
    const { node, op, ...rest } = options;
    const where = node !== undefined || op !== undefined ? ` at node "${node ?? '?'}" (${op ?? '?'})` : '';
    super(`Internal error${where}: ${message}. This is a bug in gradscope: please report it with the model.`, { code: 'internal', ...rest });
    this.name = 'InternalError';
    this.node = node;
    this.op = op;
  }
}
