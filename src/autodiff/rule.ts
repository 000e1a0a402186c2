/**
 * The contract between the gradient-graph builder and the per-op backward rules.
 *
 * A rule receives the forward node and the gradients flowing into its outputs, emits standard
 * ONNX nodes into the graph (ops the WebGPU execution provider runs on float32), and returns
 * the gradient of each input, or undefined where the input needs none.
 */
import { ModelError } from '../errors.js';
import type { Dim, Graph, Node, TensorType } from '../onnx/ir.js';

/** What a rule can ask of the builder. */
export interface VjpContext {
  /** The graph under construction: rules append nodes with `g.op(...)` / `g.add(...)`. */
  readonly g: Graph;
  /** The forward node being differentiated. */
  readonly node: Node;
  /** Whether input `i` of the node needs a gradient (depends on the cut and is float). */
  needsGrad(i: number): boolean;
  /** Inferred dtype and shape of a tensor, if known. */
  type(name: string): TensorType | undefined;
  /** Static rank of a tensor; throws a clear error if shape inference could not tell. */
  rank(name: string): number;
  /** Inferred shape (dims are numbers or symbols); throws if unknown. */
  shape(name: string): Dim[];
  /** Name of a `Shape(name)` tensor (int64 [rank]), emitted once per tensor and reused. */
  shapeOf(name: string): string;
  /**
   * Reduces `grad` (shaped like the broadcast result `outName`) back to the shape of the
   * operand `inName`, summing over broadcast axes (multidirectional numpy broadcasting).
   */
  unbroadcast(grad: string, inName: string, outName: string): string;
  /** Constant int64 values of a tensor when they are known at build time (axes, shapes, indices). */
  constInts(name: string): number[] | undefined;
  /** Constant float values of a tensor when known at build time. */
  constFloats(name: string): number[] | undefined;
}

/**
 * A vector-Jacobian product rule. `gy[k]` is the gradient of output k (undefined when no
 * gradient reaches that output). Returns one entry per node input.
 */
export type VjpRule = (ctx: VjpContext, gy: (string | undefined)[]) => (string | undefined)[];

/**
 * Thrown when a backward rule exists for the op but cannot handle this node (its attributes,
 * unknown shapes). Code `unsupported-gradient`.
 */
export class UnsupportedGradientError extends ModelError {
  constructor(
    readonly opType: string,
    readonly nodeName: string,
    detail: string,
  ) {
    super(`Cannot differentiate ${opType} node "${nodeName}": ${detail}. Explain a tensor after this node, or report the model.`, { code: 'unsupported-gradient' });
    this.name = 'UnsupportedGradientError';
  }
}

/**
 * A rule for ops where only input 0 (the data) can carry a gradient: the other inputs (axes,
 * shapes, indices, repeats) get none, and nothing is emitted when no gradient reaches input 0.
 * `body` returns the gradient of input 0.
 */
export function dataInputRule(body: (ctx: VjpContext, gy: string) => string): VjpRule {
  return (ctx, [gy]) => {
    const none: (string | undefined)[] = ctx.node.inputs.map(() => undefined);
    if (!gy || !ctx.needsGrad(0)) return none;
    return [body(ctx, gy), ...none.slice(1)];
  };
}
