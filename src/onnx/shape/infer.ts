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
 *
 * Layout: `symbols.ts` (dim algebra), `context.ts` (what a rule sees), `rules-*.ts` (one file
 * per op family), `registry.ts` (op type -> rule; says how to add one), this file (the driver).
 */
import type { Dim, Graph, Node, TensorType } from '../ir.js';
import { readNumbers } from '../tensor.js';
import { INT_TYPES, RuleCtx, readableSmall } from './context.js';
import { shapeRules } from './registry.js';
import { Symbols, type DimExpr } from './symbols.js';

export { evalDim, type DimExpr, type DimTerm } from './symbols.js';

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
    const rule = node.domain === '' || node.domain === 'ai.onnx' ? Object.hasOwn(shapeRules, node.opType) ? shapeRules[node.opType] : undefined : undefined;
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
