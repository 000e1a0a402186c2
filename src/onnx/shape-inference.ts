/**
 * Rank/shape inference with symbolic dimensions, plus symbolic VALUE propagation for the small
 * integer tensors that HF exports use for shape arithmetic (`Shape -> Gather -> Unsqueeze ->
 * Concat -> Reshape`). Backward rules need ranks and shapes of every tensor; the exporter only
 * writes them for graph inputs and outputs, so they are recomputed here.
 *
 * Dims are numbers (static) or strings. A string is either a symbol from the model
 * (`batch_size`), a fresh unknown (`unk_3`), or a derived expression such as
 * `(12*sequence_length)` whose definition is kept in {@link ShapeInfo.derived} so it can be
 * evaluated once the base symbols are known ({@link evalDim}). Derived names are canonical
 * (monomials are sorted), so equal expressions get equal strings and broadcasting can compare
 * dims with `===`.
 */
import { attrInt, attrInts, attrString, type Dim, type Graph, type Node, type TensorType } from './ir.js';
import { onnx } from './proto.js';
import { dtypeFromOnnx, readNumbers, sizeOf, type ConstTensor, type DType } from './tensor.js';

/** One term of a polynomial dim: `coef * factors[0] * factors[1] ...` (factors sorted). */
export interface DimTerm {
  coef: number;
  factors: string[];
}

/**
 * Definition of a derived symbolic dim: an integer polynomial over atoms (model symbols or
 * other derived dims), or a floor/ceil division or modulo that could not be simplified.
 */
export type DimExpr =
  | { op: 'poly'; terms: DimTerm[]; constant: number }
  | { op: 'floordiv' | 'ceildiv' | 'mod'; a: Dim; b: Dim };

/** Result of {@link inferShapes}. */
export interface ShapeInfo {
  /** dtype and shape of every tensor whose type could be inferred (inputs, initializers, node outputs). */
  types: Map<string, TensorType>;
  /**
   * Known element values of small int/bool tensors (rank 0 or 1), flattened. Elements are
   * numbers or symbolic dims; a rank-0 tensor has a one-element array.
   */
  values: Map<string, Dim[]>;
  /** Op types (with domain when not the default one) that had no inference rule. */
  unknownOps: string[];
  /** Nodes whose rule failed (bad attributes, inconsistent shapes): `name (op): message`. */
  issues: string[];
  /** Definitions of the derived symbols appearing in `types` and `values`. */
  derived: Map<string, DimExpr>;
}

/** Rank-1 int tensors up to this length have their values tracked (shape vectors, axes, small ranges). */
const MAX_VALUES = 1024;
/** Slice bounds at or beyond this magnitude mean "to the end" (INT64_MAX, INT32_MAX, 2^31...). */
const HUGE = 1e9;

const INT_TYPES = new Set<DType>(['int64', 'int32', 'int8', 'uint8', 'bool']);

/** A polynomial: monomial key (factors joined) -> term; `k` is the constant. */
interface Poly {
  terms: Map<string, DimTerm>;
  k: number;
}

/**
 * Symbolic dim arithmetic with canonical names. Sums and products are kept as polynomials over
 * atoms, so `((h+2)-3)//2+1` and `(h-1)//2+1` (two conv branches of a ResNet block) get the
 * same name and broadcast together.
 */
class Symbols {
  readonly derived = new Map<string, DimExpr>();
  private counter = 0;
  private readonly memo = new Map<string, string>();
  private readonly taken: Set<string>;

  constructor(taken: Set<string>) {
    this.taken = taken;
  }

  /** A new unknown dim. With a key, the same key always gives the same symbol (deterministic broadcasting). */
  fresh(key?: string): string {
    if (key !== undefined) {
      const m = this.memo.get(key);
      if (m !== undefined) return m;
    }
    let s: string;
    do s = `unk_${this.counter++}`;
    while (this.taken.has(s));
    if (key !== undefined) this.memo.set(key, s);
    return s;
  }

  private poly(d: Dim): Poly {
    if (typeof d === 'number') return { terms: new Map(), k: d };
    const e = this.derived.get(d);
    if (e && e.op === 'poly') return { terms: new Map(e.terms.map((t) => [t.factors.join('\u0000'), t])), k: e.constant };
    return { terms: new Map([[d, { coef: 1, factors: [d] }]]), k: 0 };
  }

  private static addTerm(p: Poly, t: DimTerm): void {
    if (t.coef === 0) return;
    const key = t.factors.join('\u0000');
    const old = p.terms.get(key);
    const coef = (old?.coef ?? 0) + t.coef;
    if (coef === 0) p.terms.delete(key);
    else p.terms.set(key, { coef, factors: t.factors });
  }

