/**
 * Reading whole weight tensors (embedded, or in an external-data file) as numbers, for the
 * one-time dequantization at load. `onnx/tensor.ts` reads small shape constants only; weights
 * here may be megabytes of uint8, int8 or float16.
 */
import { ModelError } from '../../errors.js';
import { onnx, toNum, type LongLike } from '../../onnx/proto.js';
import { sizeOf, type ConstTensor } from '../../onnx/tensor.js';

/** An external-data file handed to the session (`model.onnx_data`). */
export interface ExternalData {
  path: string;
  data: Uint8Array;
}

/** IEEE half (as its 16 bits) to a JS number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

let HALF_TABLE: Float32Array | undefined;
/** Every float16 bit pattern's value (256 KiB, built once): upcasting is then one lookup per weight. */
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}

const BYTES: Partial<Record<ConstTensor['dtype'], number>> = { float32: 4, float64: 8, float16: 2, int32: 4, int64: 8, int8: 1, uint8: 1, bool: 1 };

/** A constant's raw little-endian bytes (embedded or in its external-data file); undefined for typed-field storage. */
export function rawBytes(t: ConstTensor, external: readonly ExternalData[]): Uint8Array | undefined {
  const p = t.proto;
  if (!p) return undefined;
  if (p.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const kv = new Map((p.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = kv.get('location') ?? '';
    const file = external.find((f) => f.path === location || f.path.endsWith(`/${location}`));
    if (!file) {
      throw new ModelError(`Weight "${p.name ?? ''}" is stored in "${location}", which was not loaded. Load the model with its external data (externalData: true).`, {
        code: 'missing-external-data',
      });
    }
    const offset = Number(kv.get('offset') ?? 0);
    const length = kv.has('length') ? Number(kv.get('length')) : sizeOf(t.dims) * (BYTES[t.dtype] ?? 1);
    if (offset + length > file.data.length) {
      throw new ModelError(`Weight "${p.name ?? ''}" lies beyond the end of "${location}" (truncated download?). Download the model again.`, { code: 'invalid-model' });
    }
    return file.data.subarray(offset, offset + length);
  }
  return p.rawData && p.rawData.length > 0 ? p.rawData : undefined;
}

/**
 * A constant's values as float32 (float16, integer and float tensors alike).
 *
 * @throws {ModelError} when its data is missing or shorter than its shape says.
 */
export function readWeight(t: ConstTensor, external: readonly ExternalData[] = []): Float32Array {
  const n = sizeOf(t.dims);
  // int8 tensors made in code hold their bytes in a Uint8Array.
  if (t.values) return Float32Array.from(t.values as ArrayLike<number | bigint>, (v) => (t.dtype === 'int8' && Number(v) > 127 ? Number(v) - 256 : Number(v)));
  const raw = rawBytes(t, external);
  const name = t.proto?.name ?? '';
  const out = new Float32Array(n);
  if (raw) {
    const width = BYTES[t.dtype];
    if (width === undefined) throw new ModelError(`Weight "${name}" has type ${t.dtype}, which gradscope cannot read.`, { code: 'invalid-model' });
    if (raw.length < n * width) throw new ModelError(`Weight "${name}" holds ${raw.length} bytes but its shape needs ${n * width} (truncated file?).`, { code: 'invalid-model' });
    // Typed views over a copy (the bytes may be unaligned): weights are tens of millions of values.
    const bytes = raw.slice(0, n * width);
    switch (t.dtype) {
      case 'float32': return new Float32Array(bytes.buffer, 0, n);
      case 'float16': {
        const half = new Uint16Array(bytes.buffer, 0, n);
        const table = halfTable();
        for (let i = 0; i < n; i++) out[i] = table[half[i]];
        return out;
      }
      case 'int8': out.set(new Int8Array(bytes.buffer, 0, n)); return out;
      case 'uint8': case 'bool': out.set(bytes); return out;
      case 'int32': out.set(new Int32Array(bytes.buffer, 0, n)); return out;
      case 'float64': out.set(new Float64Array(bytes.buffer, 0, n)); return out;
      default: {
        const v = new BigInt64Array(bytes.buffer, 0, n);
        for (let i = 0; i < n; i++) out[i] = Number(v[i]);
        return out;
      }
    }
  }
  const p = t.proto;
  // Typed fields: float16, int8 and uint8 live in int32_data (float16 as its bits).
  const src: ArrayLike<number> =
    t.dtype === 'float32' ? (p?.floatData ?? []) : t.dtype === 'float64' ? (p?.doubleData ?? []) : t.dtype === 'int64' ? (p?.int64Data ?? []).map((x) => toNum(x as LongLike)) : (p?.int32Data ?? []);
  if (src.length < n) throw new ModelError(`Weight "${name}" holds ${src.length} values but its shape needs ${n}.`, { code: 'invalid-model' });
  for (let i = 0; i < n; i++) out[i] = t.dtype === 'float16' ? halfToFloat(src[i]) : src[i];
  return out;
}

/** The raw bytes of a uint8 constant (packed 4-bit codes). */
export function readBytes(t: ConstTensor, external: readonly ExternalData[] = []): Uint8Array {
  if (t.values instanceof Uint8Array) return t.values;
  const raw = rawBytes(t, external);
  if (raw) return raw;
  return Uint8Array.from(readWeight(t, external));
}
