/** Shape rules of MatMul, Gemm, Einsum, convolutions, pooling and Resize. */
import { attrInt, attrInts, type Dim } from '../ir.js';
import { broadcastShapes, num, type RuleCtx, type ShapeRules } from './context.js';
import type { Symbols } from './symbols.js';

/** Output spatial size of a conv/pool window. */
function windowOut(sym: Symbols, input: Dim, k: number, stride: number, dil: number, padBegin: number, padEnd: number, ceil: boolean): Dim {
  const span = (k - 1) * dil + 1;
  const num2 = sym.sub(sym.add(input, padBegin + padEnd), span);
  return sym.add(ceil ? sym.ceilDiv(num2, stride) : sym.floorDiv(num2, stride), 1);
}

function spatialOut(c: RuleCtx, x: Dim[], kernel: number[], ceil: boolean): Dim[] {
  const n = kernel.length;
  const strides = attrInts(c.node, 'strides') ?? new Array<number>(n).fill(1);
  const dil = attrInts(c.node, 'dilations') ?? new Array<number>(n).fill(1);
  const pads = attrInts(c.node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = c.node.attrs.auto_pad?.type === 'string' ? c.node.attrs.auto_pad.value : 'NOTSET';
  return kernel.map((k, i) => {
    const d = x[2 + i];
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return c.sym.ceilDiv(d, strides[i]);
    if (autoPad === 'VALID') return windowOut(c.sym, d, k, strides[i], dil[i], 0, 0, ceil);
    return windowOut(c.sym, d, k, strides[i], dil[i], pads[i], pads[i + n], ceil);
  });
}

function convRule(c: RuleCtx): void {
  const x = c.shape(0);
  const w = c.shape(1);
  if (!x || !w) return c.set(0, c.dtype(0), x ? c.freshDims(x.length) : undefined);
  const kernel = attrInts(c.node, 'kernel_shape') ?? w.slice(2);
  if (!kernel.every(num)) return c.set(0, c.dtype(0), [x[0], w[0], ...c.freshDims(x.length - 2)]);
  c.set(0, c.dtype(0), [x[0], w[0], ...spatialOut(c, x, kernel as number[], false)]);
}

function convTransposeRule(c: RuleCtx): void {
  const x = c.shape(0);
  const w = c.shape(1);
  if (!x || !w) return c.set(0, c.dtype(0), x ? c.freshDims(x.length) : undefined);
  const group = attrInt(c.node, 'group', 1);
  const channels = c.sym.mul(w[1], group);
  const outShape = attrInts(c.node, 'output_shape');
  const n = x.length - 2;
  if (outShape) return c.set(0, c.dtype(0), [x[0], channels, ...outShape.slice(-n)]);
  const kernel = attrInts(c.node, 'kernel_shape') ?? w.slice(2);
  const strides = attrInts(c.node, 'strides') ?? new Array<number>(n).fill(1);
  const dil = attrInts(c.node, 'dilations') ?? new Array<number>(n).fill(1);
  const pads = attrInts(c.node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const outPad = attrInts(c.node, 'output_padding') ?? new Array<number>(n).fill(0);
  const sp = kernel.map((k, i) => {
    if (!num(k)) return c.sym.fresh();
    const base = c.sym.mul(c.sym.sub(x[2 + i], 1), strides[i]);
    return c.sym.add(base, outPad[i] + (k - 1) * dil[i] + 1 - pads[i] - pads[i + n]);
  });
  c.set(0, c.dtype(0), [x[0], channels, ...sp]);
}

function poolRule(c: RuleCtx): void {
  const x = c.shape(0);
  const kernel = attrInts(c.node, 'kernel_shape');
  if (!x) return c.set(0, c.dtype(0), undefined);
  const out = kernel ? [x[0], x[1], ...spatialOut(c, x, kernel, attrInt(c.node, 'ceil_mode', 0) !== 0)] : c.freshDims(x.length);
  c.set(0, c.dtype(0), out);
  c.set(1, 'int64', out);
}

function globalPool(c: RuleCtx): void {
  const x = c.shape(0);
  c.set(0, c.dtype(0), x ? [x[0], x[1], ...x.slice(2).map(() => 1)] : undefined);
}

function matmulRule(c: RuleCtx): void {
  const a = c.shape(0);
  const b = c.shape(1);
  if (!a || !b) return c.set(0, c.dtype(0), undefined);
  const aa = a.length === 1 ? [1, a[0]] : a;
  const bb = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastShapes(c.sym, [aa.slice(0, -2), bb.slice(0, -2)]) ?? [];
  const out = [...batch];
  if (a.length !== 1) out.push(aa[aa.length - 2]);
  if (b.length !== 1) out.push(bb[bb.length - 1]);
  c.set(0, c.dtype(0), out);
}

function gemmRule(c: RuleCtx): void {
  const a = c.shape(0);
  const b = c.shape(1);
  if (!a || !b) return c.set(0, c.dtype(0), [c.sym.fresh(), c.sym.fresh()]);
  const m = attrInt(c.node, 'transA', 0) ? a[1] : a[0];
  const n = attrInt(c.node, 'transB', 0) ? b[0] : b[1];
  c.set(0, c.dtype(0), [m, n]);
}

function resizeRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, c.dtype(0), undefined);
  const scalesIdx = c.opset >= 11 ? 2 : 1;
  const sizes = c.opset >= 11 && c.has(3) ? c.val(3) : undefined;
  if (sizes && sizes.length === s.length) return c.set(0, c.dtype(0), sizes);
  const scales = c.has(scalesIdx) ? c.floats(scalesIdx) : undefined;
  if (!scales || scales.length !== s.length) return c.set(0, c.dtype(0), c.freshDims(s.length));
  c.set(0, c.dtype(0), s.map((d, i) => {
    const k = scales[i];
    if (num(d)) return Math.floor(d * k);
    return Number.isInteger(k) ? c.sym.mul(d, k) : c.sym.fresh();
  }));
}

/** Shape rules of matrix products, convolutions, pooling and resizing, by op type. */
export const matmulConvShapeRules: ShapeRules = {
  MatMul: matmulRule,
  Gemm: gemmRule,
  Einsum: (c) => c.set(0, c.dtype(0), undefined),
  Conv: convRule,
  ConvTranspose: convTransposeRule,
  MaxPool: poolRule,
  AveragePool: poolRule,
  LpPool: poolRule,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  Resize: resizeRule,
  Upsample: resizeRule,
};