  private fromPoly(p: Poly): Dim {
    const terms = [...p.terms.values()].filter((t) => t.coef !== 0);
    if (terms.length === 0) return p.k;
    if (p.k === 0 && terms.length === 1 && terms[0].coef === 1 && terms[0].factors.length === 1) return terms[0].factors[0];
    terms.sort((a, b) => (a.factors.join('*') < b.factors.join('*') ? -1 : a.factors.join('*') > b.factors.join('*') ? 1 : 0));
    const parts = terms.map((t) => (t.coef === 1 ? t.factors.join('*') : `${t.coef}*${t.factors.join('*')}`));
    const name = `(${parts.join('+')}${p.k === 0 ? '' : p.k > 0 ? `+${p.k}` : `${p.k}`})`;
    if (!this.derived.has(name)) this.derived.set(name, { op: 'poly', terms, constant: p.k });
    return name;
  }

  private atom(op: 'floordiv' | 'ceildiv' | 'mod', a: Dim, b: Dim): string {
    const sym = { floordiv: '//', ceildiv: '/^', mod: '%' }[op];
    const name = `(${a}${sym}${b})`;
    if (!this.derived.has(name)) this.derived.set(name, { op, a, b });
    return name;
  }

  mul(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return a * b;
    const x = this.poly(a);
    const y = this.poly(b);
    const out: Poly = { terms: new Map(), k: x.k * y.k };
    for (const t of x.terms.values()) Symbols.addTerm(out, { coef: t.coef * y.k, factors: t.factors });
    for (const t of y.terms.values()) Symbols.addTerm(out, { coef: t.coef * x.k, factors: t.factors });
    for (const t of x.terms.values()) {
      for (const u of y.terms.values()) Symbols.addTerm(out, { coef: t.coef * u.coef, factors: [...t.factors, ...u.factors].sort() });
    }
    return this.fromPoly(out);
  }

  add(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    const x = this.poly(a);
    const y = this.poly(b);
    const out: Poly = { terms: new Map(x.terms), k: x.k + y.k };
    for (const t of y.terms.values()) Symbols.addTerm(out, t);
    return this.fromPoly(out);
  }

  sub(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return this.add(a, this.mul(b, -1));
  }

  /** `a = q*b + r` split term by term for a positive integer b: q exact, r with coefficients in [0, b). */
  private splitBy(a: Dim, b: number): { q: Poly; r: Poly } {
    const x = this.poly(a);
    const q: Poly = { terms: new Map(), k: Math.floor(x.k / b) };
    const r: Poly = { terms: new Map(), k: pyMod(x.k, b) };
    for (const t of x.terms.values()) {
      Symbols.addTerm(q, { coef: Math.floor(t.coef / b), factors: t.factors });
      Symbols.addTerm(r, { coef: pyMod(t.coef, b), factors: t.factors });
    }
    return { q, r };
  }

  /** Floor division; symbols are assumed non-negative integers. */
  floorDiv(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return b === 0 ? this.fresh() : Math.floor(a / b);
    if (b === 1) return a;
    if (typeof b === 'number' && b > 0 && Number.isInteger(b)) {
      // floor((q*b + r)/b) = q + floor(r/b): pulls whole multiples out so the name is canonical.
      const { q, r } = this.splitBy(a, b);
      const rest = this.fromPoly(r);
      return this.add(this.fromPoly(q), typeof rest === 'number' ? Math.floor(rest / b) : this.atom('floordiv', rest, b));
    }
    return this.exactDiv(a, b) ?? this.atom('floordiv', a, b);
  }

  ceilDiv(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return b === 0 ? this.fresh() : Math.ceil(a / b);
    if (typeof b === 'number' && b > 0 && Number.isInteger(b)) return this.floorDiv(this.add(a, b - 1), b);
    return this.exactDiv(a, b) ?? this.atom('ceildiv', a, b);
  }

  /** Python-style modulo (result has the divisor's sign). */
  mod(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return b === 0 ? this.fresh() : pyMod(a, b);
    if (b === 1) return 0;
    if (typeof b === 'number' && b > 0 && Number.isInteger(b)) {
      const rest = this.fromPoly(this.splitBy(a, b).r);
      return typeof rest === 'number' ? pyMod(rest, b) : this.atom('mod', rest, b);
    }
    return this.exactDiv(a, b) !== undefined ? 0 : this.atom('mod', a, b);
  }

