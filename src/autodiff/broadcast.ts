/**
 * Undoing numpy broadcasting in the backward pass: the gradient of a broadcast operand is the
 * output gradient summed over the axes it was broadcast along.
 */
import type { Dim, Graph, Node } from '../onnx/ir.js';
import { reduce } from './emit.js';
import { UnsupportedGradientError } from './rule.js';

/**
 * Sums `grad` (shaped `outShape`) down to `inShape`. Decided from static shapes: a dim that is
 * a literal 1 in the operand but not in the output was broadcast; equal symbols were not.
 *
 * @example
 * // bias [768] added to [B, T, 768]: sums over axes 0 and 1
 * const gb = unbroadcast(g, gy, [768], ['batch', 'seq', 768], node);
 */
export function unbroadcast(g: Graph, grad: string, inShape: Dim[], outShape: Dim[], node: Node): string {
  const lead = outShape.length - inShape.length;
  if (lead < 0) throw new UnsupportedGradientError(node.opType, node.name, 'operand has a higher rank than the result');
  const dropAxes = Array.from({ length: lead }, (_, i) => i);
  const keepAxes: number[] = [];
  inShape.forEach((d, i) => {
    const o = outShape[lead + i];
    if (d === o) return;
    if (d === 1) keepAxes.push(lead + i);
    else if (typeof d === 'number' && typeof o === 'number') {
      throw new UnsupportedGradientError(node.opType, node.name, `dims ${d} and ${o} do not broadcast`);
    }
    // Two different symbols (or a symbol and a number): assumed equal at run time, as the
    // forward op would fail otherwise unless the operand's dim is 1, which shape inference
    // would have resolved to a literal 1.
  });
  let out = grad;
  if (keepAxes.length > 0) out = reduce(g, 'ReduceSum', out, keepAxes, true);
  if (dropAxes.length > 0) out = reduce(g, 'ReduceSum', out, dropAxes, false);
  return out;
}
