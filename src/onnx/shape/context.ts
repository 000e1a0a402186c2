/**
 * What a shape rule sees of the node being inferred ({@link RuleCtx}), the rule type, and the
 * helpers several rule families share (broadcast of shapes, value tracking with broadcasting).
 */
import { broadcastFlat } from '../arrays.js';
import type { Dim, Graph, Node, TensorType } from '../ir.js';
import { isExternal, readNumbers, sizeOf, type ConstTensor, type DType } from '../tensor.js';
import type { Symbols } from './symbols.js';

/** Rank-1 int tensors up to this length have their values tracked (shape vectors, axes, small ranges). */
export const MAX_VALUES = 1024;
/** Slice bounds at or beyond this magnitude mean "to the end" (INT64_MAX, INT32_MAX, 2^31...). */
export const HUGE = 1e9;

export const INT_TYPES = new Set<DType>(['int64', 'int32', 'int8', 'uint8', 'bool']);

/** What a rule sees of the node being inferred. */
export class RuleCtx {
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

/** Small, in-file constant that can be read for value tracking. */
export function readableSmall(t: ConstTensor): boolean {
  return !isExternal(t) && sizeOf(t.dims) <= MAX_VALUES;
}

/** A shape rule: reads the node's inputs through the context and sets its outputs' types. */
export type ShapeRule = (c: RuleCtx) => void;

/** Rules of one op family, keyed by op type (default ONNX domain). */
export type ShapeRules = Record<string, ShapeRule>;

/** Multidirectional (numpy) broadcast of several shapes. */
export function broadcastShapes(sym: Symbols, shapes: (Dim[] | undefined)[]): Dim[] | undefined {
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
export function staticShape(c: RuleCtx, i: number): number[] | undefined {
  const s = c.shape(i);
  return s && s.every(num) ? (s as number[]) : undefined;
}

/** Elementwise combination of tracked values with broadcasting; unknown results become fresh symbols. */
export function mapValues(c: RuleCtx, idx: number[], out: Dim[] | undefined, fn: (xs: Dim[]) => Dim | undefined): Dim[] | undefined {
  if (!out || !out.every(num) || sizeOf(out as number[]) > MAX_VALUES) return undefined;
  const vals = idx.map((i) => c.val(i));
  const shapes = idx.map((i) => staticShape(c, i));
  if (vals.some((v) => v === undefined) || shapes.some((s) => s === undefined)) return undefined;
  return broadcastFlat(vals as Dim[][], shapes as number[][], out as number[], (xs) => fn(xs) ?? c.sym.fresh());
}

/** Output 0 takes input 0's dtype, shape and tracked values. */
export const same: ShapeRule = (c) => c.set(0, c.dtype(0), c.shape(0), c.val(0));

/** Output 0 takes input 0's dtype and shape (values are not tracked). */
export const sameShape: ShapeRule = (c) => c.set(0, c.dtype(0), c.shape(0));

export function num(x: Dim): x is number {
  return typeof x === 'number';
}
