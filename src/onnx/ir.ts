/**
 * A small mutable graph IR over ONNX: nodes refer to tensors by name, initializers are
 * {@link ConstTensor}s, and new nodes get fresh unique names. Graph surgery (cutting, adding
 * heads, emitting backward nodes) happens here; `model-io.ts` converts from and to protobuf.
 */
import { type ConstTensor, type DType, f32, i64 } from './tensor.js';
import { ModelError } from '../errors.js';

/** A dimension: a number when static, a symbol name when dynamic. */
export type Dim = number | string;

/** dtype and (when known) shape of a tensor. `shape` undefined means unknown rank. */
export interface TensorType {
  dtype: DType;
  shape?: Dim[];
}

/** A graph input or output. */
export interface ValueInfo extends TensorType {
  name: string;
}

/** An attribute value, tagged with its ONNX kind so it can be written back unchanged. */
export type Attr =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: ConstTensor }
  | { type: 'unsupported'; value: unknown };

/** One ONNX node. Empty strings in `inputs` mark omitted optional inputs, as in ONNX. */
export interface Node {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

/** Attribute values accepted by {@link Graph.add}: plain JS values are tagged automatically. */
export type AttrInput = number | string | number[] | string[] | ConstTensor | Attr;

function tagAttr(v: AttrInput, floatHint: boolean): Attr {
  if (typeof v === 'number') return Number.isInteger(v) && !floatHint ? { type: 'int', value: v } : { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') return { type: 'strings', value: v as string[] };
    const nums = v as number[];
    return floatHint || nums.some((x) => !Number.isInteger(x)) ? { type: 'floats', value: nums } : { type: 'ints', value: nums };
  }
  if ('type' in v && 'value' in v && typeof v.type === 'string' && !('dims' in v)) return v as Attr;
  return { type: 'tensor', value: v as ConstTensor };
}

/** Attributes whose ONNX type is float even when the JS value is a whole number. */
const FLOAT_ATTRS = new Set(['alpha', 'beta', 'epsilon', 'momentum', 'value_float', 'value_floats', 'min', 'max', 'ratio', 'bias', 'lambd', 'gamma']);

/** The graph. */
export class Graph {
  nodes: Node[] = [];
  inputs: ValueInfo[] = [];
  outputs: ValueInfo[] = [];
  initializers = new Map<string, ConstTensor>();
  /** Types known from the model file (value_info, inputs, outputs). Shape inference extends this. */
  valueInfo = new Map<string, TensorType>();
  /** Default-domain opset version. */
  opset = 14;
  private taken = new Set<string>();
  private counter = 0;

  /** Registers names already used in the graph so fresh names never collide. */
  reserveNames(): void {
    for (const n of this.nodes) {
      this.taken.add(n.name);
      for (const o of n.outputs) this.taken.add(o);
      for (const i of n.inputs) this.taken.add(i);
    }
    for (const v of this.inputs) this.taken.add(v.name);
    for (const k of this.initializers.keys()) this.taken.add(k);
  }

  /** A name not used anywhere in the graph yet. */
  fresh(prefix: string): string {
    let name: string;
    do {
      name = `${prefix}_gs${this.counter++}`;
    } while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }

  /**
   * Appends a node and returns its output names.
   *
   * @example
   * const [y] = g.add('Softmax', [x], { axis: -1 });
   */
  add(opType: string, inputs: string[], attrs: Record<string, AttrInput | undefined> = {}, nOutputs = 1, domain = ''): string[] {
    const outputs = Array.from({ length: nOutputs }, () => this.fresh(opType.toLowerCase()));
    const tagged: Record<string, Attr> = {};
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) tagged[k] = tagAttr(v, FLOAT_ATTRS.has(k));
    this.nodes.push({ opType, domain, name: this.fresh(opType), inputs, outputs, attrs: tagged });
    return outputs;
  }

  /** {@link add} for single-output ops. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrInput | undefined> = {}): string {
    return this.add(opType, inputs, attrs)[0];
  }

  /** Adds a constant initializer and returns its name. */
  constant(t: ConstTensor, prefix = 'const'): string {
    const name = this.fresh(prefix);
    this.initializers.set(name, t);
    return name;
  }

