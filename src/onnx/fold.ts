/**
 * Constant folding. HF exports compute many shape vectors at run time (`Shape -> Gather ->
 * Unsqueeze -> Concat`), and some are fully static (the hidden size, head count, a fixed image
 * size). Folding them shrinks the forward graph and, more importantly, gives backward rules
 * constant shapes and axes to read. Two sources of constants:
 *  - nodes whose inputs are all small readable constants are evaluated here (int and float);
 *  - outputs whose values shape inference proved fully numeric (e.g. `Gather(Shape(x), 2)` = 768
 *    when that dim is static) are replaced whatever op produced them.
 * Pure TypeScript: no onnxruntime.
 */
import { attrFloat, attrInt, attrInts, type Graph, type Node } from './ir.js';
import { broadcastFlat, concatFlat, pyMod, sliceIndices, takeFlat, transposeFlat } from './arrays.js';
import { inferShapes, type ShapeInfo } from './shape/infer.js';
import { bool, dtypeFromOnnx, f32, i64, isExternal, readNumbers, sizeOf, type ConstTensor, type DType } from './tensor.js';

/** Constants up to this many elements are read and produced by folding. */
export const MAX_FOLD = 4096;

const FOLDABLE = new Set<DType>(['float32', 'float64', 'int64', 'int32', 'uint8', 'bool']);
const INTS = new Set<DType>(['int64', 'int32', 'uint8', 'bool']);

/** A decoded small tensor: values as plain numbers (int64 beyond 2^53 only as sentinels). */
interface NumTensor {
  dtype: DType;
  dims: number[];
  data: number[];
}

/** Rounds a computed value to what the dtype can hold, as onnxruntime would store it. */
function store(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float32': return Math.fround(v);
    case 'bool': return v ? 1 : 0;
    case 'uint8': return Math.trunc(v) & 255;
    case 'int32': return Math.trunc(v) | 0;
    case 'int64': return Number.isFinite(v) ? Math.trunc(v) : v;
    default: return v;
  }
}

function toConst(t: NumTensor): ConstTensor {
  switch (t.dtype) {
    case 'float32': return f32(t.data, t.dims);
    case 'float64': return { dtype: 'float64', dims: t.dims, values: Float64Array.from(t.data) };
    case 'int64': return i64(t.data, t.dims);
    case 'int32': return { dtype: 'int32', dims: t.dims, values: Int32Array.from(t.data) };
    case 'uint8': return { dtype: 'uint8', dims: t.dims, values: Uint8Array.from(t.data) };
    default: return bool(t.data, t.dims);
  }
}

function broadcastDims(shapes: number[][]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const j = i - (rank - s.length);
      if (j < 0 || s[j] === 1) continue;
      if (d !== 1 && d !== s[j]) return undefined;
      d = s[j];
    }
    out.push(d);
  }
  return out;
}

const norm = (a: number, rank: number): number => (a < 0 ? a + rank : a);

type Evaluator = (node: Node, ins: (NumTensor | undefined)[], opset: number) => NumTensor[] | undefined;

function elementwise(outDtype: (ins: NumTensor[]) => DType, fn: (xs: number[], node: Node, dtype: DType) => number | undefined): Evaluator {
  return (node, ins) => {
    const ts = ins.filter((t): t is NumTensor => t !== undefined);
    const dims = broadcastDims(ts.map((t) => t.dims));
    if (!dims || sizeOf(dims) > MAX_FOLD) return undefined;
    const dtype = outDtype(ts);
    let failed = false;
    const data = broadcastFlat(ts.map((t) => t.data), ts.map((t) => t.dims), dims, (xs) => {
      const v = fn(xs, node, ts[0].dtype);
      if (v === undefined) failed = true;
      return store(dtype, v ?? 0);
    });
    return failed ? undefined : [{ dtype, dims, data }];
  };
}