  /** a / b when b is a single monomial dividing every term of a exactly. */
  private exactDiv(a: Dim, b: Dim): Dim | undefined {
    const y = this.poly(b);
    if (y.k !== 0 || y.terms.size !== 1) return undefined;
    const [d] = [...y.terms.values()];
    const x = this.poly(a);
    if (x.k !== 0) return undefined;
    const out: Poly = { terms: new Map(), k: 0 };
    for (const t of x.terms.values()) {
      const rest = without(t.factors, d.factors);
      if (!rest || t.coef % d.coef !== 0) return undefined;
      Symbols.addTerm(out, { coef: t.coef / d.coef, factors: rest });
    }
    // A term whose factors all cancelled is a constant.
    const k = out.terms.get('');
    if (k) {
      out.terms.delete('');
      out.k += k.coef;
    }
    return this.fromPoly(out);
  }

  product(dims: readonly Dim[]): Dim {
    let p: Dim = 1;
    for (const d of dims) p = this.mul(p, d);
    return p;
  }

  /** Broadcast of two dims (numpy rules). A static 1 yields the other dim; two different symbols give a fresh one. */
  broadcast(a: Dim, b: Dim): Dim {
    if (a === b) return a;
    if (a === 1) return b;
    if (b === 1) return a;
    if (typeof a === 'number') return a;
    if (typeof b === 'number') return b;
    return this.fresh(`bcast:${a < b ? `${a},${b}` : `${b},${a}`}`);
  }
}

/** Multiset difference `a - b`, or undefined when b is not contained in a. */
function without(a: readonly string[], b: readonly string[]): string[] | undefined {
  const rest = [...a];
  for (const x of b) {
    const i = rest.indexOf(x);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return rest;
}

function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Row-major strides of a static shape. */
function stridesOf(dims: readonly number[]): number[] {
  const st = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) st[i] = st[i + 1] * dims[i + 1];
  return st;
}

/**
 * Elementwise map over flat row-major arrays with numpy broadcasting (static shapes). Shared by
 * value propagation here and by constant folding.
 *
 * @internal
 */
export function broadcastFlat<T, R>(vals: readonly (readonly T[])[], shapes: readonly (readonly number[])[], out: readonly number[], fn: (xs: T[]) => R): R[] {
  const n = sizeOf(out);
  const rank = out.length;
  const outSt = stridesOf(out);
  const inSt = shapes.map((s) => {
    const st = stridesOf(s);
    // Broadcast axes (size 1 or missing) get stride 0.
    return out.map((_, i) => {
      const j = i - (rank - s.length);
      return j < 0 || s[j] === 1 ? 0 : st[j];
    });
  });
  const res = new Array<R>(n);
  const xs = new Array<T>(vals.length);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < vals.length; k++) {
      let off = 0;
      let rem = f;
      for (let i = 0; i < rank; i++) {
        const q = Math.floor(rem / outSt[i]);
        rem -= q * outSt[i];
        off += q * inSt[k][i];
      }
      xs[k] = vals[k][off];
    }
    res[f] = fn(xs);
  }
  return res;
}

/** @internal Transpose of a flat row-major array. */
export function transposeFlat<T>(v: readonly T[], dims: readonly number[], perm: readonly number[]): T[] {
  const outDims = perm.map((p) => dims[p]);
  const inSt = stridesOf(dims);
  const outSt = stridesOf(outDims);
  const res = new Array<T>(v.length);
  for (let f = 0; f < v.length; f++) {
    let off = 0;
    let rem = f;
    for (let i = 0; i < outDims.length; i++) {
      const q = Math.floor(rem / outSt[i]);
      rem -= q * outSt[i];
      off += q * inSt[perm[i]];
    }
    res[f] = v[off];
  }
  return res;
}

/** @internal Indices along one axis selected by ONNX Slice semantics (clamped). */
export function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  const out: number[] = [];
  if (step === 0) return out;
  if (step > 0) {
    const b = Math.min(Math.max(start < 0 ? start + dim : start, 0), dim);
    const e = Math.min(Math.max(end < 0 ? end + dim : end, 0), dim);
    for (let i = b; i < e; i += step) out.push(i);
  } else {
    const b = Math.min(Math.max(start < 0 ? start + dim : start, -1), dim - 1);
    const e = Math.min(Math.max(end < 0 ? end + dim : end, -1), dim - 1);
    for (let i = b; i > e; i += step) out.push(i);
  }
  return out;
}

/**
 * @internal Takes, along each axis, the listed indices (undefined: all) from a flat array:
 * the common core of Slice, Gather (with flat indices) and Split.
 */
