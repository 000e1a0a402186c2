/**
 * Shape rules of the ops that move elements without computing them: Shape, Size, Reshape,
 * Flatten, (Un)Squeeze, Expand, Tile, Transpose, Concat, Split, Slice, Pad. They also carry
 * tracked values through, which is how HF exports' shape arithmetic gets resolved.
 */
import { concatFlat, normAxis, sliceIndices, takeFlat, transposeFlat } from '../arrays.js';
import { attrInt, attrInts, type Dim } from '../ir.js';
import { HUGE, MAX_VALUES, broadcastShapes, mapValues, num, staticShape, type RuleCtx, type ShapeRules } from './context.js';
import type { Symbols } from './symbols.js';

function shapeRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, 'int64', [c.sym.fresh()]);
  let start = attrInt(c.node, 'start', 0);
  let end = attrInt(c.node, 'end', s.length);
  start = Math.min(Math.max(normAxis(start, s.length), 0), s.length);
  end = Math.min(Math.max(normAxis(end, s.length), 0), s.length);
  const vals = s.slice(start, Math.max(start, end));
  c.set(0, 'int64', [vals.length], vals);
}

/** Length of a slice along one axis. Symbolic bounds are assumed to lie inside the dim (valid models). */
function sliceLen(sym: Symbols, d: Dim, start: Dim, end: Dim, step: Dim): Dim {
  if (!num(step) || step === 0) return sym.fresh();
  if (num(d) && num(start) && num(end)) {
    let s = start < 0 ? start + d : start;
    let e = end < 0 ? end + d : end;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
      return Math.max(0, Math.ceil((e - s) / step));
    }
    s = Math.min(Math.max(s, -1), d - 1);
    e = Math.min(Math.max(e, -1), d - 1);
    return Math.max(0, Math.ceil((s - e) / -step));
  }
  if (step < 0) {
    // Only the full reversal x[::-k] is common with symbolic dims.
    if (num(start) && num(end) && start === -1 && end <= -HUGE) return sym.ceilDiv(d, -step);
    return sym.fresh();
  }
  const norm = (b: Dim): Dim => {
    if (!num(b)) return b;
    if (b >= HUGE) return d;
    if (b <= -HUGE) return 0;
    if (b < 0) return sym.add(d, b);
    return num(d) ? Math.min(b, d) : b;
  };
  const len = sym.sub(norm(end), norm(start));
  if (num(len) && len < 0) return 0;
  return step === 1 ? len : sym.ceilDiv(len, step);
}

function sliceRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, c.dtype(0), undefined);
  let starts: Dim[] | undefined;
  let ends: Dim[] | undefined;
  let axes: number[] | undefined;
  let steps: Dim[] | undefined;
  if (c.opset >= 10) {
    starts = c.val(1);
    ends = c.val(2);
    axes = c.has(3) ? c.ints(3) : undefined;
    steps = c.has(4) ? c.val(4) : undefined;
    if ((c.has(3) && !axes) || !starts || !ends) {
      // Unknown bounds: the rank survives, sliced dims become unknown.
      const known = c.has(3) ? undefined : c.len(1);
      return c.set(0, c.dtype(0), s.map((d, i) => (known !== undefined && i >= known ? d : c.sym.fresh())));
    }
  } else {
    starts = attrInts(c.node, 'starts');
    ends = attrInts(c.node, 'ends');
    axes = attrInts(c.node, 'axes');
    if (!starts || !ends) return c.set(0, c.dtype(0), c.freshDims(s.length));
  }
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, s.length));
  const out = [...s];
  ax.forEach((a, i) => {
    out[a] = sliceLen(c.sym, s[a], starts[i], ends[i], steps ? steps[i] : 1);
  });
  // Values: slicing a tracked tensor with numeric bounds.
  let vals: Dim[] | undefined;
  const v = c.val(0);
  const dims = staticShape(c, 0);
  if (v && dims) {
    const picks: (number[] | undefined)[] = dims.map(() => undefined);
    let ok = true;
    ax.forEach((a, i) => {
      const [st, en, sp] = [starts[i], ends[i], steps ? steps[i] : 1];
      if (num(st) && num(en) && num(sp)) picks[a] = sliceIndices(dims[a], st, en, sp);
      else ok = false;
    });
    if (ok) vals = takeFlat(v, dims, picks).values;
  }
  c.set(0, c.dtype(0), out, vals);
}

