/**
 * Backward rules of convolution and pooling: Conv, MaxPool, AveragePool, GlobalAveragePool.
 * Only the gradient with respect to X (activations); weights and bias get none.
 *
 * One idea serves all of them: output position o of a window op reads padded input position
 * o*s + k*d for each kernel offset k, so its adjoint scatters each output's contribution back
 * to those positions, which is exactly ConvTranspose (same strides, dilations, pads) with the
 * right weights: the conv's own W, a 1/count kernel for averaging, a one-hot kernel per offset
 * for MaxPool's selected element. `windowAdjoint` emits that ConvTranspose and makes its
 * output exactly X's spatial shape (output_padding for the input rows no window reached).
 *
 * WebGPU notes (notes/runtime-facts.md §5): ConvTranspose, Conv, Slice with positive steps,
 * Pad, Equal, Cast bool->float all run on the GPU. MaxPool's `Indices` output does NOT (the
 * native WebGPU EP claims the node and fails at run time: "The Indices output is not
 * supported yet"), so MaxPool's argmax is recovered with an equality mask instead. Every
 * Conv/ConvTranspose gets explicit kernel_shape/strides/dilations/pads (JSEP needs them).
 */
import { attrInt, attrInts, attrString } from '../../onnx/ir.js';
import { f32 } from '../../onnx/tensor.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from '../rule.js';
import { FLOAT32, maskToFloat, scalar } from '../emit.js';
import { dimParts, range, shapeTensor, shapeVector } from './shape.js';

type Grads = (string | undefined)[];

function unsupported(ctx: VjpContext, detail: string): never {
  throw new UnsupportedGradientError(ctx.node.opType, ctx.node.name, detail);
}

/** Window geometry of a conv/pool node over its spatial axes, auto_pad resolved. */
interface Geometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
  /** Static spatial dims of X; undefined when any is symbolic. */
  inDims?: number[];
  /** Static spatial dims of Y; undefined when unknown. */
  outDims?: number[];
}

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** Dilated kernel extent (k - 1) * d + 1. */
const extent = (k: number, d: number): number => (k - 1) * d + 1;

/**
 * Reads strides, dilations, pads / auto_pad of the node and, where X's spatial dims are
 * static, the output dims (floor, or ceil for pooling with ceil_mode, as ONNX defines them).
 */
function geometry(ctx: VjpContext, kernel: number[], ceilMode: boolean): Geometry {
  const { node } = ctx;
  const n = kernel.length;
  const strides = attrInts(node, 'strides') ?? kernel.map(() => 1);
  const dilations = attrInts(node, 'dilations') ?? kernel.map(() => 1);
  const xSpatial = ctx.shape(node.inputs[0]).slice(2);
  const inDims = xSpatial.every((d) => typeof d === 'number') ? (xSpatial as number[]) : undefined;
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let padBegin: number[];
  let padEnd: number[];
  if (autoPad === 'NOTSET') {
    const pads = attrInts(node, 'pads') ?? range(0, 2 * n).map(() => 0);
    padBegin = pads.slice(0, n);
    padEnd = pads.slice(n, 2 * n);
  } else if (autoPad === 'VALID') {
    padBegin = kernel.map(() => 0);
    padEnd = kernel.map(() => 0);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // The pads depend on X's dims; ConvTranspose's own auto_pad does not mirror Conv's.
    if (!inDims) unsupported(ctx, `auto_pad ${autoPad} needs static spatial dims of the input (they are symbolic)`);
    padBegin = [];
    padEnd = [];
    inDims.forEach((size, i) => {
      const out = Math.ceil(size / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + extent(kernel[i], dilations[i]) - size);
      // SAME_UPPER puts the odd pad at the end, SAME_LOWER at the beginning.
      const begin = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      padBegin.push(begin);
      padEnd.push(total - begin);
    });
  } else {
    unsupported(ctx, `unknown auto_pad "${autoPad}"`);
  }
  const ySpatial = ctx.type(node.outputs[0])?.shape?.slice(2);
  let outDims = ySpatial && ySpatial.length === n && ySpatial.every((d) => typeof d === 'number') ? (ySpatial as number[]) : undefined;
  if (!outDims && inDims) {
    outDims = inDims.map((size, i) => {
      const span = size + padBegin[i] + padEnd[i] - extent(kernel[i], dilations[i]);
      if (!ceilMode) return Math.floor(span / strides[i]) + 1;
      let out = Math.ceil(span / strides[i]) + 1;
      // A last window that would start inside the end padding is dropped (ONNX, PyTorch).
      if ((out - 1) * strides[i] >= size + padBegin[i]) out--;
      return out;
    });
  }
  return { kernel, strides, dilations, padBegin, padEnd, inDims, outDims };
}