export function takeFlat<T>(v: readonly T[], dims: readonly number[], picks: readonly (readonly number[] | undefined)[]): { values: T[]; dims: number[] } {
  const sel = dims.map((d, i) => picks[i] ?? Array.from({ length: d }, (_, j) => j));
  const outDims = sel.map((s) => s.length);
  const inSt = stridesOf(dims);
  const outSt = stridesOf(outDims);
  const n = sizeOf(outDims);
  const res = new Array<T>(n);
  for (let f = 0; f < n; f++) {
    let off = 0;
    let rem = f;
    for (let i = 0; i < outDims.length; i++) {
      const q = Math.floor(rem / outSt[i]);
      rem -= q * outSt[i];
      off += sel[i][q] * inSt[i];
    }
    res[f] = v[off];
  }
  return { values: res, dims: outDims };
}

/** @internal Concatenation of flat arrays along an axis. */
export function concatFlat<T>(vs: readonly (readonly T[])[], dimsList: readonly (readonly number[])[], axis: number): T[] {
  const outer = sizeOf(dimsList[0].slice(0, axis));
  const res: T[] = [];
  for (let o = 0; o < outer; o++) {
    vs.forEach((v, k) => {
      const chunk = sizeOf(dimsList[k].slice(axis));
      for (let i = 0; i < chunk; i++) res.push(v[o * chunk + i]);
    });
  }
  return res;
}

/**
 * Evaluates a dim given values for the base symbols. Undefined when it depends on an unbound
 * symbol (e.g. a fresh `unk_N`).
 *
 * @example
 * const info = inferShapes(graph);
 * evalDim('(12*sequence_length)', { sequence_length: 7 }, info.derived); // 84
 */
export function evalDim(d: Dim, env: Record<string, number>, derived: Map<string, DimExpr>): number | undefined {
  if (typeof d === 'number') return d;
  if (d in env) return env[d];
  const e = derived.get(d);
  if (!e) return undefined;
  if (e.op === 'poly') {
    let sum = e.constant;
    for (const t of e.terms) {
      let p = t.coef;
      for (const f of t.factors) {
        const v = evalDim(f, env, derived);
        if (v === undefined) return undefined;
        p *= v;
      }
      sum += p;
    }
    return sum;
  }
  const a = evalDim(e.a, env, derived);
  const b = evalDim(e.b, env, derived);
  if (a === undefined || b === undefined) return undefined;
  switch (e.op) {
    case 'floordiv': return Math.floor(a / b);
    case 'ceildiv': return Math.ceil(a / b);
    case 'mod': return pyMod(a, b);
  }
}

/** What a rule sees of the node being inferred. */
class RuleCtx {
  node!: Node;
  constructor(
    readonly graph: Graph,
    readonly types: Map<string, TensorType>,
    readonly values: Map<string, Dim[]>,
    readonly sym: Symbols,
  ) {}

  get opset(): number {
    return this.graph.opset;
  }
  has(i: number): boolean {
    return (this.node.inputs[i] ?? '') !== '';
  }
  type(i: number): TensorType | undefined {
    const n = this.node.inputs[i];
    return n ? this.types.get(n) : undefined;
  }
  shape(i: number): Dim[] | undefined {
    return this.type(i)?.shape;
  }
  dtype(i: number): DType | undefined {
    return this.type(i)?.dtype;
  }
  /** Tracked values of input i. */
  val(i: number): Dim[] | undefined {
    const n = this.node.inputs[i];
    return n ? this.values.get(n) : undefined;
  }
  /** Values of input i when they are all numbers. */
  ints(i: number): number[] | undefined {
    const v = this.val(i);
    return v && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
  }
  /** Float values of a small readable initializer (Resize scales). */
  floats(i: number): number[] | undefined {
    const n = this.node.inputs[i];
    const t = n ? this.graph.initializers.get(n) : undefined;
    return t && readableSmall(t) ? readNumbers(t) : undefined;
  }
  /** Number of elements of rank-1 input i when static (length of an axes/pads vector). */
  len(i: number): number | undefined {
    const s = this.shape(i);
    if (!s) return undefined;
    if (s.length === 0) return 1;
    return s.length === 1 && typeof s[0] === 'number' ? s[0] : undefined;
  }
  set(o: number, dtype: DType | undefined, shape: Dim[] | undefined, values?: Dim[]): void {
    const name = this.node.outputs[o];
    if (!name) return;
    this.types.set(name, shape ? { dtype: dtype ?? 'other', shape } : { dtype: dtype ?? 'other' });
    // Values are kept for small int tensors of static shape (any rank: torch's F.pad export
    // reverses its pads through a [-1, 2] reshape and a transpose).
    if (values && INT_TYPES.has(dtype ?? 'other') && shape && shape.every(num) && sizeOf(shape as number[]) === values.length && values.length <= MAX_VALUES) {
      this.values.set(name, values);
    }
  }
  freshDims(rank: number): Dim[] {
    return Array.from({ length: rank }, () => this.sym.fresh());
  }
}

