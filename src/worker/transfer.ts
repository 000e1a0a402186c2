/**
 * The buffers of typed arrays inside a value, to hand to `postMessage` as transferables: image
 * attributions and pixel values (megabytes each) move between threads instead of being copied.
 *
 * @module
 */

/**
 * Every distinct ArrayBuffer behind a typed array (or an ArrayBuffer itself) in `value`, walked
 * through plain objects and arrays. Shared memory (SharedArrayBuffer) cannot be transferred and
 * is left out; so are buffers that back a view of only part of them (transferring would take
 * the rest of the buffer away from its owner).
 *
 * @example
 * worker.postMessage(result, collectTransferables(result));
 */
export function collectTransferables(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof ArrayBuffer) {
      out.add(v);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      const buf = v.buffer;
      if (buf instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === buf.byteLength) out.add(buf);
      return;
    }
    if (Array.isArray(v)) {
      // Token lists can be long; only arrays that may hold objects are worth walking.
      for (const x of v) if (typeof x === 'object') walk(x);
      return;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return; // Blob, ImageBitmap, class instances
    for (const x of Object.values(v)) walk(x);
  };
  walk(value);
  return [...out];
}