/** The kernel's spatial shape: the attribute, else the static dims of W. */
function kernelShape(ctx: VjpContext, w?: string): number[] {
  const k = attrInts(ctx.node, 'kernel_shape');
  if (k) return k;
  const dims = w ? ctx.shape(w).slice(2) : undefined;
  if (!dims || !dims.every((d) => typeof d === 'number')) unsupported(ctx, 'kernel_shape unknown (no attribute and no static weight shape)');
  return dims as number[];
}

/**
 * ConvTranspose of `g` ([N', Cin, O...]) with weight `w` ([Cin, Cout/group, K...]): scatters
 * every output position's value to the input positions its window read, giving a tensor with
 * X's spatial dims. Static dims: exact pads and output_padding (the input rows after the last
 * window get zeros). Symbolic dims: output_padding s-1 covers any such rows, then a Slice to
 * X's run-time dims cuts the excess.
 */
function windowAdjoint(ctx: VjpContext, g: string, w: string, geo: Geometry, group: number): string {
  const gr = ctx.g;
  const x = ctx.node.inputs[0];
  const n = geo.kernel.length;
  const base = { kernel_shape: geo.kernel, strides: geo.strides, dilations: geo.dilations, group };
  if (geo.inDims && geo.outDims) {
    const inDims = geo.inDims;
    const outDims = geo.outDims;
    // uncovered[i] > 0: input rows after the last window; < 0: windows reach into the end padding.
    const uncovered = inDims.map((size, i) => size + geo.padBegin[i] - ((outDims[i] - 1) * geo.strides[i] + extent(geo.kernel[i], geo.dilations[i])));
    const padEnd = uncovered.map((u) => Math.max(0, -u));
    // output_padding must stay below max(stride, dilation); longer uncovered tails are padded after.
    const outPad = uncovered.map((u, i) => (u > 0 && u < Math.max(geo.strides[i], geo.dilations[i]) ? u : 0));
    const tail = uncovered.map((u, i) => Math.max(0, u) - outPad[i]);
    let r = gr.op('ConvTranspose', [g, w], { ...base, pads: [...geo.padBegin, ...padEnd], output_padding: outPad });
    if (tail.some((t) => t > 0)) r = gr.op('Pad', [r, gr.constI64([0, 0, ...tail.map(() => 0), 0, 0, ...tail])], { mode: 'constant' });
    return r;
  }
  const r = gr.op('ConvTranspose', [g, w], {
    ...base,
    pads: [...geo.padBegin, ...geo.padBegin.map(() => 0)],
    output_padding: geo.strides.map((s) => s - 1),
  });
  const spatial = range(2, 2 + n);
  return gr.op('Slice', [r, gr.constI64(spatial.map(() => 0)), shapeVector(gr, dimParts(ctx, x, 2, 2 + n)), gr.constI64(spatial)]);
}

/** [N, C, O...] -> [N*C, 1, O...]: pooling is per channel, so channels fold into the batch. */
function foldChannels(ctx: VjpContext, t: string): string {
  const y = ctx.node.outputs[0];
  const rank = ctx.rank(y);
  return ctx.g.op('Reshape', [t, shapeVector(ctx.g, [-1, 1, ...dimParts(ctx, y, 2, rank)])]);
}

/** Conv: dX = ConvTranspose(gy, W) with Conv's strides, pads, dilations and group (dW, dB not computed). */
const conv: VjpRule = (ctx, [gy]) => {
  const { node } = ctx;
  const out: Grads = node.inputs.map(() => undefined);
  if (ctx.needsGrad(1) || ctx.needsGrad(2)) unsupported(ctx, 'the weights or bias depend on the explained input; only gradients with respect to activations are supported');
  if (!gy || !ctx.needsGrad(0)) return out;
  const w = node.inputs[1];
  const geo = geometry(ctx, kernelShape(ctx, w), false);
  out[0] = windowAdjoint(ctx, gy, w, geo, attrInt(node, 'group', 1));
  return out;
};