  /** An int64 constant (shape vectors, axes). */
  constI64(values: number[], dims?: number[]): string {
    return this.constant(i64(values, dims ?? [values.length]), 'i64');
  }

  /** A float32 scalar constant (rank 0). */
  scalarF32(value: number): string {
    return this.constant(f32([value], []), 'f32');
  }

  /** Map from tensor name to the node producing it. */
  producers(): Map<string, Node> {
    const m = new Map<string, Node>();
    for (const n of this.nodes) for (const o of n.outputs) if (o) m.set(o, n);
    return m;
  }

  /** Map from tensor name to the nodes consuming it. */
  consumers(): Map<string, Node[]> {
    const m = new Map<string, Node[]>();
    for (const n of this.nodes) {
      for (const i of n.inputs) {
        if (!i) continue;
        const list = m.get(i);
        if (list) list.push(n);
        else m.set(i, [n]);
      }
    }
    return m;
  }

  /** Whether a tensor is an initializer or the output of a Constant node. */
  isConstant(name: string): boolean {
    return this.initializers.has(name);
  }

  /** Orders nodes so every node comes after the producers of its inputs (stable otherwise). */
  topoSort(): void {
    const available = new Set<string>(['']);
    for (const v of this.inputs) available.add(v.name);
    for (const k of this.initializers.keys()) available.add(k);
    const pending = [...this.nodes];
    const sorted: Node[] = [];
    while (pending.length > 0) {
      let progressed = false;
      for (let i = 0; i < pending.length; i++) {
        const n = pending[i];
        if (n.inputs.every((x) => available.has(x))) {
          sorted.push(n);
          for (const o of n.outputs) available.add(o);
          pending.splice(i, 1);
          i--;
          progressed = true;
        }
      }
      if (!progressed) {
        const n = pending[0];
        const missing = n.inputs.filter((x) => !available.has(x));
        throw new ModelError(`The ONNX graph has a cycle or a missing tensor: node ${n.name} (${n.opType}) needs ${missing.join(', ')}; re-export the model.`, { code: 'malformed-model' });
      }
    }
    this.nodes = sorted;
  }

  /**
   * Removes nodes and initializers that no graph output depends on.
   * Graph inputs that are no longer used are dropped too (the built graph's inputs are
   * "original inputs minus what the cut made unnecessary").
   */
  removeDeadCode(keepInputs: string[] = []): void {
    // Worklist over producers, so liveness does not depend on the node order.
    const producers = this.producers();
    const needed = new Set<string>();
    const liveNodes = new Set<Node>();
    const stack = this.outputs.map((o) => o.name);
    while (stack.length > 0) {
      const t = stack.pop() as string;
      if (needed.has(t)) continue;
      needed.add(t);
      const n = producers.get(t);
      if (n && !liveNodes.has(n)) {
        liveNodes.add(n);
        for (const x of n.inputs) if (x && !needed.has(x)) stack.push(x);
      }
    }
    this.nodes = this.nodes.filter((n) => liveNodes.has(n));
    for (const k of [...this.initializers.keys()]) if (!needed.has(k)) this.initializers.delete(k);
    const keep = new Set(keepInputs);
    this.inputs = this.inputs.filter((v) => needed.has(v.name) || keep.has(v.name));
  }
}

/** Reads an int attribute. */
export function attrInt(node: Node, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a && (a.type === 'int' || a.type === 'float') ? a.value : fallback;
}

/** Reads a float attribute. */
export function attrFloat(node: Node, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a && (a.type === 'float' || a.type === 'int') ? a.value : fallback;
}

/** Reads an ints attribute (undefined when absent). */
export function attrInts(node: Node, name: string): number[] | undefined {
  const a = node.attrs[name];
  return a && (a.type === 'ints' || a.type === 'floats') ? a.value : undefined;
}

/** Reads a string attribute. */
export function attrString(node: Node, name: string, fallback: string): string {
  const a = node.attrs[name];
  return a && a.type === 'string' ? a.value : fallback;
}
