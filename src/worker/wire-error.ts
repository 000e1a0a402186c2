/**
 * Errors across the worker boundary: a thrown error becomes plain data in the worker and the
 * same typed {@link GradscopeError} subclass (same `code`, same message) on the page.
 *
 * @module
 */
import { AbortError, BackendError, GradscopeError, InputError, InternalError, ModelError } from '../errors.js';
import type { WireError } from './protocol.js';

/** Plain data of an error, for `postMessage`. */
/** The gradscope base class an error is an instance of (subclasses such as UnsupportedOpError map to theirs). */
function kindOf(err: GradscopeError): string {
  for (const C of [InputError, ModelError, BackendError, AbortError, InternalError]) if (err instanceof C) return C.name;
  return 'GradscopeError';
}

export function toWireError(err: unknown): WireError {
  if (err instanceof GradscopeError) return { name: kindOf(err), code: err.code, message: err.message, ...(err.name !== kindOf(err) ? { subclass: err.name } : {}) };
  if (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError') {
    return { name: 'AbortError', code: 'aborted', message: String((err as { message?: unknown }).message ?? 'aborted') };
  }
  if (err instanceof Error) return { name: err.name, code: undefined, message: err.message };
  return { name: 'Error', code: undefined, message: String(err) };
}

/**
 * The typed error a {@link WireError} stands for. Errors that were not gradscope's own (a bug,
 * an onnxruntime failure) come back as a {@link BackendError} with code `'worker-failure'` and
 * the original message.
 */
export function fromWireError(w: WireError): GradscopeError {
  const err = rebuild(w);
  if (w.subclass) err.name = w.subclass; // e.g. 'UnsupportedOpError', still an instanceof ModelError
  return err;
}

function rebuild(w: WireError): GradscopeError {
  const opts = w.code === undefined ? {} : { code: w.code };
  switch (w.name) {
    case 'InputError':
      return new InputError(w.message, opts);
    case 'ModelError':
      return new ModelError(w.message, opts);
    case 'BackendError':
      return new BackendError(w.message, opts);
    case 'AbortError':
      return new AbortError(w.message, opts);
    case 'InternalError':
      // Its constructor frames the message; the worker already did.
      return Object.assign(new InternalError('', opts), { message: w.message });
    case 'GradscopeError':
      return new GradscopeError(w.message, opts);
    default:
      return new BackendError(`The explain worker failed: ${w.name}: ${w.message}`, { code: w.code ?? 'worker-failure' });
  }
}
