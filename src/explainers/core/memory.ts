/**
 * How many path points fit in one run: the built graph's float tensors for one row, with the
 * real input's dims substituted, against a memory budget. An upper bound (onnxruntime reuses
 * buffers), so chunks err on the safe side instead of failing on a large input.
 */
import { chunkSizeForBudget } from '../../attribution/chunks.js';
import { cloneGraph } from '../../autodiff/surgery.js';
import type { Dim, Graph } from '../../onnx/ir.js';
import { inferShapes } from '../../onnx/shape/infer.js';
import { isFloat } from '../../onnx/tensor.js';
import { isNode } from '../../runtime/platform.js';

/** Bytes a run may use for activations: browsers get less (GPU buffers and tab limits). */
export function defaultBudgetBytes(): number {
  return (isNode() ? 2048 : 384) * 2 ** 20;
}

/** Tensors computed from graph inputs (weights, and what ORT folds from them at load, excluded). */
function inputDependent(graph: Graph): Set<string> {
  const live = new Set(graph.inputs.map((v) => v.name));
  for (const n of graph.nodes) {
    if (n.inputs.some((i) => live.has(i))) for (const o of n.outputs) live.add(o);
  }
  return live;
}

/** Bytes of the float tensors of `graph` computed for one batch row with the given input shapes (batch 1). */
export function bytesPerRow(graph: Graph, inputShapes: Record<string, Dim[]>): number {
  const info = inferShapes(cloneGraph(graph), inputShapes);
  const live = inputDependent(graph);
  let total = 0;
  for (const [name, t] of info.types) {
    if (!live.has(name) || !isFloat(t.dtype) || !t.shape) continue;
    let n = 1;
    for (const d of t.shape) n *= typeof d === 'number' ? d : 1;
    total += n * 4;
  }
  return total;
}

/**
 * Rows per run for `graph` given one row's input shapes, at most `maxRows`.
 *
 * @example
 * rowsPerRun(ig.model.graph, { input_ids: [1, 9], attention_mask: [1, 9], gs_input: [1, 9, 768] }, 50);
 */
export function rowsPerRun(graph: Graph, inputShapes: Record<string, Dim[]>, maxRows: number, budgetBytes = defaultBudgetBytes()): number {
  return chunkSizeForBudget({ budgetBytes, bytesPerRow: bytesPerRow(graph, inputShapes), maxRows });
}
