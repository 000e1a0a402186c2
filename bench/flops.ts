/**
 * FLOP counts of an ONNX graph from its nodes and inferred shapes.
 *
 * What is counted (one multiply-add = 2 FLOPs):
 * - MatMul: 2 * (elements of the output) * K, batched MatMuls included (K = last dim of A).
 * - Gemm: 2 * M * N * K (+ M * N for the bias).
 * - Conv: 2 * (elements of the output) * Cin/groups * kh * kw (the weight's dims after the first).
 * - ConvTranspose: 2 * (elements of the input) * Cout/groups * kh * kw.
 * - Reductions (ReduceSum, ReduceMean, ...): 1 per input element.
 * - Softmax / LogSoftmax: 5 per element (max, sub, exp, sum, div).
 * - Every other arithmetic op (Add, Mul, Div, Erf, Pow, Sqrt, Where, Relu, ...): 1 per output
 *   element. Transcendentals are really several instructions; all elementwise work together is
 *   a few percent of a transformer's FLOPs, so the simplification does not move the totals.
 * - Pure data movement (Reshape, Transpose, Gather, Slice, Concat, Expand, Cast, Shape, ...)
 *   and ops on int64 shape tensors: 0.
 *
 * A node whose output shape cannot be evaluated adds nothing and is counted in
 * `unknownNodes`, so a bad count is visible rather than silent.
 */
import type { Dim, Graph, Node } from '../src/onnx/ir.js';
import { attrInt } from '../src/onnx/ir.js';
import { evalDim, inferShapes } from '../src/onnx/shape/infer.js';

/** FLOPs of one graph run, by kind. */
export interface FlopCount {
  total: number;
  matmul: number;
  conv: number;
  /** Elementwise, reductions and softmax. */
  other: number;
  /** Nodes with an output shape that could not be evaluated (not counted). */
  unknownNodes: number;
}

const DATA_MOVEMENT = new Set([
  'Reshape', 'Transpose', 'Gather', 'GatherElements', 'GatherND', 'Slice', 'Concat', 'Expand', 'Cast', 'Shape', 'Size',
  'Unsqueeze', 'Squeeze', 'Identity', 'Flatten', 'Split', 'Constant', 'ConstantOfShape', 'Range', 'ScatterND',
  'ScatterElements', 'Tile', 'Pad', 'Dropout', 'NonZero', 'OneHot', 'CumSum',
]);
const REDUCTIONS = new Set(['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp', 'ArgMax', 'ArgMin']);

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/**
 * Counts the FLOPs of one run of `graph` with the given symbol values (e.g.
 * `{ batch_size: 50, sequence_length: 9 }`). Graph inputs are given concrete shapes by
 * substituting `env` into their declared shapes before inference.
 *
 * Note: shape inference records inferred types in `graph.valueInfo`; pass a graph that is not
 * shared with a live session builder if that matters.
 */
export function countFlops(graph: Graph, env: Record<string, number>): FlopCount {
  const inputShapes: Record<string, Dim[]> = {};
  for (const v of graph.inputs) {
    if (v.shape) inputShapes[v.name] = v.shape.map((d) => (typeof d === 'string' && d in env ? env[d] : d));
  }
  const info = inferShapes(graph, inputShapes);
  const dimsOf = (name: string): number[] | undefined => {
    const shape = info.types.get(name)?.shape;
    if (!shape) return undefined;
    const out: number[] = [];
    for (const d of shape) {
      const v = evalDim(d, env, info.derived);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  };
  const res: FlopCount = { total: 0, matmul: 0, conv: 0, other: 0, unknownNodes: 0 };
  for (const node of graph.nodes) {
    const f = nodeFlops(node, dimsOf, info.types.get(node.outputs[0] ?? '')?.dtype);
    if (f === undefined) {
      res.unknownNodes++;
      continue;
    }
    res[f.kind] += f.flops;
    res.total += f.flops;
  }
  return res;
}

function nodeFlops(
  node: Node,
  dimsOf: (name: string) => number[] | undefined,
  outDtype: string | undefined,
): { kind: 'matmul' | 'conv' | 'other'; flops: number } | undefined {
  const op = node.opType;
  if (DATA_MOVEMENT.has(op)) return { kind: 'other', flops: 0 };
  // Shape arithmetic on int64 / bool tensors: negligible and not floating point.
  if (outDtype !== undefined && outDtype !== 'float32' && outDtype !== 'float16' && outDtype !== 'float64' && !REDUCTIONS.has(op)) return { kind: 'other', flops: 0 };
  const out = dimsOf(node.outputs[0] ?? '');
  if (op === 'MatMul') {
    const a = dimsOf(node.inputs[0]);
    if (!out || !a) return undefined;
    return { kind: 'matmul', flops: 2 * product(out) * a[a.length - 1] };
  }
  if (op === 'Gemm') {
    const a = dimsOf(node.inputs[0]);
    if (!out || !a) return undefined;
    const k = attrInt(node, 'transA', 0) ? a[0] : a[1];
    const bias = node.inputs[2] ? product(out) : 0;
    return { kind: 'matmul', flops: 2 * product(out) * k + bias };
  }
  if (op === 'Conv') {
    const w = dimsOf(node.inputs[1]);
    if (!out || !w) return undefined;
    return { kind: 'conv', flops: 2 * product(out) * product(w.slice(1)) };
  }
  if (op === 'ConvTranspose') {
    const x = dimsOf(node.inputs[0]);
    const w = dimsOf(node.inputs[1]);
    if (!x || !w) return undefined;
    return { kind: 'conv', flops: 2 * product(x) * product(w.slice(1)) };
  }
  if (REDUCTIONS.has(op)) {
    const x = dimsOf(node.inputs[0]);
    if (!x) return undefined;
    return { kind: 'other', flops: product(x) };
  }
  if (!out) return undefined;
  if (op === 'Softmax' || op === 'LogSoftmax') return { kind: 'other', flops: 5 * product(out) };
  return { kind: 'other', flops: product(out) };
}

/**
 * FLOPs of a graph whose cost is linear in its batch: `flops(B) = fixed + B * perRow`, from two
 * counts (B = 1 and B = 2). `env(B)` gives the symbol values for batch B.
 */
export function linearFlops(graph: Graph, env: (batch: number) => Record<string, number>): { fixed: number; perRow: number; unknownNodes: number } {
  const one = countFlops(graph, env(1));
  const two = countFlops(graph, env(2));
  return { fixed: 2 * one.total - two.total, perRow: two.total - one.total, unknownNodes: Math.max(one.unknownNodes, two.unknownNodes) };
}