function axesFor(c: RuleCtx, inputFrom: number): number[] | undefined {
  return c.opset >= inputFrom ? (c.has(1) ? c.ints(1) : undefined) : attrInts(c.node, 'axes');
}

function unsqueezeRule(c: RuleCtx): void {
  const s = c.shape(0);
  const axes = axesFor(c, 13);
  if (!s) return c.set(0, c.dtype(0), undefined);
  if (!axes) {
    const n = c.opset >= 13 ? c.len(1) : undefined;
    return c.set(0, c.dtype(0), n === undefined ? undefined : c.freshDims(s.length + n));
  }
  const rank = s.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(a, rank)));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : s[j++]);
  c.set(0, c.dtype(0), out, c.val(0));
}

function squeezeRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, c.dtype(0), undefined);
  const hasAxes = c.opset >= 13 ? c.has(1) : attrInts(c.node, 'axes') !== undefined;
  const axes = axesFor(c, 13);
  if (hasAxes && !axes) {
    const n = c.len(1);
    return c.set(0, c.dtype(0), n === undefined ? undefined : c.freshDims(s.length - n));
  }
  // Without axes only static 1s are removed: a symbol is assumed not to be 1.
  const set = new Set(axes ? axes.map((a) => normAxis(a, s.length)) : s.flatMap((d, i) => (d === 1 ? [i] : [])));
  c.set(0, c.dtype(0), s.filter((_, i) => !set.has(i)), c.val(0));
}

function reshapeRule(c: RuleCtx): void {
  const s = c.shape(0);
  const target = c.val(1);
  if (!target) {
    const n = c.len(1);
    return c.set(0, c.dtype(0), n === undefined ? undefined : c.freshDims(n));
  }
  const allowZero = attrInt(c.node, 'allowzero', 0) !== 0;
  const out: Dim[] = target.map((t, i) => (t === 0 && !allowZero ? (s && i < s.length ? s[i] : c.sym.fresh()) : t));
  const neg = out.indexOf(-1);
  if (neg >= 0) {
    if (s) {
      const known = c.sym.product(out.filter((_, i) => i !== neg));
      out[neg] = c.sym.floorDiv(c.sym.product(s), known);
    } else {
      out[neg] = c.sym.fresh();
    }
  }
  c.set(0, c.dtype(0), out, c.val(0));
}

function flattenRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, c.dtype(0), c.freshDims(2));
  const axis = normAxis(attrInt(c.node, 'axis', 1), s.length);
  c.set(0, c.dtype(0), [c.sym.product(s.slice(0, axis)), c.sym.product(s.slice(axis))], c.val(0));
}

function transposeRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, c.dtype(0), undefined);
  const perm = attrInts(c.node, 'perm') ?? s.map((_, i) => s.length - 1 - i);
  const v = c.val(0);
  const dims = staticShape(c, 0);
  c.set(0, c.dtype(0), perm.map((p) => s[p]), v && dims ? transposeFlat(v, dims, perm) : undefined);
}

function concatRule(c: RuleCtx): void {
  const idx = c.node.inputs.map((_, i) => i).filter((i) => c.has(i));
  const shapes = idx.map((i) => c.shape(i));
  const dtype = c.dtype(idx[0]);
  const known = shapes.find((s) => s !== undefined);
  if (!known) return c.set(0, dtype, undefined);
  const rank = known.length;
  const axis = normAxis(attrInt(c.node, 'axis', 0), rank);
  const out: Dim[] = [];
  for (let d = 0; d < rank; d++) {
    if (d === axis) {
      let sum: Dim = 0;
      for (const s of shapes) sum = s ? c.sym.add(sum, s[d]) : c.sym.fresh();
      out.push(sum);
    } else {
      // Prefer a static dim when inputs disagree only in how much is known.
      const ds = shapes.filter((s): s is Dim[] => s !== undefined).map((s) => s[d]);
      out.push(ds.find(num) ?? ds[0]);
    }
  }
  let vals: Dim[] | undefined;
  const vs = idx.map((i) => c.val(i));
  const ds = idx.map((i) => staticShape(c, i));
  if (vs.every((v) => v !== undefined) && ds.every((d) => d !== undefined)) vals = concatFlat(vs as Dim[][], ds as number[][], axis);
  c.set(0, dtype, out, vals);
}

