/**
 * Graph surgery shared by the builders: copying a graph so cached models stay untouched,
 * and turning an internal tensor into a graph input.
 */
import { Graph, type TensorType } from '../onnx/ir.js';
import { InternalError } from '../errors.js';
import { CutNotFoundError } from './cut-points.js';

/** A copy whose node list, inputs, outputs and maps can be changed freely (tensors are shared, they are never mutated). */
export function cloneGraph(src: Graph): Graph {
  const g = new Graph();
  g.nodes = src.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } }));
  g.inputs = src.inputs.map((v) => ({ ...v }));
  g.outputs = src.outputs.map((v) => ({ ...v }));
  g.initializers = new Map(src.initializers);
  g.valueInfo = new Map(src.valueInfo);
  g.opset = src.opset;
  g.reserveNames();
  return g;
}

/**
 * Makes `tensor` a graph input under the same name: its producer's output is renamed to a dead
 * name, so everything upstream that only fed it disappears at dead-code removal.
 */
export function cutAt(g: Graph, tensor: string, type: TensorType | undefined): void {
  if (g.inputs.some((v) => v.name === tensor)) return;
  const producer = g.nodes.find((n) => n.outputs.includes(tensor));
  if (!producer) throw new CutNotFoundError(tensor, 'it is neither a graph input nor produced by any node');
  const k = producer.outputs.indexOf(tensor);
  producer.outputs[k] = g.fresh(`${tensor}_uncut`);
  g.inputs.push({ name: tensor, dtype: type?.dtype ?? 'float32', shape: type?.shape });
}

/**
 * Replaces the index input of the given Gather nodes with new graph inputs, so the caller
 * chooses the ids (e.g. position 0 for every token, as the position-embedding baseline needs).
 */
export function exposeGatherIndices(g: Graph, gathers: { node: string; input: string }[]): void {
  for (const { node, input } of gathers) {
    const n = g.nodes.find((x) => x.name === node);
    if (!n) throw new InternalError(`no node named "${node}" to expose the indices of`, { node, op: 'Gather' });
    n.inputs[1] = input;
    if (!g.inputs.some((v) => v.name === input)) g.inputs.push({ name: input, dtype: 'int64', shape: ['batch_size', 'sequence_length'] });
  }
}

/**
 * The part of the graph that computes `outputs`, with the given Gathers reading their indices
 * from new graph inputs. Used for baseline activations (e.g. the embeddings of the baseline ids
 * at position 0) and for forwards with explicit position ids.
 */
export function subgraph(src: Graph, outputs: string[], expose: { node: string; input: string }[] = []): Graph {
  const g = cloneGraph(src);
  exposeGatherIndices(g, expose);
  g.outputs = outputs.map((name) => {
    const known = src.outputs.find((o) => o.name === name);
    const t = g.valueInfo.get(name);
    return known ?? { name, dtype: t?.dtype ?? 'float32', shape: t?.shape };
  });
  g.removeDeadCode();
  g.topoSort();
  return g;
}
