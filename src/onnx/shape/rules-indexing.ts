/**
 * Shape rules of indexing and constant-producing ops: Gather*, Scatter*, OneHot, TopK, NonZero,
 * Constant, ConstantOfShape, Range.
 */
import { normAxis, takeFlat } from '../arrays.js';
import { attrInt, type Dim } from '../ir.js';
import { isExternal, readNumbers, sizeOf, type DType } from '../tensor.js';
import { INT_TYPES, MAX_VALUES, num, readableSmall, sameShape, staticShape, type RuleCtx, type ShapeRules } from './context.js';

function gatherRule(c: RuleCtx): void {
  const d = c.shape(0);
  const ind = c.shape(1);
  if (!d || !ind) return c.set(0, c.dtype(0), undefined);
  const axis = normAxis(attrInt(c.node, 'axis', 0), d.length);
  const out = [...d.slice(0, axis), ...ind, ...d.slice(axis + 1)];
  let vals: Dim[] | undefined;
  const v = c.val(0);
  const idx = c.ints(1);
  const dims = staticShape(c, 0);
  if (v && idx && dims) {
    // Gather = take along `axis` with the flattened indices; the output shape is `out`.
    const n = dims[axis];
    const pick = idx.map((i) => (i < 0 ? i + n : i));
    if (pick.every((i) => i >= 0 && i < n)) vals = takeFlat(v, dims, dims.map((_, i) => (i === axis ? pick : undefined))).values;
  }
  c.set(0, c.dtype(0), out, vals);
}

function gatherNDRule(c: RuleCtx): void {
  const d = c.shape(0);
  const ind = c.shape(1);
  const b = attrInt(c.node, 'batch_dims', 0);
  const last = ind ? ind[ind.length - 1] : undefined;
  if (!d || !ind || last === undefined || !num(last)) return c.set(0, c.dtype(0), undefined);
  c.set(0, c.dtype(0), [...ind.slice(0, -1), ...d.slice(b + last)]);
}

function oneHotRule(c: RuleCtx): void {
  const s = c.shape(0);
  const depth = c.val(1)?.[0];
  const dtype = c.dtype(2);
  if (!s) return c.set(0, dtype, undefined);
  const axis = normAxis(attrInt(c.node, 'axis', -1), s.length + 1);
  const out = [...s];
  out.splice(axis, 0, depth ?? c.sym.fresh());
  c.set(0, dtype, out);
}

function topKRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return;
  const axis = normAxis(attrInt(c.node, 'axis', -1), s.length);
  const k = c.opset >= 10 ? c.val(1)?.[0] : attrInt(c.node, 'k', 0);
  const out = s.map((d, i) => (i === axis ? k ?? c.sym.fresh() : d));
  c.set(0, c.dtype(0), out);
  c.set(1, 'int64', out);
}

function constantOfShapeRule(c: RuleCtx): void {
  const a = c.node.attrs.value;
  const valueT = a?.type === 'tensor' ? a.value : undefined;
  const dtype: DType = valueT?.dtype ?? 'float32';
  const target = c.val(0);
  if (!target) {
    const n = c.len(0);
    return c.set(0, dtype, n === undefined ? undefined : c.freshDims(n));
  }
  let vals: Dim[] | undefined;
  if (INT_TYPES.has(dtype) && target.every(num)) {
    const n = sizeOf(target as number[]);
    if (n <= MAX_VALUES) {
      const fill = valueT && !isExternal(valueT) ? (readNumbers(valueT)[0] ?? 0) : 0;
      vals = new Array<Dim>(n).fill(fill);
    }
  }
  c.set(0, dtype, target, vals);
}

function rangeRule(c: RuleCtx): void {
  const [s, l, d] = [c.val(0)?.[0], c.val(1)?.[0], c.val(2)?.[0]];
  const dtype = c.dtype(0);
  if (s === undefined || l === undefined || d === undefined) return c.set(0, dtype, [c.sym.fresh()]);
  if (num(s) && num(l) && num(d)) {
    const n = d === 0 ? 0 : Math.max(Math.ceil((l - s) / d), 0);
    const vals = n <= MAX_VALUES ? Array.from({ length: n }, (_, i) => s + i * d) : undefined;
    return c.set(0, dtype, [n], vals);
  }
  const n = num(d) && d > 0 ? c.sym.ceilDiv(c.sym.sub(l, s), d) : c.sym.fresh();
  c.set(0, dtype, [n]);
}

function constantRule(c: RuleCtx): void {
  const a = c.node.attrs;
  const t = a.value?.type === 'tensor' ? a.value.value : undefined;
  if (t) {
    const vals = readableSmall(t) && INT_TYPES.has(t.dtype) ? readNumbers(t) : undefined;
    return c.set(0, t.dtype, t.dims, vals);
  }
  if (a.value_int?.type === 'int') return c.set(0, 'int64', [], [a.value_int.value]);
  if (a.value_ints?.type === 'ints') return c.set(0, 'int64', [a.value_ints.value.length], a.value_ints.value);
  if (a.value_float) return c.set(0, 'float32', []);
  if (a.value_floats?.type === 'floats') return c.set(0, 'float32', [a.value_floats.value.length]);
}

/** Shape rules of indexing and constant-producing ops, by op type. */
export const indexingShapeRules: ShapeRules = {
  Gather: gatherRule,
  GatherElements: (c) => c.set(0, c.dtype(0), c.shape(1)),
  GatherND: gatherNDRule,
  ScatterElements: sameShape,
  Scatter: sameShape,
  ScatterND: sameShape,
  OneHot: oneHotRule,
  TopK: topKRule,
  NonZero: (c) => c.set(0, 'int64', c.shape(0) ? [c.shape(0)?.length ?? 0, c.sym.fresh()] : undefined),
  Constant: constantRule,
  ConstantOfShape: constantOfShapeRule,
  Range: rangeRule,
};
