/**
 * JSON form of results: typed arrays become `{ shape, dtype, base64 }` (images), everything
 * else is already plain data.
 */
import { encodeTensor } from '../viz/tensor-codec.js';

/** Makes a result JSON-ready (typed arrays encoded). */
export function toJson<T extends object>(result: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const shape = (result as { shape?: number[] }).shape;
  for (const [k, v] of Object.entries(result)) {
    if (v instanceof Float32Array) out[k] = encodeTensor(v, shape ?? [v.length]);
    else if (v !== undefined) out[k] = v;
  }
  return out;
}