function isExternal(t: ConstTensor): boolean {
  return t.proto?.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
}

function readableSmall(t: ConstTensor): boolean {
  return !isExternal(t) && sizeOf(t.dims) <= MAX_VALUES;
}

type Rule = (c: RuleCtx) => void;

function normAxis(a: number, rank: number): number {
  return a < 0 ? a + rank : a;
}

/** Multidirectional (numpy) broadcast of several shapes. */
function broadcastShapes(sym: Symbols, shapes: (Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const ss = shapes as Dim[][];
  const rank = Math.max(0, ...ss.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of ss) {
      const j = i - (rank - s.length);
      if (j >= 0) d = sym.broadcast(d, s[j]);
    }
    out.push(d);
  }
  return out;
}

/** Static dims of input i when all are numbers. */
function staticShape(c: RuleCtx, i: number): number[] | undefined {
  const s = c.shape(i);
  return s && s.every(num) ? (s as number[]) : undefined;
}

/** Elementwise combination of tracked values with broadcasting; unknown results become fresh symbols. */
function mapValues(c: RuleCtx, idx: number[], out: Dim[] | undefined, fn: (xs: Dim[]) => Dim | undefined): Dim[] | undefined {
  if (!out || !out.every(num) || sizeOf(out as number[]) > MAX_VALUES) return undefined;
  const vals = idx.map((i) => c.val(i));
  const shapes = idx.map((i) => staticShape(c, i));
  if (vals.some((v) => v === undefined) || shapes.some((s) => s === undefined)) return undefined;
  return broadcastFlat(vals as Dim[][], shapes as number[][], out as number[], (xs) => fn(xs) ?? c.sym.fresh());
}

const same: Rule = (c) => c.set(0, c.dtype(0), c.shape(0), c.val(0));

function unaryValue(fn: (x: Dim, c: RuleCtx) => Dim | undefined): Rule {
  return (c) => c.set(0, c.dtype(0), c.shape(0), mapValues(c, [0], c.shape(0), ([x]) => fn(x, c)));
}

function elementwise(outDtype: (c: RuleCtx) => DType | undefined, fn?: (xs: Dim[], c: RuleCtx) => Dim | undefined): Rule {
  return (c) => {
    const idx = c.node.inputs.map((_, i) => i).filter((i) => c.has(i));
    const shape = broadcastShapes(c.sym, idx.map((i) => c.shape(i)));
    const vals = fn ? mapValues(c, idx, shape, (xs) => fn(xs, c)) : undefined;
    c.set(0, outDtype(c), shape, vals);
  };
}

const firstDtype = (c: RuleCtx): DType | undefined => c.dtype(0);
const boolDtype = (): DType => 'bool';

function num(x: Dim): x is number {
  return typeof x === 'number';
}

function compare(fn: (a: number, b: number) => boolean, symbolic?: (a: Dim, b: Dim) => Dim | undefined): (xs: Dim[]) => Dim | undefined {
  return ([a, b]) => (num(a) && num(b) ? (fn(a, b) ? 1 : 0) : symbolic?.(a, b));
}

/** Reads the axes of a Reduce* node: attribute before the opset where it became an input. */
function reduceAxes(c: RuleCtx, inputFrom: number): { axes: number[] | undefined; known: boolean; count?: number } {
  if (c.opset >= inputFrom) {
    if (!c.has(1)) return { axes: undefined, known: true };
    const a = c.ints(1);
    return a ? { axes: a, known: true } : { axes: undefined, known: false, count: c.len(1) };
  }
  return { axes: attrInts(c.node, 'axes'), known: true };
}

function reduceRule(inputFrom: number, outDtype?: DType): Rule {
  return (c) => {
    const s = c.shape(0);
    const keep = attrInt(c.node, 'keepdims', 1) !== 0;
    const dtype = outDtype ?? c.dtype(0);
    if (!s) return c.set(0, dtype, undefined);
    const { axes, known, count } = reduceAxes(c, inputFrom);
    if (!known) {
      // Axes computed at run time: rank is still known when keepdims or the axes count is static.
      if (keep) return c.set(0, dtype, c.freshDims(s.length));
      return c.set(0, dtype, count === undefined ? undefined : c.freshDims(s.length - count));
    }
    let ax = axes;
    if (!ax || ax.length === 0) {
      if (attrInt(c.node, 'noop_with_empty_axes', 0) !== 0) return c.set(0, dtype, s);
      ax = s.map((_, i) => i);
    }
    const set = new Set(ax.map((a) => normAxis(a, s.length)));
    const out: Dim[] = [];
    s.forEach((d, i) => {
      if (!set.has(i)) out.push(d);
      else if (keep) out.push(1);
    });
    c.set(0, dtype, out);
  };
}

