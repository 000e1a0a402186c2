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
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      switch (t.dtype) {
        case 'float32': out[i] = v.getFloat32(i * 4, true); break;
        case 'float64': out[i] = v.getFloat64(i * 8, true); break;
        case 'float16': out[i] = halfToFloat(v.getUint16(i * 2, true)); break;
        case 'int32': out[i] = v.getInt32(i * 4, true); break;
        case 'int64': out[i] = Number(v.getBigInt64(i * 8, true)); break;
        case 'int8': out[i] = v.getInt8(i); break;
        default: out[i] = v.getUint8(i);
      }
    }
    return out;
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
