/**
 * 8-bit quantization patterns of ONNX Runtime's quantizer, rewritten to float ops on weights
 * dequantized once here:
 *
 * - dynamic: `DynamicQuantizeLinear(x)` -> `MatMulInteger` / `ConvInteger` with constant
 *   weights -> `Cast` -> `Mul` by (activation scale * weight scale): becomes
 *   `MatMul(x, W)` / `Conv(x, W)`. The activation's quantization is taken as the identity
 *   (straight-through): rounding has zero gradient almost everywhere, so the explained
 *   function is the float network with the file's dequantized weights;
 * - `MatMulIntegerToFloat` (the fused form of the above) likewise;
 * - `Gather` on an integer table followed by `DequantizeLinear`: a `Gather` on the float table;
 * - `DequantizeLinear` of a constant: that constant, dequantized;
 * - `QuantizeLinear` -> `DequantizeLinear` on an activation (QDQ files): the identity.
 */
import { attrInt, type Node } from '../../onnx/ir.js';
import { unsupportedPattern, type DecomposeContext } from './context.js';

/**
 * `(q - zp) * scale` with scale / zero point given per tensor (length 1) or per slice of one
 * axis (length dims[axis]), or per block of `block` elements along it.
 */
export function dequantize(q: Float32Array, dims: readonly number[], scale: Float32Array, zp: Float32Array | undefined, axis: number, block = 0): Float32Array {
  const out = new Float32Array(q.length);
  const ax = axis < 0 ? axis + dims.length : axis;
  const inner = dims.slice(ax + 1).reduce((a, b) => a * b, 1);
  const size = dims[ax] ?? 1;
  const outer = q.length / (inner * size);
  const blocks = block > 0 ? Math.ceil(size / block) : size;
  const perTensor = scale.length === 1;
  // Loops over (outer, axis, inner) so the scale index is found once per run of `inner` values.
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < size; j++) {
      const base = perTensor ? 0 : block > 0 ? (o * blocks + Math.floor(j / block)) * inner : j;
      for (let r = 0; r < inner; r++, i++) {
        const k = perTensor ? 0 : block > 0 ? base + r : base;
        out[i] = (q[i] - (zp ? zp[zp.length > 1 ? k : 0] : 0)) * scale[k];
      }
    }
  }
  return out;
}

/** The `Mul` nodes after `Cast` that apply (activation scale * weight scale), and the weight scale. */
function scaleChain(ctx: DecomposeContext, start: string, actScale: string): { muls: Node[]; weightScale: string; output: string } | undefined {
  const muls: Node[] = [];
  const factors: string[] = [];
  let t = start;
  for (let step = 0; step < 2; step++) {
    const m = ctx.soleConsumer(t);
    if (!m || m.opType !== 'Mul') return undefined;
    const other = m.inputs[0] === t ? m.inputs[1] : m.inputs[0];
    const p = ctx.producer(other);
    // ORT multiplies the two scales first, then the integer product by that.
    if (p && p.opType === 'Mul' && ctx.soleConsumer(other) === m) {
      factors.push(...p.inputs);
      muls.push(p);
    } else factors.push(other);
    muls.push(m);
    t = m.outputs[0];
    const ws = factors.filter((f) => f !== actScale);
    if (factors.includes(actScale) && ws.length === 1 && ctx.constant(ws[0])) return { muls, weightScale: ws[0], output: t };
  }
  return undefined;
}

function rewriteInteger(ctx: DecomposeContext, node: Node): void {
  const conv = node.opType === 'ConvInteger';
  const [aq, bq, azp, bzp] = node.inputs;
  const dql = ctx.producer(aq);
  if (!dql || dql.opType !== 'DynamicQuantizeLinear' || dql.outputs[0] !== aq || (azp && azp !== dql.outputs[2])) {
    throw unsupportedPattern(node, 'its activation input does not come from DynamicQuantizeLinear');
  }
  const w = ctx.constant(bq);
  if (!w) throw unsupportedPattern(node, 'its weight is not a constant');
  const cast = ctx.soleConsumer(node.outputs[0]);
  if (!cast || cast.opType !== 'Cast' || attrInt(cast, 'to', 0) !== 1) throw unsupportedPattern(node, 'its int32 result is not cast to float');
  const chain = scaleChain(ctx, cast.outputs[0], dql.outputs[1]);
  if (!chain) throw unsupportedPattern(node, 'its result is not multiplied by the activation and weight scales');
  const zp = bzp ? ctx.floats(bzp) : undefined;
  // MatMul weights [K, N] are quantized per column (last axis), Conv weights [M, C, kh, kw] per output channel.
  const W = dequantize(ctx.floats(bq), w.dims, ctx.floats(chain.weightScale), zp, conv ? 0 : -1);
  const wName = ctx.weight(W, w.dims, bq);
  ctx.emit(conv ? 'Conv' : 'MatMul', [dql.inputs[0], wName], chain.output, conv ? { ...node.attrs } : {});
  ctx.replace(node.opType, [node, cast, ...chain.muls]);
}