/**
 * MaxPool: dX[p] = sum over windows o whose max is at p of gy[o]. The max's position is found
 * without the Indices output (not runnable on WebGPU): for each kernel offset k in row-major
 * order, mask_k = [Xpad[o*s + k*d] == Y[o]] and not already matched by an earlier offset
 * (first maximum wins, as ORT's CPU kernel picks it); ConvTranspose with a one-hot kernel per
 * offset then scatters gy * mask_k back to the input positions.
 */
const maxPool: VjpRule = (ctx, gys) => {
  const { g, node } = ctx;
  const gy = gys[0];
  if (!gy || !ctx.needsGrad(0)) return [undefined];
  const x = node.inputs[0];
  const y = node.outputs[0];
  const rank = ctx.rank(x);
  const kernel = kernelShape(ctx);
  const ceilMode = attrInt(node, 'ceil_mode', 0) !== 0;
  const geo = geometry(ctx, kernel, ceilMode);
  const { strides, dilations } = geo;

  // Pad with -inf so padded positions never equal a max. In ceil mode the last window may run
  // past the end padding: extra -inf rows (exact when static, s-1 always suffices) cover it.
  const extra = kernel.map((k, i) => {
    if (!ceilMode) return 0;
    if (!geo.inDims || !geo.outDims) return strides[i] - 1;
    return Math.max(0, (geo.outDims[i] - 1) * strides[i] + extent(k, dilations[i]) - (geo.inDims[i] + geo.padBegin[i] + geo.padEnd[i]));
  });
  const padEnd = geo.padEnd.map((p, i) => p + extra[i]);
  const padded = [...geo.padBegin, ...padEnd].some((p) => p !== 0)
    ? g.op('Pad', [x, g.constI64([0, 0, ...geo.padBegin, 0, 0, ...padEnd]), scalar(g, -Infinity)], { mode: 'constant' })
    : x;

  // Window o of offset k reads padded position o*s + k*d: a strided Slice per offset.
  const spatialAxes = g.constI64(range(2, rank));
  const steps = g.constI64(strides);
  const outDims = geo.outDims;
  // Run-time (O - 1) * s, shared by every offset's Slice end when O is symbolic.
  const lastStart = outDims ? undefined : g.op('Mul', [g.op('Sub', [shapeVector(g, dimParts(ctx, y, 2, rank)), g.constI64([1])]), steps]);
  const offsets = cartesian(kernel);
  let found: string | undefined;
  const shares: string[] = [];
  offsets.forEach((k, j) => {
    const starts = k.map((ki, i) => ki * dilations[i]);
    const ends = outDims ? g.constI64(starts.map((s, i) => s + (outDims[i] - 1) * strides[i] + 1)) : g.op('Add', [lastStart as string, g.constI64(starts.map((s) => s + 1))]);
    const window = g.op('Slice', [padded, g.constI64(starts), ends, spatialAxes, steps]);
    const isMax = maskToFloat(g, g.op('Equal', [window, y]));
    const mask = found ? g.op('Mul', [isMax, g.op('Sub', [scalar(g, 1), found])]) : isMax;
    if (j < offsets.length - 1) found = found ? g.op('Add', [found, mask]) : mask;
    shares.push(foldChannels(ctx, g.op('Mul', [gy, mask])));
  });
  // [N*C, K, O...] with a one-hot kernel per offset: channel k scatters to offset k.
  const kSize = product(kernel);
  const oneHot = new Float32Array(kSize * kSize);
  for (let k = 0; k < kSize; k++) oneHot[k * kSize + k] = 1;
  const w = g.constant(f32(oneHot, [kSize, 1, ...kernel]), 'maxpool_onehot');
  const stacked = shares.length === 1 ? shares[0] : g.op('Concat', shares, { axis: 1 });
  const adj = windowAdjoint(ctx, stacked, w, geo, 1);
  return [g.op('Reshape', [adj, shapeTensor(ctx, x)])];
};

/** Every index tuple of a box, row-major (the order pooling kernels scan a window). */
function cartesian(dims: readonly number[]): number[][] {
  let acc: number[][] = [[]];
  for (const d of dims) acc = acc.flatMap((prefix) => range(0, d).map((i) => [...prefix, i]));
  return acc;
}

/**
 * Per-output-position divisor of AveragePool, static dims: the number of window positions
 * inside X (count_include_pad 0) or inside the padded X (1). Separable: a product per axis.
 */
