/**
 * 4-bit (and 2/8-bit) block-quantized MatMuls of ONNX Runtime's contrib domain, rewritten to
 * a float `MatMul` on the weight dequantized once here:
 *
 * - `MatMulNBits` (dtypes q4, q4f16): B is [N, blocks, blob] codes packed low bits first
 *   along K, one scale (and optional zero point, packed the same way, default 2^(bits-1)) per
 *   block of `block_size` values; Y = A @ dequant(B)^T (+ bias).
 * - `MatMulBnb4` (dtype bnb4): the [N, K] weight flattened, two codes per byte with the even
 *   index in the high nibble, each code looked up in the FP4 or NF4 codebook and multiplied
 *   by its block's absmax; Y = A @ dequant(B)^T.
 */
import { attrInt, type Node } from '../../onnx/ir.js';
import { unsupportedPattern, type DecomposeContext } from './context.js';
import { readBytes } from './weights.js';

/** bitsandbytes' NF4 codebook (normal-float quantiles). */
const NF4 = [
  -1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0, 0.07958029955625534,
  0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1,
];
/** bitsandbytes' FP4 codebook (1 sign, 2 exponent, 1 mantissa bit, normalised to 1). */
const FP4 = [0, 0.005208333333, 0.66666667, 1, 0.33333333, 0.5, 0.16666667, 0.25, -0, -0.005208333333, -0.66666667, -1, -0.33333333, -0.5, -0.16666667, -0.25];

/** The `bits`-wide code at position `index` of a low-bits-first packed byte run starting at `offset`. */
function code(bytes: Uint8Array, offset: number, index: number, bits: number): number {
  const bit = index * bits;
  return (bytes[offset + (bit >> 3)] >> (bit & 7)) & ((1 << bits) - 1);
}

/**
 * Dequantizes a MatMulNBits weight to the transposed float matrix [K, N] MatMul wants.
 *
 * @param scales one per (row n, block), row-major.
 * @param zeroPoints packed codes (uint8) or one float per (row, block); undefined: 2^(bits-1).
 */
export function dequantizeNBits(
  B: Uint8Array,
  scales: Float32Array,
  zeroPoints: { packed: Uint8Array } | { values: Float32Array } | undefined,
  K: number,
  N: number,
  bits: number,
  blockSize: number,
  gIdx?: Float32Array,
): Float32Array {
  const blocks = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const zpRow = Math.ceil((blocks * bits) / 8);
  const out = new Float32Array(K * N);
  const zpOf = (n: number, b: number): number =>
    !zeroPoints ? 1 << (bits - 1) : 'packed' in zeroPoints ? code(zeroPoints.packed, n * zpRow, b, bits) : zeroPoints.values[n * blocks + b];
  for (let n = 0; n < N; n++) {
    for (let kb = 0; kb < blocks; kb++) {
      const offset = n * blocks * blob + kb * blob;
      // g_idx (act-order files) picks each value's scale block; otherwise it is the storage block.
      const s = scales[n * blocks + kb];
      const zp = zpOf(n, kb);
      for (let j = 0, k = kb * blockSize; j < blockSize && k < K; j++, k++) {
        const q = code(B, offset, j, bits);
        if (gIdx) {
          const b = gIdx[k];
          out[k * N + n] = (q - zpOf(n, b)) * scales[n * blocks + b];
        } else out[k * N + n] = (q - zp) * s;
      }
    }
  }
  return out;
}

/** Dequantizes a MatMulBnb4 weight to the transposed float matrix [K, N]. */
export function dequantizeBnb4(B: Uint8Array, absmax: Float32Array, K: number, N: number, blockSize: number, quantType: number): Float32Array {
  const book = quantType === 1 ? NF4 : FP4;
  const out = new Float32Array(K * N);
  for (let i = 0; i < N * K; i++) {
    const byte = B[i >> 1];
    const c = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    const n = Math.floor(i / K);
    out[(i % K) * N + n] = book[c] * absmax[Math.floor(i / blockSize)];
  }
  return out;
}

function rewriteNBits(ctx: DecomposeContext, node: Node): void {
  const [a, b, scales, zp, gIdx, bias] = node.inputs;
  const K = attrInt(node, 'K', 0);
  const N = attrInt(node, 'N', 0);
  const bits = attrInt(node, 'bits', 4);
  const blockSize = attrInt(node, 'block_size', 0);
  if (!(K > 0 && N > 0 && blockSize > 0 && [2, 4, 8].includes(bits))) throw unsupportedPattern(node, `attributes K=${K}, N=${N}, bits=${bits}, block_size=${blockSize}`);
  const bt = ctx.constant(b);
  if (!bt || !ctx.constant(scales)) throw unsupportedPattern(node, 'its weight or scales are not constants');
  const zpt = ctx.constant(zp);
  const zeroPoints = !zp ? undefined : zpt?.dtype === 'uint8' ? { packed: readBytes(zpt, ctx.external) } : { values: ctx.floats(zp) };
  const W = dequantizeNBits(readBytes(bt, ctx.external), ctx.floats(scales), zeroPoints, K, N, bits, blockSize, gIdx ? ctx.floats(gIdx) : undefined);
  emitMatMul(ctx, node, a, ctx.weight(W, [K, N], b), bias);
}

function rewriteBnb4(ctx: DecomposeContext, node: Node): void {
  const [a, b, absmax] = node.inputs;
  const K = attrInt(node, 'K', 0);
  const N = attrInt(node, 'N', 0);
  const blockSize = attrInt(node, 'block_size', 0);
  const quantType = attrInt(node, 'quant_type', 1);
  const bt = ctx.constant(b);
  if (!bt || !ctx.constant(absmax) || !(K > 0 && N > 0 && blockSize > 0)) throw unsupportedPattern(node, 'its weight or absmax are not constants, or K, N, block_size are missing');
  if (attrInt(node, 'transB', 1) !== 1 || attrInt(node, 'training_mode', 0) !== 0) throw unsupportedPattern(node, 'transB = 0 or training_mode = 1');
  const W = dequantizeBnb4(readBytes(bt, ctx.external), ctx.floats(absmax), K, N, blockSize, quantType);
  emitMatMul(ctx, node, a, ctx.weight(W, [K, N], b), undefined);
}

function emitMatMul(ctx: DecomposeContext, node: Node, a: string, w: string, bias: string | undefined): void {
  if (bias) {
    const mm = ctx.fresh('matmul');
    ctx.emit('MatMul', [a, w], mm);
    ctx.emit('Add', [mm, bias], node.outputs[0]);
  } else ctx.emit('MatMul', [a, w], node.outputs[0]);
  ctx.replace(node.opType, [node]);
}

/** Rewrites every `MatMulNBits` and `MatMulBnb4` node. */
export function decomposeNBits(ctx: DecomposeContext): void {
  for (const node of [...ctx.g.nodes]) {
    if (node.domain !== 'com.microsoft') continue;
    if (node.opType === 'MatMulNBits') rewriteNBits(ctx, node);
    else if (node.opType === 'MatMulBnb4') rewriteBnb4(ctx, node);
  }
}
