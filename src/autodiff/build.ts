/**
 * The gradient-graph builder: cut the model at the tensors to explain, append the explained
 * scalar, then walk the nodes between them in reverse and emit each op's vector-Jacobian
 * product as standard ONNX nodes. Only activation gradients are built, never weight gradients.
 */
import { GradscopeError, InternalError, ModelError } from '../errors.js';
import { Graph, type Dim, type Node, type TensorType, type ValueInfo } from '../onnx/ir.js';
import type { OnnxModel } from '../onnx/model-io.js';
import { foldConstants } from '../onnx/fold.js';
import { foldIfs } from '../onnx/fold-if.js';
import { inferShapes, type ShapeInfo } from '../onnx/shape/infer.js';
import { isFloat, readNumbers, sizeOf, type ConstTensor } from '../onnx/tensor.js';
import { appendHead } from './head.js';
import { NON_DIFFERENTIABLE, vjpRules } from './rules/index.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from './rule.js';
import { GS, type HeadSpec } from './spec.js';
import { cloneGraph, cutAt } from './surgery.js';
import { unbroadcast } from './broadcast.js';

/** Options of {@link buildGradientGraph}. */
export interface GradientGraphOptions {
  /** Tensors to differentiate with respect to: graph inputs, or internal tensors (they become graph inputs). */
  wrt: string[];
  /** The explained scalar. */
  head: HeadSpec;
  /**
   * Treat axis 0 of every `wrt` tensor as a free batch axis. Needed when the tensor had a
   * literal 1 there in the model (a position embedding of ids [1, T]) but is now fed one row
   * per path point: otherwise its gradient would be summed over the batch.
   */
  batchAxis?: boolean;
  /** Keep the model's own outputs (default true); false when only F and the gradients are read (a language model's logits and caches are large). */
  keepModelOutputs?: boolean;
}

/** A built gradient graph and the names of what it computes. */
export interface GradientGraph {
  model: OnnxModel;
  /** Graph inputs of the built model. */
  inputs: ValueInfo[];
  /** The model's original outputs that are kept (e.g. `logits`). */
  modelOutputs: string[];
  /** The explained scalar F (per batch row, or rank 0 for a projection head). */
  scalar: string;
  /** Gradient output name per `wrt` tensor. */
  grads: Record<string, string>;
  /** Shape information of the built graph (dims are numbers or symbols). */
  info: ShapeInfo;
}

/** One op type without a backward rule, with the nodes of the gradient path that use it. */
export interface UnsupportedOp {
  /** Op type (with its domain when not the default one, e.g. `com.microsoft.QAttention`). */
  op: string;
  /** Number of nodes of that type on the gradient path. */
  count: number;
  /** Their names, in graph order. */
  nodes: string[];
}

/**
 * Thrown when a model has ops on the gradient path without a backward rule. Code
 * `unsupported-op`. Every such op is listed (with its node count) in the message and in
 * {@link UnsupportedOpError.ops}, not only the first one met.
 */
export class UnsupportedOpError extends ModelError {
  /** Every unsupported op type, most frequent first. */
  readonly ops: UnsupportedOp[];

  constructor(ops: UnsupportedOp[]) {
    super(
      `No backward rule for ${ops.length === 1 ? 'this op' : `these ${ops.length} ops`}: ${ops.map(describeOp).join(', ')}. ` +
        'gradscope cannot explain this model yet: please report the op types, or explain a tensor after these nodes.',
      { code: 'unsupported-op' },
    );
    this.name = 'UnsupportedOpError';
    this.ops = ops;
  }
}

/** Shown node names per op; the count says how many there are in all. */
const NODES_SHOWN = 3;

function describeOp({ op, count, nodes }: UnsupportedOp): string {
  const names = nodes.slice(0, NODES_SHOWN).map((n) => `"${n}"`).join(', ');
  return `${op} (${count} ${count === 1 ? 'node' : 'nodes'}: ${names}${count > NODES_SHOWN ? ', ...' : ''})`;
}

/** Groups nodes by op type, most frequent first (ties in graph order). */
function unsupportedOps(nodes: readonly Node[]): UnsupportedOp[] {
  const byOp = new Map<string, string[]>();
  for (const n of nodes) {
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    byOp.set(op, [...(byOp.get(op) ?? []), n.name]);
  }
  return [...byOp].map(([op, names]) => ({ op, count: names.length, nodes: names })).sort((a, b) => b.count - a.count);
}

