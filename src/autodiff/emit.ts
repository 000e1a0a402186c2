/**
 * Small emitters for ops whose signature changed across opsets, so rules and heads do not
 * each need to know which form the graph's opset takes.
 */
import type { Graph } from '../onnx/ir.js';

/** Emits ReduceSum/ReduceMax/ReduceMean over constant axes in the form the graph's opset expects. */
export function reduce(g: Graph, op: 'ReduceSum' | 'ReduceMax' | 'ReduceMean', x: string, axes: number[] | undefined, keepdims: 0 | 1): string {
  const axesAsInput = op === 'ReduceSum' ? g.opset >= 13 : g.opset >= 18;
  if (axes === undefined) return g.op(op, [x], { keepdims });
  return axesAsInput ? g.op(op, [x, g.constI64(axes)], { keepdims }) : g.op(op, [x], { axes, keepdims });
}
