/**
 * Float32 tensors in and out of JSON, and parsing of result JSON written by the CLI.
 *
 * The CLI writes image tensors as `{ shape, dtype: 'float32', base64 }` (little-endian).
 * Elements and the HTML export accept either that form or a live `Float32Array`.
 *
 * @module
 */
import { InputError } from '../errors.js';
import type { EncodedTensor, ExplanationResult, ImageClassificationResult } from '../types.js';

/** A tensor as a typed array, as its JSON encoding, or as a plain number list. */
export type TensorLike = Float32Array | EncodedTensor | ArrayLike<number>;

function isEncodedTensor(value: unknown): value is EncodedTensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EncodedTensor).base64 === 'string' &&
    Array.isArray((value as EncodedTensor).shape)
  );
}

function base64ToBytes(base64: string): Uint8Array {
  // atob exists in browsers and in Node >= 16; Buffer would tie this module to Node.
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000; // keeps String.fromCharCode's argument list small
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes a tensor to a `Float32Array` (returned as is when it already is one).
 *
 * @example
 * ```ts
 * decodeTensor({ shape: [2], dtype: 'float32', base64: 'AACAPwAAAEA=' }); // Float32Array [1, 2]
 * ```
 */
export function decodeTensor(tensor: TensorLike): Float32Array {
  if (tensor instanceof Float32Array) return tensor;
  if (isEncodedTensor(tensor)) {
    if (tensor.dtype !== 'float32') throw new InputError(`unsupported tensor dtype ${String(tensor.dtype)}: only float32 tensors are encoded`, { code: 'invalid-tensor-dtype' });
    const bytes = base64ToBytes(tensor.base64);
    if (bytes.length % 4 !== 0) throw new InputError('base64 tensor length is not a multiple of 4 bytes', { code: 'invalid-tensor-shape' });
    const n = bytes.length / 4;
    const expected = tensor.shape.reduce((a, b) => a * b, 1);
    if (expected !== n) throw new InputError(`tensor has ${n} values but shape [${tensor.shape.join(', ')}] needs ${expected}`, { code: 'invalid-tensor-shape' });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  return Float32Array.from(tensor);
}

/**
 * Encodes a tensor as `{ shape, dtype: 'float32', base64 }` (little-endian), the CLI's JSON form.
 *
 * @example
 * ```ts
 * encodeTensor(new Float32Array([1, 2]), [2]).base64; // 'AACAPwAAAEA='
 * ```
 */
export function encodeTensor(data: Float32Array, shape: readonly number[]): EncodedTensor {
  let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!littleEndianHost) {
    const copy = new Uint8Array(data.length * 4);
    const view = new DataView(copy.buffer);
    data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    bytes = copy;
  }
  return { shape: [...shape], dtype: 'float32', base64: bytesToBase64(bytes) };
}

/** An image result whose tensors may still be in their JSON encoding. */
export type ImageClassificationResultInput = Omit<ImageClassificationResult, 'attributions' | 'pixelValues'> & {
  attributions: TensorLike;
  pixelValues?: TensorLike;
};

/** Any result, with image tensors possibly still encoded (what JSON gives you). */
export type ExplanationResultInput = Exclude<ExplanationResult, ImageClassificationResult> | ImageClassificationResultInput;

/**
 * Turns a result that may carry encoded tensors (parsed CLI JSON) into a proper result:
 * image `attributions` and `pixelValues` become `Float32Array`s; everything else is returned
 * unchanged. Accepts a JSON string too.
 *
 * @example
 * ```ts
 * const result = normalizeResult(JSON.parse(await readFile('vit.json', 'utf8')));
 * ```
 */
export function normalizeResult(input: ExplanationResultInput | string): ExplanationResult {
  const value: unknown = typeof input === 'string' ? JSON.parse(input) : input;
  if (typeof value !== 'object' || value === null) throw new InputError('a result must be an object', { code: 'not-a-result' });
  const r = value as Record<string, unknown>;
  if ('attributions' in r && 'shape' in r) {
    const img = value as ImageClassificationResultInput;
    const out: ImageClassificationResult = {
      ...img,
      attributions: decodeTensor(img.attributions),
      shape: [...img.shape] as ImageClassificationResult['shape'],
    } as ImageClassificationResult;
    if (img.pixelValues !== undefined && img.pixelValues !== null) out.pixelValues = decodeTensor(img.pixelValues);
    else delete out.pixelValues;
    return out;
  }
  return value as ExplanationResult;
}