/** Opset of built graphs: 16+ for ScatterElements/ScatterND `reduction`, 17 for LayerNormalization. */
const MIN_BUILT_OPSET = 17;

/**
 * Builds a graph that outputs the model outputs, the explained scalar and the gradient of the
 * scalar with respect to each `wrt` tensor.
 *
 * @example
 * const gg = buildGradientGraph(decodeModel(bytes), {
 *   wrt: ['/distilbert/embeddings/word_embeddings/Gather_output_0'],
 *   head: { kind: 'classification', activation: 'softmax' },
 * });
 */
export function buildGradientGraph(model: OnnxModel, opts: GradientGraphOptions): GradientGraph {
  const g = cloneGraph(model.graph);
  if (g.opset >= 13 && g.opset < MIN_BUILT_OPSET) g.opset = MIN_BUILT_OPSET;
  // Shape arithmetic folded now never reaches the device (int64 ops run on the CPU in WebGPU builds).
  foldConstants(g);
  foldIfs(g);
  const preInfo = inferShapes(g);
  for (const w of opts.wrt) {
    const t = preInfo.types.get(w);
    const shape = opts.batchAxis && t?.shape && t.shape.length > 0 ? ['batch_size', ...t.shape.slice(1)] : t?.shape;
    cutAt(g, w, t ? { dtype: t.dtype, shape } : undefined);
  }
  const modelOutputs = opts.keepModelOutputs === false ? [] : g.outputs.map((o) => o.name);
  const scalar = appendHead(g, opts.head);
  const info = inferShapes(g);

  const active = activeTensors(g, new Set(opts.wrt), info);
  const relevant = relevantTensors(g, scalar);
  const backwardNodes = g.nodes.filter((n) => n.outputs.some((o) => active.has(o) && relevant.has(o)));
  const missing = backwardNodes.filter((n) => !ruleFor(n) && !NON_DIFFERENTIABLE.has(n.opType));
  if (missing.length > 0) throw new UnsupportedOpError(unsupportedOps(missing));

  const acc = new GradAccumulator(g);
  const scalarType = info.types.get(scalar);
  const seed = scalarType?.shape?.length === 0 ? g.scalarF32(1) : g.op('Expand', [g.scalarF32(1), g.op('Shape', [scalar])]);
  acc.push(scalar, seed);

  const shapeCache = new Map<string, string>();
  for (let i = backwardNodes.length - 1; i >= 0; i--) {
    const node = backwardNodes[i];
    if (NON_DIFFERENTIABLE.has(node.opType)) continue;
    const gy = node.outputs.map((o) => acc.take(o));
    if (gy.every((x) => x === undefined)) continue;
    const ctx = makeContext(g, node, info, active, shapeCache);
    const gx = runRule(node, ctx, gy);
    node.inputs.forEach((inp, k) => {
      const gi = gx[k];
      if (gi !== undefined && inp && active.has(inp)) acc.push(inp, gi);
    });
  }

  const grads: Record<string, string> = {};
  for (const w of opts.wrt) {
    const gw = acc.take(w) ?? g.op('Expand', [g.scalarF32(0), g.op('Shape', [w])]);
    const name = `${GS.gradPrefix}${sanitize(w)}`;
    g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('grad_out'), inputs: [gw], outputs: [name], attrs: {} });
    grads[w] = name;
  }

  const outType = (name: string, fallback: string): ValueInfo => ({ name, ...(info.types.get(fallback) ?? { dtype: 'float32' }) });
  g.outputs = [
    ...modelOutputs.map((o) => outType(o, o)),
    outType(scalar, scalar),
    ...opts.wrt.map((w) => ({ ...outType(grads[w], w), dtype: 'float32' as const })),
  ];
  g.removeDeadCode();
  g.topoSort();
  const built: OnnxModel = { ...model, graph: g };
  return { model: built, inputs: g.inputs, modelOutputs, scalar, grads, info };
}