function rewriteIntegerToFloat(ctx: DecomposeContext, node: Node): void {
  // MatMulIntegerToFloat(A, B, a_scale, b_scale, a_zero_point, b_zero_point, bias)
  const [aq, bq, aScale, bScale, azp, bzp, bias] = node.inputs;
  const dql = ctx.producer(aq);
  if (!dql || dql.opType !== 'DynamicQuantizeLinear' || aScale !== dql.outputs[1] || (azp && azp !== dql.outputs[2])) {
    throw unsupportedPattern(node, 'its activation input does not come from DynamicQuantizeLinear');
  }
  const w = ctx.constant(bq);
  if (!w || !ctx.constant(bScale)) throw unsupportedPattern(node, 'its weight or weight scale is not a constant');
  const W = dequantize(ctx.floats(bq), w.dims, ctx.floats(bScale), bzp ? ctx.floats(bzp) : undefined, -1);
  const wName = ctx.weight(W, w.dims, bq);
  if (bias) {
    const mm = ctx.fresh('matmul');
    ctx.emit('MatMul', [dql.inputs[0], wName], mm);
    ctx.emit('Add', [mm, bias], node.outputs[0]);
  } else ctx.emit('MatMul', [dql.inputs[0], wName], node.outputs[0]);
  ctx.replace(node.opType, [node]);
}

function rewriteDequantize(ctx: DecomposeContext, dq: Node): void {
  const [x, scale, zp] = dq.inputs;
  const axis = attrInt(dq, 'axis', 1);
  const block = attrInt(dq, 'block_size', 0);
  const xc = ctx.constant(x);
  if (xc) {
    // A constant weight: dequantize it now.
    const vals = dequantize(ctx.floats(x), xc.dims, ctx.floats(scale), zp ? ctx.floats(zp) : undefined, axis, block);
    ctx.emit('Identity', [ctx.weight(vals, xc.dims, x)], dq.outputs[0]);
    ctx.replace('DequantizeLinear', [dq]);
    return;
  }
  const src = ctx.producer(x);
  if (src?.opType === 'Gather' && ctx.soleConsumer(x) === dq) {
    const table = ctx.constant(src.inputs[0]);
    if (!table) throw unsupportedPattern(dq, 'the Gather before it reads a computed table');
    const s = ctx.floats(scale);
    const rank = table.dims.length;
    const gAxis = (attrInt(src, 'axis', 0) + rank) % rank;
    // Per tensor, or per column of the table (its last axis, which the Gather keeps last).
    if (s.length > 1 && (block > 0 || axis !== -1 || gAxis === rank - 1 || s.length !== table.dims[rank - 1])) {
      throw unsupportedPattern(dq, 'per-axis scales on a gathered table along an axis other than its last');
    }
    const tableAxis = rank - 1;
    const vals = dequantize(ctx.floats(src.inputs[0]), table.dims, s, zp ? ctx.floats(zp) : undefined, tableAxis);
    ctx.emit('Gather', [ctx.weight(vals, table.dims, src.inputs[0]), src.inputs[1]], dq.outputs[0], { ...src.attrs });
    ctx.replace('Gather+DequantizeLinear', [src, dq]);
    return;
  }
  if (src?.opType === 'QuantizeLinear' && src.inputs[1] === scale && (src.inputs[2] ?? '') === (zp ?? '')) {
    // Fake quantization of an activation (QDQ): straight-through.
    ctx.emit('Identity', [src.inputs[0]], dq.outputs[0]);
    ctx.replace('QuantizeLinear+DequantizeLinear', [dq]);
    return;
  }
  throw unsupportedPattern(dq, 'its input is neither a constant, an integer embedding lookup, nor a QuantizeLinear with the same scale');
}

/** Rewrites every 8-bit pattern of the graph (see the module comment). */
export function decomposeQuantized(ctx: DecomposeContext): void {
  for (const node of [...ctx.g.nodes]) {
    if (node.domain === '' && (node.opType === 'MatMulInteger' || node.opType === 'ConvInteger')) rewriteInteger(ctx, node);
    else if (node.opType === 'MatMulIntegerToFloat' && node.domain === 'com.microsoft') rewriteIntegerToFloat(ctx, node);
    else if (node.opType === 'DequantizeLinear' && node.domain === '') rewriteDequantize(ctx, node);
  }
}
