/**
 * A tiny ONNX model (`y = Identity(x)`, float32 `[1]`), encoded by hand, for anchor sessions.
 *
 * With the native WebGPU EP, releasing the last session of a page destroys the GPU device,
 * and the next session pays the full device start-up and shader compilation again (seconds on
 * SwiftShader). gradscope keeps one session of this model alive per WebGPU runtime.
 *
 * @module
 */

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
/** Field with wire type 0 (varint). */
const vfield = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
/** Field with wire type 2 (length-delimited). */
const lfield = (field: number, bytes: number[]): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const sfield = (field: number, s: string): number[] => lfield(field, utf8(s));

function valueInfo(name: string): number[] {
  const dim = vfield(1, 1); // Dimension.dim_value = 1
  const shape = lfield(1, dim); // TensorShapeProto.dim
  const tensorType = [...vfield(1, 1), ...lfield(2, shape)]; // elem_type FLOAT, shape
  const type = lfield(1, tensorType); // TypeProto.tensor_type
  return [...sfield(1, name), ...lfield(2, type)];
}

/** Build the anchor model's bytes (opset 13, IR version 7). */
export function anchorModelBytes(): Uint8Array {
  const node = [...sfield(1, 'x'), ...sfield(2, 'y'), ...sfield(3, 'anchor_identity'), ...sfield(4, 'Identity')];
  const graph = [...lfield(1, node), ...sfield(2, 'gradscope_anchor'), ...lfield(11, valueInfo('x')), ...lfield(12, valueInfo('y'))];
  const opset = [...sfield(1, ''), ...vfield(2, 13)];
  const model = [...vfield(1, 7), ...sfield(2, 'gradscope'), ...lfield(7, graph), ...lfield(8, opset)];
  return new Uint8Array(model);
}