const sameType = (ins: NumTensor[]): DType => ins[0].dtype;
const boolType = (): DType => 'bool';
const unary = (fn: (x: number) => number): Evaluator => elementwise(sameType, ([x]) => fn(x));

/** Axes from the attribute (before `inputFrom`) or from input 1. */
function axesOf(node: Node, ins: (NumTensor | undefined)[], opset: number, inputFrom: number): number[] | undefined {
  return opset >= inputFrom ? ins[1]?.data : attrInts(node, 'axes');
}

const reshapeTo = (t: NumTensor, dims: number[]): NumTensor[] => [{ dtype: t.dtype, dims, data: t.data }];

const EVAL: Record<string, Evaluator> = {
  Identity: (_n, [x]) => (x ? [x] : undefined),
  Cast: (node, [x]) => {
    const to = dtypeFromOnnx(attrInt(node, 'to', 1));
    if (!x || !FOLDABLE.has(to)) return undefined;
    return [{ dtype: to, dims: x.dims, data: x.data.map((v) => store(to, v)) }];
  },
  Neg: unary((x) => -x),
  Abs: unary(Math.abs),
  Sign: unary(Math.sign),
  Sqrt: unary(Math.sqrt),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Reciprocal: unary((x) => 1 / x),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Relu: unary((x) => Math.max(x, 0)),
  Sigmoid: unary((x) => 1 / (1 + Math.exp(-x))),
  Tanh: unary(Math.tanh),
  Not: elementwise(boolType, ([x]) => (x ? 0 : 1)),
  Add: elementwise(sameType, ([a, b]) => a + b),
  Sub: elementwise(sameType, ([a, b]) => a - b),
  Mul: elementwise(sameType, ([a, b]) => a * b),
  // Integer division truncates in onnxruntime; division by zero is left to run time.
  Div: elementwise(sameType, ([a, b], _n, dt) => (INTS.has(dt) ? (b === 0 ? undefined : Math.trunc(a / b)) : a / b)),
  Pow: elementwise(sameType, ([a, b]) => Math.pow(a, b)),
  Mod: elementwise(sameType, ([a, b], node, dt) => {
    if (INTS.has(dt) && b === 0) return undefined;
    return attrInt(node, 'fmod', 0) || !INTS.has(dt) ? a % b : pyMod(a, b);
  }),
  Min: elementwise(sameType, (xs) => Math.min(...xs)),
  Max: elementwise(sameType, (xs) => Math.max(...xs)),
  Equal: elementwise(boolType, ([a, b]) => (a === b ? 1 : 0)),
  Less: elementwise(boolType, ([a, b]) => (a < b ? 1 : 0)),
  Greater: elementwise(boolType, ([a, b]) => (a > b ? 1 : 0)),
  LessOrEqual: elementwise(boolType, ([a, b]) => (a <= b ? 1 : 0)),
  GreaterOrEqual: elementwise(boolType, ([a, b]) => (a >= b ? 1 : 0)),
  And: elementwise(boolType, ([a, b]) => (a && b ? 1 : 0)),
  Or: elementwise(boolType, ([a, b]) => (a || b ? 1 : 0)),
  Xor: elementwise(boolType, ([a, b]) => (!a !== !b ? 1 : 0)),
  Where: elementwise((ins) => ins[1].dtype, ([c, x, y]) => (c ? x : y)),
  Clip: (node, ins, opset) => {
    const x = ins[0];
    if (!x) return undefined;
    const lo = opset >= 11 ? (node.inputs[1] ? ins[1]?.data[0] : -Infinity) : attrFloat(node, 'min', -Infinity);
    const hi = opset >= 11 ? (node.inputs[2] ? ins[2]?.data[0] : Infinity) : attrFloat(node, 'max', Infinity);
    if (lo === undefined || hi === undefined) return undefined;
    return [{ dtype: x.dtype, dims: x.dims, data: x.data.map((v) => Math.min(Math.max(v, lo), hi)) }];
  },
  Shape: (node, [x]) => {
    if (!x) return undefined;
    const r = x.dims.length;
    const s = Math.min(Math.max(norm(attrInt(node, 'start', 0), r), 0), r);
    const e = Math.min(Math.max(norm(attrInt(node, 'end', r), r), 0), r);
    const data = x.dims.slice(s, Math.max(s, e));
    return [{ dtype: 'int64', dims: [data.length], data }];
  },
  Size: (_n, [x]) => (x ? [{ dtype: 'int64', dims: [], data: [sizeOf(x.dims)] }] : undefined),
  Reshape: (node, [x, shape]) => {
    if (!x || !shape) return undefined;
    const allowZero = attrInt(node, 'allowzero', 0) !== 0;
    const dims = shape.data.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
    const neg = dims.indexOf(-1);
    if (neg >= 0) dims[neg] = sizeOf(x.dims) / sizeOf(dims.filter((_, i) => i !== neg));
    return sizeOf(dims) === x.data.length ? reshapeTo(x, dims) : undefined;
  },
  Flatten: (node, [x]) => {
    if (!x) return undefined;
    const axis = norm(attrInt(node, 'axis', 1), x.dims.length);
    return reshapeTo(x, [sizeOf(x.dims.slice(0, axis)), sizeOf(x.dims.slice(axis))]);
  },
  Unsqueeze: (node, ins, opset) => {
    const x = ins[0];
    const axes = axesOf(node, ins, opset, 13);
    if (!x || !axes) return undefined;
    const rank = x.dims.length + axes.length;
    const set = new Set(axes.map((a) => norm(a, rank)));
    const dims: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) dims.push(set.has(i) ? 1 : x.dims[j++]);
    return reshapeTo(x, dims);
  },
  Squeeze: (node, ins, opset) => {
    const x = ins[0];
    if (!x) return undefined;
    const axes = axesOf(node, ins, opset, 13);
    const set = new Set(axes ? axes.map((a) => norm(a, x.dims.length)) : x.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
    return reshapeTo(x, x.dims.filter((_, i) => !set.has(i)));
  },
  Transpose: (node, [x]) => {
    if (!x) return undefined;
    const perm = attrInts(node, 'perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    return [{ dtype: x.dtype, dims: perm.map((p) => x.dims[p]), data: transposeFlat(x.data, x.dims, perm) }];
  },
  Concat: (node, ins) => {
    const ts = ins.filter((t): t is NumTensor => t !== undefined);
    if (ts.length === 0) return undefined;
    const axis = norm(attrInt(node, 'axis', 0), ts[0].dims.length);
    const dims = [...ts[0].dims];
    dims[axis] = ts.reduce((s, t) => s + t.dims[axis], 0);
    return [{ dtype: ts[0].dtype, dims, data: concatFlat(ts.map((t) => t.data), ts.map((t) => t.dims), axis) }];
  },
  Gather: (node, [x, idx]) => {
    if (!x || !idx) return undefined;
    const axis = norm(attrInt(node, 'axis', 0), x.dims.length);
    const n = x.dims[axis];
    const pick = idx.data.map((i) => (i < 0 ? i + n : i));
    if (pick.some((i) => i < 0 || i >= n)) return undefined;
    const { values } = takeFlat(x.data, x.dims, x.dims.map((_, i) => (i === axis ? pick : undefined)));
    return [{ dtype: x.dtype, dims: [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)], data: values }];
  },
  Slice: (node, ins, opset) => {
    const x = ins[0];
    if (!x) return undefined;
    const starts = opset >= 10 ? ins[1]?.data : attrInts(node, 'starts');
    const ends = opset >= 10 ? ins[2]?.data : attrInts(node, 'ends');
    const axes = opset >= 10 ? (node.inputs[3] ? ins[3]?.data : undefined) : attrInts(node, 'axes');
    const steps = opset >= 10 && node.inputs[4] ? ins[4]?.data : undefined;
    if (!starts || !ends || (opset >= 10 && node.inputs[3] && !axes) || (node.inputs[4] && !steps && opset >= 10)) return undefined;
    const picks: (number[] | undefined)[] = x.dims.map(() => undefined);
    (axes ?? starts.map((_, i) => i)).forEach((a, i) => {
      const ax = norm(a, x.dims.length);
      picks[ax] = sliceIndices(x.dims[ax], starts[i], ends[i], steps ? steps[i] : 1);
    });
    const { values, dims } = takeFlat(x.data, x.dims, picks);
    return [{ dtype: x.dtype, dims, data: values }];
  },
  Split: (node, ins, opset) => {
    const x = ins[0];
    if (!x) return undefined;
    const axis = norm(attrInt(node, 'axis', 0), x.dims.length);
    const n = node.outputs.length;
    let sizes = opset >= 13 ? (node.inputs[1] ? ins[1]?.data : undefined) : attrInts(node, 'split');
    if (opset >= 13 && node.inputs[1] && !sizes) return undefined;
    if (!sizes) {
      const chunk = Math.ceil(x.dims[axis] / n);
      sizes = Array.from({ length: n }, (_, i) => Math.min(chunk, x.dims[axis] - chunk * i));
    }
    let offset = 0;
    return sizes.map((size) => {
      const pick = Array.from({ length: size }, (_, i) => offset + i);
      offset += size;
      const { values, dims } = takeFlat(x.data, x.dims, x.dims.map((_, i) => (i === axis ? pick : undefined)));
      return { dtype: x.dtype, dims, data: values };
    });
  },
  Expand: (_n, [x, shape]) => {
    if (!x || !shape) return undefined;
    const dims = broadcastDims([x.dims, shape.data]);
    if (!dims || sizeOf(dims) > MAX_FOLD) return undefined;
    return [{ dtype: x.dtype, dims, data: broadcastFlat([x.data], [x.dims], dims, ([v]) => v) }];
  },
  Tile: (_n, [x, reps]) => {
    if (!x || !reps || reps.data.length !== x.dims.length) return undefined;
    const dims = x.dims.map((d, i) => d * reps.data[i]);
    if (sizeOf(dims) > MAX_FOLD) return undefined;
    const { values } = takeFlat(x.data, x.dims, dims.map((d, i) => Array.from({ length: d }, (_, j) => j % x.dims[i])));
    return [{ dtype: x.dtype, dims, data: values }];
  },
  ConstantOfShape: (node, [shape]) => {
    if (!shape || sizeOf(shape.data) > MAX_FOLD) return undefined;
    const a = node.attrs.value;
    const v = a?.type === 'tensor' ? a.value : undefined;
    const dtype = v?.dtype ?? 'float32';
    if (!FOLDABLE.has(dtype)) return undefined;
    const fill = v ? (readNumbers(v)[0] ?? 0) : 0;
    return [{ dtype, dims: [...shape.data], data: new Array<number>(sizeOf(shape.data)).fill(store(dtype, fill)) }];
  },
  Range: (_n, [s, l, d]) => {
    if (!s || !l || !d || d.data[0] === 0) return undefined;
    const n = Math.max(Math.ceil((l.data[0] - s.data[0]) / d.data[0]), 0);
    if (n > MAX_FOLD) return undefined;
    return [{ dtype: s.dtype, dims: [n], data: Array.from({ length: n }, (_, i) => store(s.dtype, s.data[0] + i * d.data[0])) }];
  },
};

