/**
 * Constant tensors (initializers, Constant nodes, tensor attributes) in a form graph code can
 * read without knowing protobuf. Large weights keep their original proto (and its byte view),
 * so writing a model back does not decode or copy them.
 */
import { onnx, toNum, type LongLike, type TensorProto } from './proto.js';
import { ModelError } from '../errors.js';

/** Element types the graph code distinguishes. */
export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'string' | 'other';

const FROM_ONNX: Record<number, DType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64',
};
const TO_ONNX: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, float64: 11, other: 0,
};

/** ONNX `TensorProto.DataType` number -> {@link DType}. */
export function dtypeFromOnnx(code: number): DType {
  return FROM_ONNX[code] ?? 'other';
}

/** {@link DType} -> ONNX `TensorProto.DataType` number. */
export function dtypeToOnnx(dtype: DType): number {
  return TO_ONNX[dtype];
}

/** Whether gradients can flow through tensors of this type. */
export function isFloat(dtype: DType | undefined): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/** A constant tensor. `proto` is set when it came from a model file. */
export interface ConstTensor {
  dtype: DType;
  dims: number[];
  /** Decoded values (present for tensors made in code; decoded lazily from `proto` otherwise). */
  values?: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
  proto?: TensorProto;
}

/** Number of elements of a shape. */
export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Wraps a tensor proto read from a model. */
export function constFromProto(proto: TensorProto): ConstTensor {
  return { dtype: dtypeFromOnnx(proto.dataType ?? 0), dims: (proto.dims ?? []).map((d) => toNum(d as LongLike)), proto };
}

/** A float32 constant. */
export function f32(values: ArrayLike<number>, dims: number[] = [values.length]): ConstTensor {
  return { dtype: 'float32', dims, values: Float32Array.from(values) };
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * An int64 constant. Values are clamped to the int64 range: `readNumbers` rounds INT64_MAX
 * (ONNX's "to the end" sentinel) up to 2^63, which BigInt64Array would otherwise wrap to
 * INT64_MIN, silently turning "slice to the end" into "slice to the start".
 */
export function i64(values: ArrayLike<number>, dims: number[] = [values.length]): ConstTensor {
  const big = Array.from(values, (v) => {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 0n : v > 0 ? INT64_MAX : INT64_MIN;
    const b = BigInt(Math.trunc(v));
    return b > INT64_MAX ? INT64_MAX : b < INT64_MIN ? INT64_MIN : b;
  });
  return { dtype: 'int64', dims, values: BigInt64Array.from(big) };
}

/** A bool constant. */
export function bool(values: ArrayLike<boolean | number>, dims: number[] = [values.length]): ConstTensor {
  return { dtype: 'bool', dims, values: Uint8Array.from(Array.from(values, (v) => (v ? 1 : 0))) };
}

function rawView(proto: TensorProto): DataView | undefined {
  const raw = proto.rawData;
  if (!raw || raw.length === 0) return undefined;
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/**
 * Reads a constant's values as plain numbers (int64 beyond 2^53 is rounded; ONNX uses such
 * values only as "to the end" sentinels). Throws for external data: callers only read small
 * shape constants.
 */
export function readNumbers(t: ConstTensor): number[] {
  if (t.values) return Array.from(t.values as ArrayLike<number | bigint>, (v) => Number(v));
  const p = t.proto;
  if (!p) return [];
  if (p.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new ModelError(`Tensor "${p.name ?? ''}" is stored as external data and cannot be read as a constant; export the model with its small constants inline.`, { code: 'external-data' });
  }
  const n = sizeOf(t.dims);
  const view = rawView(p);
  const out: number[] = new Array<number>(n);
  if (view) {
    for (let i = 0; i < n; i++) {
      switch (t.dtype) {
        case 'float32': out[i] = view.getFloat32(i * 4, true); break;
        case 'float64': out[i] = view.getFloat64(i * 8, true); break;
        case 'int64': out[i] = Number(view.getBigInt64(i * 8, true)); break;
        case 'int32': out[i] = view.getInt32(i * 4, true); break;
        case 'int8': out[i] = view.getInt8(i); break;
        case 'uint8': case 'bool': out[i] = view.getUint8(i); break;
        default: throw new ModelError(`Cannot read a constant of type ${t.dtype} (tensor "${p.name ?? ''}").`, { code: 'unsupported-dtype' });
      }
    }
    return out;
  }
  switch (t.dtype) {
    case 'float32': return (p.floatData ?? []).slice();
    case 'float64': return (p.doubleData ?? []).slice();
    case 'int64': return (p.int64Data ?? []).map((v) => toNum(v as LongLike));
    default: return (p.int32Data ?? []).slice();
  }
}

/** Reads a float constant as Float32Array (copying). */
export function readFloat32(t: ConstTensor): Float32Array {
  if (t.values instanceof Float32Array) return t.values;
  return Float32Array.from(readNumbers(t));
}

/** Builds a tensor proto for writing. Protos read from a model are returned as they are (no copy). */
export function constToProto(t: ConstTensor, name: string): TensorProto {
  if (t.proto) {
    return t.proto.name === name ? t.proto : { ...t.proto, name };
  }
  const v = t.values;
  let raw: Uint8Array;
  if (v instanceof BigInt64Array || v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array) {
    raw = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  } else if (v instanceof Uint8Array) {
    raw = v;
  } else {
    raw = new Uint8Array(0);
  }
  return { name, dataType: dtypeToOnnx(t.dtype), dims: t.dims, rawData: raw };
}

/** True when the tensor's bytes live in an external data file (only dims and dtype are here). */
export function isExternal(t: ConstTensor): boolean {
  return t.proto?.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
}