function argReduce(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return c.set(0, 'int64', undefined);
  const axis = normAxis(attrInt(c.node, 'axis', 0), s.length);
  const keep = attrInt(c.node, 'keepdims', 1) !== 0;
  c.set(0, 'int64', keep ? s.map((d, i) => (i === axis ? 1 : d)) : s.filter((_, i) => i !== axis));
}

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

/** Einsum with explicit letters (no ellipsis): each output letter takes its dim from an operand. */
function einsumRule(c: RuleCtx): void {
  const eq = attrString(c.node, 'equation', '').replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  const dims = new Map<string, Dim>();
  terms.forEach((t, i) => {
    const s = c.shape(i);
    if (s && s.length === t.length) [...t].forEach((ch, k) => dims.set(ch, typeof dims.get(ch) === 'number' ? (dims.get(ch) as Dim) : s[k]));
  });
  const out = rhs ?? [...new Set(lhs.replace(/,/g, ''))].filter((ch) => lhs.split(ch).length === 2).sort().join('');
  const known = !eq.includes('.') && [...out].every((ch) => dims.has(ch));
  c.set(0, c.dtype(0), known ? [...out].map((ch) => dims.get(ch) as Dim) : undefined);
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

function whereRule(c: RuleCtx): void {
  const shape = broadcastShapes(c.sym, [c.shape(0), c.shape(1), c.shape(2)]);
  const vals = mapValues(c, [0, 1, 2], shape, ([cond, x, y]) => (num(cond) ? (cond ? x : y) : x === y ? x : undefined));
  c.set(0, c.dtype(1), shape, vals);
}

function castRule(c: RuleCtx): void {
  const to = dtypeFromOnnx(attrInt(c.node, 'to', 1));
  let vals = c.val(0);
  if (vals && to === 'bool') vals = vals.map((v) => (num(v) ? (v !== 0 ? 1 : 0) : c.sym.fresh()));
  else if (vals && !INT_TYPES.has(c.dtype(0) ?? 'other')) vals = undefined;
  else if (vals && (to === 'int64' || to === 'int32')) vals = vals.map((v) => (num(v) ? Math.trunc(v) : v));
  c.set(0, to, c.shape(0), vals);
}

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

function layerNormRule(c: RuleCtx): void {
  const s = c.shape(0);
  c.set(0, c.dtype(0), s);
  const stash = dtypeFromOnnx(attrInt(c.node, 'stash_type', 1));
  if (!s) {
    c.set(1, stash, undefined);
    c.set(2, stash, undefined);
    return;
  }
  const axis = normAxis(attrInt(c.node, 'axis', -1), s.length);
  const stat = s.map((d, i) => (i < axis ? d : 1));
  c.set(1, stash, stat);
  c.set(2, stash, stat);
}

function batchNormRule(c: RuleCtx): void {
  c.set(0, c.dtype(0), c.shape(0));
  for (let o = 1; o < c.node.outputs.length; o++) c.set(o, c.dtype(1), c.shape(1));
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

function topKRule(c: RuleCtx): void {
  const s = c.shape(0);
  if (!s) return;
  const axis = normAxis(attrInt(c.node, 'axis', -1), s.length);
  const k = c.opset >= 10 ? c.val(1)?.[0] : attrInt(c.node, 'k', 0);
  const out = s.map((d, i) => (i === axis ? k ?? c.sym.fresh() : d));
  c.set(0, c.dtype(0), out);
  c.set(1, 'int64', out);
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

/** Symbolic arithmetic on tracked int values (shape math). Division is exact-or-derived. */
const arith: Record<string, (xs: Dim[], c: RuleCtx) => Dim | undefined> = {
  Add: ([a, b], c) => c.sym.add(a, b),
  Sub: ([a, b], c) => c.sym.sub(a, b),
  Mul: ([a, b], c) => c.sym.mul(a, b),
  // ONNX integer Div truncates; symbols are non-negative dims so floor == trunc there.
  Div: ([a, b], c) => (num(a) && num(b) ? (b === 0 ? undefined : Math.trunc(a / b)) : c.sym.floorDiv(a, b)),
  Mod: ([a, b], c) => {
    if (num(a) && num(b)) {
      if (b === 0) return undefined;
      return attrInt(c.node, 'fmod', 0) ? a % b : pyMod(a, b);
    }
    return c.sym.mod(a, b);
  },
  Max: (xs) => (xs.every(num) ? Math.max(...xs) : xs.every((x) => x === xs[0]) ? xs[0] : undefined),
  Min: (xs) => (xs.every(num) ? Math.min(...xs) : xs.every((x) => x === xs[0]) ? xs[0] : undefined),
};

const intOnly = (fn: (xs: Dim[], c: RuleCtx) => Dim | undefined) => (xs: Dim[], c: RuleCtx): Dim | undefined =>
  INT_TYPES.has(c.dtype(0) ?? 'other') ? fn(xs, c) : undefined;

const RULES: Record<string, Rule> = {
  Identity: same,
  Dropout: (c) => {
    c.set(0, c.dtype(0), c.shape(0), c.val(0));
    c.set(1, 'bool', c.shape(0));
  },
  Neg: unaryValue((x, c) => c.sym.mul(x, -1)),
  Abs: unaryValue((x) => (num(x) ? Math.abs(x) : x)),
  Sign: unaryValue((x) => (num(x) ? Math.sign(x) : undefined)),
  Not: (c) => c.set(0, 'bool', c.shape(0), mapValues(c, [0], c.shape(0), ([x]) => (num(x) ? (x ? 0 : 1) : undefined))),
  Clip: same,
  CumSum: (c) => c.set(0, c.dtype(0), c.shape(0)),
  Softmax: same,
  LogSoftmax: same,
  Hardmax: same,
  Trilu: same,
  Shape: shapeRule,
  Size: (c) => {
    const s = c.shape(0);
    c.set(0, 'int64', [], s ? [c.sym.product(s)] : undefined);
  },
  Cast: castRule,
  CastLike: (c) => c.set(0, c.dtype(1), c.shape(0)),
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
  Gather: gatherRule,
  GatherElements: (c) => c.set(0, c.dtype(0), c.shape(1)),
  GatherND: gatherNDRule,
  ScatterElements: (c) => c.set(0, c.dtype(0), c.shape(0)),
  Scatter: (c) => c.set(0, c.dtype(0), c.shape(0)),
  ScatterND: (c) => c.set(0, c.dtype(0), c.shape(0)),
  Pad: padRule,
  MatMul: matmulRule,
  Gemm: gemmRule,
  Conv: convRule,
  ConvTranspose: convTransposeRule,
  MaxPool: poolRule,
  AveragePool: poolRule,
  LpPool: poolRule,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  BatchNormalization: batchNormRule,
  InstanceNormalization: same,
  LayerNormalization: layerNormRule,
  ReduceSum: reduceRule(13),
  ReduceMean: reduceRule(18),
  ReduceMax: reduceRule(18),
  ReduceMin: reduceRule(18),
  ReduceProd: reduceRule(18),
  ReduceSumSquare: reduceRule(18),
  ReduceLogSumExp: reduceRule(18),
  ReduceLogSum: reduceRule(18),
  ReduceL1: reduceRule(18),
  ReduceL2: reduceRule(18),
  ArgMax: argReduce,
  ArgMin: argReduce,
  Equal: elementwise(boolDtype, compare((a, b) => a === b, (a, b) => (a === b ? 1 : (num(a) && a < 0) || (num(b) && b < 0) ? 0 : undefined))),
  Greater: elementwise(boolDtype, compare((a, b) => a > b)),
  Less: elementwise(boolDtype, compare((a, b) => a < b)),
  GreaterOrEqual: elementwise(boolDtype, compare((a, b) => a >= b)),
  LessOrEqual: elementwise(boolDtype, compare((a, b) => a <= b)),
  And: elementwise(boolDtype, compare((a, b) => a !== 0 && b !== 0)),
  Or: elementwise(boolDtype, compare((a, b) => a !== 0 || b !== 0)),
  Xor: elementwise(boolDtype, compare((a, b) => (a !== 0) !== (b !== 0))),
  IsNaN: (c) => c.set(0, 'bool', c.shape(0)),
  IsInf: (c) => c.set(0, 'bool', c.shape(0)),
  Where: whereRule,
  ConstantOfShape: constantOfShapeRule,
  Range: rangeRule,
  OneHot: oneHotRule,
  Resize: resizeRule,
  Upsample: resizeRule,
  TopK: topKRule,
  NonZero: (c) => c.set(0, 'int64', c.shape(0) ? [c.shape(0)?.length ?? 0, c.sym.fresh()] : undefined),
  Constant: constantRule,
  Einsum: einsumRule,
};

for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Max', 'Min']) RULES[op] = elementwise(firstDtype, intOnly(arith[op]));
for (const op of ['Pow', 'Sum', 'Mean', 'PRelu', 'BitShift']) RULES[op] = elementwise(firstDtype);
for (const op of [
  'Sqrt', 'Exp', 'Log', 'Erf', 'Tanh', 'Sigmoid', 'Relu', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos', 'Tan',
  'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Softplus', 'Softsign', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu',
  'HardSigmoid', 'HardSwish', 'Mish', 'ThresholdedRelu', 'Shrink',
]) RULES[op] = (c) => c.set(0, c.dtype(0), c.shape(0));

/** Node order in which producers come first (the graph's own order when it already is one). */
function orderNodes(graph: Graph): Node[] {
  const available = new Set<string>(['']);
  for (const v of graph.inputs) available.add(v.name);
  for (const k of graph.initializers.keys()) available.add(k);
  let sorted = true;
  for (const n of graph.nodes) {
    if (!n.inputs.every((x) => available.has(x))) {
      sorted = false;
      break;
    }
    for (const o of n.outputs) available.add(o);
  }
  if (sorted) return graph.nodes;
  // Kahn's algorithm; nodes in a cycle or with missing inputs go last (they get no shapes).
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const state = new Map<Node, number>();
  const out: Node[] = [];
  const visit = (root: Node): void => {
    const stack: [Node, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [n, i] = top;
      if (i === 0) {
        if (state.has(n)) {
          stack.pop();
          continue;
        }
        state.set(n, 1);
      }
      if (i < n.inputs.length) {
        top[1]++;
        const p = producer.get(n.inputs[i]);
        if (p && !state.has(p)) stack.push([p, 0]);
      } else {
        state.set(n, 2);
        out.push(n);
        stack.pop();
      }
    }
  };
  for (const n of graph.nodes) visit(n);
  return out;
}

/**
 * Infers dtype and shape of every tensor of the graph, propagating symbolic dims and the values
 * of small integer shape tensors. Results are also written into `graph.valueInfo` (node outputs).
 * Unknown ops do not throw: their outputs keep the model's declared type if any, and the op is
 * listed in `unknownOps`.
 *
 * @param inputShapes overrides for graph input shapes, e.g. `{ pixel_values: ['batch_size', 3, 224, 224] }`.
 * @example
 * const { graph } = decodeModel(bytes);
 * const info = inferShapes(graph);
 * info.types.get('logits')?.shape; // ['batch_size', 2]
 * info.values.get('/Shape_output_0'); // ['batch_size', 'sequence_length', 768]
 */
export function inferShapes(graph: Graph, inputShapes: Record<string, Dim[]> = {}): ShapeInfo {
  const types = new Map<string, TensorType>();
  const values = new Map<string, Dim[]>();
  const taken = new Set<string>();
  for (const v of graph.inputs) for (const d of inputShapes[v.name] ?? v.shape ?? []) if (typeof d === 'string') taken.add(d);
  const sym = new Symbols(taken);
  for (const v of graph.inputs) {
    const shape = inputShapes[v.name] ?? v.shape;
    types.set(v.name, shape ? { dtype: v.dtype, shape: [...shape] } : { dtype: v.dtype });
  }
  for (const [name, t] of graph.initializers) {
    types.set(name, { dtype: t.dtype, shape: [...t.dims] });
    // Only dims/dtype of external weights are read: their bytes are not there.
    if (INT_TYPES.has(t.dtype) && readableSmall(t)) {
      try {
        values.set(name, readNumbers(t));
      } catch {
        // Unreadable encodings are simply not tracked.
      }
    }
  }
  const unknown = new Set<string>();
  const issues: string[] = [];
  const ctx = new RuleCtx(graph, types, values, sym);
  for (const node of orderNodes(graph)) {
    const rule = node.domain === '' || node.domain === 'ai.onnx' ? RULES[node.opType] : undefined;
    if (!rule) {
      unknown.add(node.domain ? `${node.domain}.${node.opType}` : node.opType);
      for (const o of node.outputs) {
        const declared = o ? graph.valueInfo.get(o) : undefined;
        if (declared) types.set(o, declared);
      }
      continue;
    }
    ctx.node = node;
    try {
      rule(ctx);
    } catch (e) {
      issues.push(`${node.name} (${node.opType}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const n of graph.nodes) {
    for (const o of n.outputs) {
      const t = o ? types.get(o) : undefined;
      if (t) graph.valueInfo.set(o, t);
    }
  }
  return { types, values, unknownOps: [...unknown], issues, derived: sym.derived };
}