/**
 * Folds constant sub-graphs into initializers and returns the number of nodes removed.
 * Evaluates nodes whose inputs are all small constants (<= 4096 elements, int or float),
 * replaces outputs whose values shape inference proved fully numeric (e.g. `Shape(x)` of a
 * static tensor), and bypasses `Identity` of an initializer. Nodes producing graph outputs are
 * kept. Call again after surgery: `info` must describe the graph as it is now.
 *
 * @example
 * const { graph } = decodeModel(bytes);
 * const removed = foldConstants(graph, inferShapes(graph, { pixel_values: ['batch_size', 3, 224, 224] }));
 * console.log(`${removed} nodes folded away`);
 */
export function foldConstants(graph: Graph, info?: ShapeInfo): number {
  const shapes = info ?? inferShapes(graph);
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));
  const cache = new Map<string, NumTensor | null>();
  const constant = (name: string): NumTensor | undefined => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit ?? undefined;
    const t = graph.initializers.get(name);
    let out: NumTensor | null = null;
    if (t && FOLDABLE.has(t.dtype) && !isExternal(t) && sizeOf(t.dims) <= MAX_FOLD) {
      try {
        out = { dtype: t.dtype, dims: [...t.dims], data: readNumbers(t) };
      } catch {
        out = null;
      }
    }
    cache.set(name, out);
    return out ?? undefined;
  };
  const rename = new Map<string, string>();
  const removed = new Set<Node>();
  const candidates = new Set<string>();
  const fold = (node: Node, results: NumTensor[]): void => {
    node.outputs.forEach((o, i) => {
      if (!o) return;
      graph.initializers.set(o, toConst(results[i]));
      cache.set(o, results[i]);
      candidates.add(o);
    });
    for (const i of node.inputs) if (i) candidates.add(i);
    removed.add(node);
  };

  for (const node of graph.nodes) {
    node.inputs = node.inputs.map((i) => rename.get(i) ?? i);
    if (node.domain !== '' && node.domain !== 'ai.onnx') continue;
    if (node.outputs.some((o) => graphOutputs.has(o))) continue;
    // Identity of a weight: consumers read the weight itself (no copy of its data).
    if (node.opType === 'Identity' && graph.initializers.has(node.inputs[0])) {
      rename.set(node.outputs[0], node.inputs[0]);
      removed.add(node);
      continue;
    }
    const ins = node.inputs.map((i) => (i ? constant(i) : undefined));
    const allConst = node.inputs.every((i, k) => !i || ins[k] !== undefined);
    const ev = EVAL[node.opType];
    if (allConst && ev) {
      let results: NumTensor[] | undefined;
      try {
        results = ev(node, ins, graph.opset);
      } catch {
        results = undefined;
      }
      if (results && results.length >= node.outputs.filter(Boolean).length && results.every((r) => FOLDABLE.has(r.dtype) && r.data.length <= MAX_FOLD)) {
        fold(node, results);
        continue;
      }
    }
    // Values proven by shape inference (fully numeric, static shape).
    const proven: NumTensor[] = [];
    for (const o of node.outputs) {
      const t = o ? shapes.types.get(o) : undefined;
      const v = o ? shapes.values.get(o) : undefined;
      if (!t?.shape || !v || !FOLDABLE.has(t.dtype) || !t.shape.every((d) => typeof d === 'number') || !v.every((x) => typeof x === 'number')) break;
      proven.push({ dtype: t.dtype, dims: t.shape as number[], data: v as number[] });
    }
    if (proven.length === node.outputs.length && proven.length > 0) fold(node, proven);
  }

  if (removed.size === 0) return 0;
  graph.nodes = graph.nodes.filter((n) => !removed.has(n));
  for (const n of graph.nodes) n.inputs = n.inputs.map((i) => rename.get(i) ?? i);
  // Drop constants nobody reads any more (inputs of folded nodes, intermediate folded values).
  const used = new Set<string>(graphOutputs);
  for (const n of graph.nodes) for (const i of n.inputs) used.add(i);
  for (const c of candidates) if (!used.has(c) && graph.initializers.has(c)) graph.initializers.delete(c);
  return removed.size;
}