function poolCounts(geo: Geometry, includePad: boolean): Float32Array {
  const inDims = geo.inDims as number[];
  const outDims = geo.outDims as number[];
  const perAxis = outDims.map((o, i) =>
    range(0, o).map((oi) => {
      let c = 0;
      for (let k = 0; k < geo.kernel[i]; k++) {
        const p = oi * geo.strides[i] + k * geo.dilations[i] - geo.padBegin[i];
        const lo = includePad ? -geo.padBegin[i] : 0;
        const hi = includePad ? inDims[i] + geo.padEnd[i] : inDims[i];
        if (p >= lo && p < hi) c++;
      }
      return c;
    }),
  );
  const counts = new Float32Array(product(outDims));
  cartesian(outDims).forEach((o, j) => {
    counts[j] = o.reduce((acc, oi, i) => acc * perAxis[i][oi], 1);
  });
  return counts;
}

/**
 * AveragePool: Y[o] = sum_{window} X / count[o], so dX = ConvTranspose(gy / count, ones kernel).
 * count is prod(kernel) when every window lies inside the padded input and pads count
 * (count_include_pad 1, no ceil_mode); else the number of counted positions per window,
 * a constant when dims are static, or (count_include_pad 0, symbolic) Conv(ones, ones).
 */
const averagePool: VjpRule = (ctx, [gy]) => {
  const { g, node } = ctx;
  if (!gy || !ctx.needsGrad(0)) return [undefined];
  const x = node.inputs[0];
  const rank = ctx.rank(x);
  const kernel = kernelShape(ctx);
  const ceilMode = attrInt(node, 'ceil_mode', 0) !== 0;
  const includePad = attrInt(node, 'count_include_pad', 0) !== 0;
  const geo = geometry(ctx, kernel, ceilMode);
  const ones = g.constant(f32(new Float32Array(product(kernel)).fill(1), [1, 1, ...kernel]), 'pool_ones');
  let scaled: string;
  if (includePad && !ceilMode) {
    scaled = g.op('Mul', [gy, scalar(g, 1 / product(kernel))]);
  } else if (geo.inDims && geo.outDims) {
    const counts = poolCounts(geo, includePad);
    const inv = g.constant(f32(counts.map((c) => (c > 0 ? 1 / c : 0)), [1, 1, ...geo.outDims]), 'pool_inv_counts');
    scaled = g.op('Mul', [gy, inv]);
  } else if (!includePad && !ceilMode) {
    // Positions of each window that fall inside X: a Conv of ones with zero padding.
    const onesX = g.op('Expand', [scalar(g, 1), shapeVector(g, [1, 1, ...dimParts(ctx, x, 2, rank)])]);
    const counts = g.op('Conv', [onesX, ones], {
      kernel_shape: kernel,
      strides: geo.strides,
      dilations: geo.dilations,
      pads: [...geo.padBegin, ...geo.padEnd],
    });
    scaled = g.op('Div', [gy, counts]);
  } else {
    unsupported(ctx, 'ceil_mode with symbolic spatial dims is not supported');
  }
  const adj = windowAdjoint(ctx, foldChannels(ctx, scaled), ones, geo, 1);
  return [g.op('Reshape', [adj, shapeTensor(ctx, x)])];
};

/** GlobalAveragePool: Y = mean over the spatial axes, so dX = Expand(gy / (H*W...), Shape(X)). */
const globalAveragePool: VjpRule = (ctx, [gy]) => {
  const { g, node } = ctx;
  if (!gy || !ctx.needsGrad(0)) return [undefined];
  const x = node.inputs[0];
  const spatial = ctx.shape(x).slice(2);
  // Symbolic dims: 1 / prod(Shape(x)[2:]), scalar int64 math on the CPU EP (ReduceProd with no axes reduces all).
  const inv = spatial.every((d) => typeof d === 'number')
    ? scalar(g, 1 / product(spatial as number[]))
    : g.op('Reciprocal', [g.op('Cast', [g.op('ReduceProd', [shapeVector(g, dimParts(ctx, x, 2, ctx.rank(x)))], { keepdims: 0 })], { to: FLOAT32 })]);
  return [g.op('Expand', [g.op('Mul', [gy, inv]), shapeTensor(ctx, x)])];
};

/** Backward rules of convolution and pooling ops, keyed by op type. */
export const convRules: Record<string, VjpRule> = {
  Conv: conv,
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
};