/** The backward rule of a node, looked up by op type (see `rules/index.ts`). */
function ruleFor(node: Node): VjpRule | undefined {
  return Object.hasOwn(vjpRules, node.opType) ? vjpRules[node.opType] : undefined;
}

/** Runs a node's rule; anything but a typed error out of a rule is a bug, reported with node and op. */
function runRule(node: Node, ctx: VjpContext, gy: (string | undefined)[]): (string | undefined)[] {
  const rule = ruleFor(node);
  if (!rule) throw new InternalError('no backward rule although the op was checked', { node: node.name, op: node.opType });
  try {
    return rule(ctx, gy);
  } catch (e) {
    if (e instanceof GradscopeError) throw e;
    throw new InternalError(`the backward rule failed: ${e instanceof Error ? e.message : String(e)}`, { node: node.name, op: node.opType, cause: e });
  }
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Float tensors that depend on a `wrt` tensor through differentiable ops. */
function activeTensors(g: Graph, wrt: Set<string>, info: ShapeInfo): Set<string> {
  const active = new Set<string>(wrt);
  for (const n of g.nodes) {
    if (NON_DIFFERENTIABLE.has(n.opType)) continue;
    if (!n.inputs.some((i) => i && active.has(i))) continue;
    for (const o of n.outputs) {
      const t = info.types.get(o);
      if (o && (t === undefined || isFloat(t.dtype))) active.add(o);
    }
  }
  return active;
}

/** Tensors the scalar depends on. */
function relevantTensors(g: Graph, scalar: string): Set<string> {
  const producers = g.producers();
  const seen = new Set<string>([scalar]);
  const stack = [scalar];
  while (stack.length > 0) {
    const t = stack.pop() as string;
    const n = producers.get(t);
    if (!n) continue;
    for (const i of n.inputs) {
      if (i && !seen.has(i)) {
        seen.add(i);
        stack.push(i);
      }
    }
  }
  return seen;
}

/** Collects gradient contributions per tensor and sums them with Add chains (Sum runs on the CPU in WebGPU builds). */
class GradAccumulator {
  private parts = new Map<string, string[]>();
  constructor(private g: Graph) {}
  push(tensor: string, grad: string): void {
    const list = this.parts.get(tensor);
    if (list) list.push(grad);
    else this.parts.set(tensor, [grad]);
  }
  take(tensor: string): string | undefined {
    const list = this.parts.get(tensor);
    if (!list || list.length === 0) return undefined;
    let total = list[0];
    for (let i = 1; i < list.length; i++) total = this.g.op('Add', [total, list[i]]);
    this.parts.set(tensor, [total]);
    return total;
  }
}

function makeContext(g: Graph, node: Node, info: ShapeInfo, active: Set<string>, shapeCache: Map<string, string>): VjpContext {
  const type = (name: string): TensorType | undefined => info.types.get(name) ?? g.valueInfo.get(name);
  const shape = (name: string): Dim[] => {
    const s = type(name)?.shape;
    if (!s) throw new UnsupportedGradientError(node.opType, node.name, `unknown shape of tensor "${name}"`);
    return s;
  };
  return {
    g,
    node,
    needsGrad: (i) => {
      const x = node.inputs[i];
      return Boolean(x) && active.has(x);
    },
    type,
    shape,
    rank: (name) => shape(name).length,
    shapeOf: (name) => {
      let s = shapeCache.get(name);
      if (!s) {
        s = g.op('Shape', [name]);
        shapeCache.set(name, s);
      }
      return s;
    },
    unbroadcast: (grad, inName, outName) => unbroadcast(g, grad, shape(inName), shape(outName), node),
    constInts: (name) => constValues(g, info, name),
    constFloats: (name) => smallConst(g.initializers.get(name)),
  };
}

/** Values of a small constant (weights, possibly stored outside the model, are never read). */
function smallConst(t: ConstTensor | undefined): number[] | undefined {
  if (!t || sizeOf(t.dims) > 4096 || t.proto?.dataLocation === 1) return undefined;
  return readNumbers(t);
}

function constValues(g: Graph, info: ShapeInfo, name: string): number[] | undefined {
  const t = g.initializers.get(name);
  if (t) return smallConst(t);
  const v = info.values.get(name);
  if (v && v.every((d) => typeof d === 'number')) return v as number[];
  return undefined;
}

export { GS };
