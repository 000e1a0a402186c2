/**
 * The explain worker's plain-data helpers: errors keep their class and code across the
 * boundary, and the buffers to transfer are exactly the whole-buffer typed arrays of a result.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, BackendError, GradscopeError, InputError, InternalError, ModelError } from '../../src/errors.js';
import { collectTransferables } from '../../src/worker/transfer.js';
import { fromWireError, toWireError } from '../../src/worker/wire-error.js';

describe('worker errors', () => {
  it.each([
    [new InputError('bad text', { code: 'empty-text' }), InputError, 'empty-text'],
    [new ModelError('no cut', { code: 'cut-not-found' }), ModelError, 'cut-not-found'],
    [new BackendError('no gpu', { code: 'webgpu-unavailable' }), BackendError, 'webgpu-unavailable'],
    [new AbortError(), AbortError, 'aborted'],
    [new GradscopeError('plain'), GradscopeError, 'gradscope-error'],
  ] as const)('%s comes back as the same class with the same code and message', (err, Cls, code) => {
    const back = fromWireError(structuredClone(toWireError(err)));
    expect(back).toBeInstanceOf(Cls);
    expect(back.code).toBe(code);
    expect(back.message).toBe(err.message);
    expect(back.name).toBe(err.name);
  });

  it('a subclass keeps its name and its base class', () => {
    class UnsupportedThing extends ModelError {
      constructor() {
        super('op Foo has no gradient', { code: 'unsupported-op' });
        this.name = 'UnsupportedThing';
      }
    }
    const back = fromWireError(toWireError(new UnsupportedThing()));
    expect(back).toBeInstanceOf(ModelError);
    expect(back.name).toBe('UnsupportedThing');
    expect(back.code).toBe('unsupported-op');
  });

  it('an internal error is not framed twice', () => {
    const err = new InternalError('gradient never consumed', { node: 'MatMul_3', op: 'MatMul' });
    const back = fromWireError(toWireError(err));
    expect(back).toBeInstanceOf(InternalError);
    expect(back.message).toBe(err.message);
  });

  it('a foreign error becomes a BackendError naming it', () => {
    const back = fromWireError(toWireError(new RangeError('memory access out of bounds')));
    expect(back).toBeInstanceOf(BackendError);
    expect(back.code).toBe('worker-failure');
    expect(back.message).toContain('RangeError: memory access out of bounds');
  });

  it('a DOM-style AbortError stays a cancellation', () => {
    const back = fromWireError(toWireError(Object.assign(new Error('stop'), { name: 'AbortError' })));
    expect(back).toBeInstanceOf(AbortError);
  });
});

describe('collectTransferables', () => {
  it('takes whole-buffer typed arrays once, skips views of part of a buffer and strings', () => {
    const attributions = new Float32Array(12);
    const shared = new Float32Array(8);
    const part = new Float32Array(new ArrayBuffer(64), 16, 4);
    const result = { attributions, pixelValues: attributions, nested: [{ a: shared }, 'x'], part, label: 'cat', scores: [1, 2] };
    const buffers = collectTransferables(result);
    expect(buffers).toHaveLength(2);
    expect(buffers).toContain(attributions.buffer);
    expect(buffers).toContain(shared.buffer);
  });

  it('handles cycles and leaves class instances alone', () => {
    const a: Record<string, unknown> = { x: new Uint8Array(4) };
    a.self = a;
    a.when = new Date();
    expect(collectTransferables(a)).toHaveLength(1);
  });

  it('the collected buffers can really be transferred', () => {
    const result = { attributions: new Float32Array([1, 2, 3]) };
    const copy = structuredClone(result, { transfer: collectTransferables(result) });
    expect(Array.from(copy.attributions)).toEqual([1, 2, 3]);
    expect(result.attributions.length).toBe(0); // detached: moved, not copied
  });
});
