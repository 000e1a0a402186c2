/**
 * The one place that touches the ONNX protobuf package. Everything else works on the IR in
 * `ir.ts`, so the protobuf library could be swapped without touching graph code.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** protobufjs gives int64 fields as numbers or Long objects; both become plain numbers here. */
export type LongLike = number | { toNumber(): number } | { low: number; high: number };

/** Converts a protobuf int64 to a JS number (values past 2^53 lose precision, which is fine for ONNX's INT64_MAX sentinels). */
export function toNum(v: LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if ('toNumber' in v) return v.toNumber();
  return v.high * 4294967296 + (v.low >>> 0);
}

/** Decodes ONNX model bytes. Byte fields stay views into `bytes` (protobufjs uses subarray), so weights are not copied. */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Encodes a model proto to bytes. */
export function encodeModelProto(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
