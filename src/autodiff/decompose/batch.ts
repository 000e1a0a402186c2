/**
 * Models exported with a fixed batch of 1 (no dynamic batch axis: every input and output
 * declares 1 there, and the exporter folded the batch into constant Reshape shapes and
 * constant leading tokens). gradscope feeds several rows per run (the input and its baseline,
 * many path points), so the batch axis is freed here, exactly:
 *
 * - inputs and outputs declare a symbolic batch;
 * - a Reshape whose target starts with a constant 1 (a constant shape, or a Concat of a
 *   constant [1] and run-time dims) while its data's axis 0 is the batch gets 0 there ("copy
 *   the input's dim");
 * - a constant with a leading 1 concatenated (along another axis) with batched tensors, such
 *   as ViT's class token, is expanded to the batch first.
 *
 * Each pass re-infers shapes, so the batch symbol propagates through what was rewritten.
 */
import { attrInt, type Graph } from '../../onnx/ir.js';
import type { OnnxModel } from '../../onnx/model-io.js';
import { inferShapes } from '../../onnx/shape/infer.js';
import { i64, readNumbers } from '../../onnx/tensor.js';
import { cloneGraph } from '../surgery.js';

/** The batch dim's name in a freed graph. */
export const BATCH = 'batch_size';

/** Whether every input (and output) has a literal 1 as its first dim. */
export function hasFixedBatch(g: Graph): boolean {
  const all = [...g.inputs, ...g.outputs];
  return g.inputs.length > 0 && all.every((v) => v.shape !== undefined && v.shape.length > 0 && v.shape[0] === 1);
}

/** Whether a tensor is the constant [1] (or scalar 1). */
function isOne(g: Graph, name: string): boolean {
  const c = g.initializers.get(name);
  if (!c || c.dims.length > 1) return false;
  const v = readNumbers(c);
  return v.length === 1 && v[0] === 1;
}

function rewritePass(g: Graph): boolean {
  const info = inferShapes(g);
  const batched = (t: string): boolean => info.types.get(t)?.shape?.[0] === BATCH;
  const producers = g.producers();
  let changed = false;
  for (const n of [...g.nodes]) {
    if (n.domain !== '') continue;
    if (n.opType === 'Reshape' && batched(n.inputs[0]) && info.types.get(n.outputs[0])?.shape?.[0] !== BATCH) {
      if (attrInt(n, 'allowzero', 0) !== 0) continue;
      const target = g.initializers.get(n.inputs[1]);
      const producer = producers.get(n.inputs[1]);
      if (target) {
        const dims = readNumbers(target);
        if (dims[0] !== 1) continue;
        n.inputs[1] = g.constant(i64([0, ...dims.slice(1)], target.dims), 'batch_free_shape');
        changed = true;
      } else if (producer?.opType === 'Concat' && isOne(g, producer.inputs[0])) {
        // A shape built at run time around a folded batch of 1: this Reshape gets its own copy
        // with 0 there (other users, e.g. an Expand, read 0 differently).
        const shape = g.op('Concat', [g.constI64([0]), ...producer.inputs.slice(1)], { axis: 0 });
        n.inputs[1] = shape;
        changed = true;
      }
    } else if (n.opType === 'Concat' && attrInt(n, 'axis', 0) !== 0) {
      const ref = n.inputs.find(batched);
      if (!ref) continue;
      n.inputs.forEach((x, i) => {
        const c = g.initializers.get(x);
        if (!c || c.dims[0] !== 1 || c.dims.length < 2) return;
        const batch = g.op('Slice', [g.op('Shape', [ref]), g.constI64([0]), g.constI64([1])]);
        n.inputs[i] = g.op('Expand', [x, g.op('Concat', [batch, g.constI64(c.dims.slice(1))], { axis: 0 })]);
        changed = true;
      });
    }
  }
  return changed;
}

/**
 * The model with a free batch axis, or the model itself when its batch is not fixed to 1.
 *
 * @example
 * const free = freeBatchAxis(decodeModel(bytes)); // inputs now [batch_size, ...]
 */
export function freeBatchAxis(model: OnnxModel): OnnxModel {
  if (!hasFixedBatch(model.graph)) return model;
  const g = cloneGraph(model.graph);
  for (const v of [...g.inputs, ...g.outputs]) v.shape = [BATCH, ...(v.shape ?? []).slice(1)];
  // Stale internal types would pin the batch to 1 again.
  g.valueInfo.clear();
  for (let pass = 0; pass < 8 && rewritePass(g); pass++);
  g.topoSort();
  return { ...model, graph: g };
}
