import { describe, expect, it } from 'vitest';
import { AbortError, BackendError, GradscopeError, InputError, ModelError, isAbortError, throwIfAborted } from '../../../src/errors.js';

describe('errors', () => {
  it('every subclass is a GradscopeError with a code and its own name', () => {
    const cases = [
      [new InputError('x'), 'InputError', 'invalid-input'],
      [new ModelError('x'), 'ModelError', 'unsupported-model'],
      [new BackendError('x'), 'BackendError', 'backend-failure'],
      [new AbortError(), 'AbortError', 'aborted'],
    ] as const;
    for (const [err, name, code] of cases) {
      expect(err).toBeInstanceOf(GradscopeError);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
      expect(err.code).toBe(code);
    }
    const custom = new InputError('empty text', { code: 'empty-input', cause: 1 });
    expect(custom.code).toBe('empty-input');
    expect(custom.cause).toBe(1);
  });

  it('AbortError is compatible with DOM cancellation checks', () => {
    expect(isAbortError(new AbortError())).toBe(true);
    expect(isAbortError(new DOMException('x', 'AbortError'))).toBe(true);
    expect(isAbortError(new Error('x'))).toBe(false);
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    controller.abort('why');
    expect(() => throwIfAborted(controller.signal)).toThrow(AbortError);
  });
});