function splitRule(c: RuleCtx): void {
  const s = c.shape(0);
  const nOut = c.node.outputs.length;
  if (!s) {
    for (let o = 0; o < nOut; o++) c.set(o, c.dtype(0), undefined);
    return;
  }
  const axis = normAxis(attrInt(c.node, 'axis', 0), s.length);
  let sizes: Dim[] | undefined = c.opset >= 13 ? (c.has(1) ? c.val(1) : undefined) : attrInts(c.node, 'split');
  if (c.opset >= 13 && c.has(1) && !sizes) sizes = c.freshDims(nOut);
  if (!sizes) {
    const d = s[axis];
    const parts = attrInt(c.node, 'num_outputs', nOut);
    const chunk = c.opset >= 18 ? c.sym.ceilDiv(d, parts) : c.sym.floorDiv(d, parts);
    sizes = Array.from({ length: nOut }, (_, i) => (i < nOut - 1 || !num(d) || !num(chunk) ? chunk : d - chunk * (nOut - 1)));
  }
  const v = c.val(0);
  const dims = staticShape(c, 0);
  let offset = 0;
  for (let o = 0; o < nOut; o++) {
    const size = sizes[o];
    let vals: Dim[] | undefined;
    if (v && dims && num(size)) {
      const pick = Array.from({ length: size }, (_, i) => offset + i);
      vals = takeFlat(v, dims, dims.map((_, i) => (i === axis ? pick : undefined))).values;
    }
    if (num(size)) offset += size;
    c.set(o, c.dtype(0), s.map((d, i) => (i === axis ? size : d)), vals);
  }
}

function expandRule(c: RuleCtx): void {
  const s = c.shape(0);
  const target = c.val(1);
  if (!target) {
    const n = c.len(1);
    if (!s || n === undefined) return c.set(0, c.dtype(0), undefined);
    const rank = Math.max(n, s.length);
    return c.set(0, c.dtype(0), Array.from({ length: rank }, (_, i) => {
      const j = i - (rank - s.length);
      return j >= 0 && s[j] !== 1 ? s[j] : c.sym.fresh();
    }));
  }
  const out = broadcastShapes(c.sym, [s, target]);
  c.set(0, c.dtype(0), out, mapValues(c, [0], out, ([x]) => x));
}

function tileRule(c: RuleCtx): void {
  const s = c.shape(0);
  const r = c.val(1);
  if (!s) return c.set(0, c.dtype(0), undefined);
  if (!r || r.length !== s.length) return c.set(0, c.dtype(0), c.freshDims(s.length));
  const out = s.map((d, i) => c.sym.mul(d, r[i]));
  const v = c.val(0);
  let vals: Dim[] | undefined;
  if (v && s.length === 1 && num(r[0]) && v.length * r[0] <= MAX_VALUES) vals = Array.from({ length: r[0] }, () => v).flat();
  c.set(0, c.dtype(0), out, vals);
}

function padRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, c.dtype(0), undefined);
  const pads = c.opset >= 11 ? c.val(1) : attrInts(c.node, 'pads');
  if (!pads) return c.set(0, c.dtype(0), c.freshDims(s.length));
  const axes = c.opset >= 18 && c.has(3) ? c.ints(3) : s.map((_, i) => i);
  if (!axes) return c.set(0, c.dtype(0), c.freshDims(s.length));
  const out = [...s];
  const n = axes.length;
  axes.forEach((a, i) => {
    const ax = normAxis(a, s.length);
    out[ax] = c.sym.add(c.sym.add(s[ax], pads[i]), pads[i + n]);
  });
  c.set(0, c.dtype(0), out);
}

/** Shape rules of shape-moving ops, by op type. */
export const shapeShapeRules: ShapeRules = {
  Shape: shapeRule,
  Size: (c) => {
    const s = c.shape(0);
    c.set(0, 'int64', [], s ? [c.sym.product(s)] : undefined);
  },
  Reshape: reshapeRule,
  Flatten: flattenRule,
  Squeeze: squeezeRule,
  Unsqueeze: unsqueezeRule,
  Expand: expandRule,
  Tile: tileRule,
  Transpose: transposeRule,
  Concat: concatRule,
  Split: splitRule,
  Slice: sliceRule,
  Pad: padRule,
};
