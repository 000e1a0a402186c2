/**
 * Backward rules of MatMul and Gemm, with respect to activations (the builder asks only for
 * inputs that depend on the cut; weights get none). Transposes of N-D operands swap the last
 * two axes; 1-D operands are promoted to matrices (numpy semantics) so one formula serves all.
 */
import { attrFloat, attrInt } from '../../onnx/ir.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from '../rule.js';
import { hasInput, reduce, scalar, transposeLast2, unsqueeze } from '../emit.js';

/**
 * Sums a gradient shaped `batch(Y) + [r, c]` back to an operand of rank `rank` (>= 2) whose
 * batch dims broadcast against the other operand's (`otherShape`, promoted to >= 2-D):
 * leading batch axes the operand lacks are summed away, and axes where it has a static 1 and
 * the other operand does not are summed with keepdims.
 */
function sumBatch(ctx: VjpContext, grad: string, operand: string, rank: number, other: string, otherRank: number, outRank: number): string {
  const shape = ctx.shape(operand);
  const otherShape = otherRank >= 2 ? ctx.shape(other) : [];
  const lead = outRank - rank;
  const keep: number[] = [];
  for (let i = 0; i < rank - 2; i++) {
    // Align right on the batch dims (the last two axes are the matrix).
    const j = i - (rank - 2) + (otherRank - 2);
    const otherDim = j >= 0 && otherRank >= 2 ? otherShape[j] : 1;
    if (shape[i] === 1 && otherDim !== 1) keep.push(lead + i);
  }
  const kept = reduce(ctx.g, 'ReduceSum', grad, keep, true);
  return reduce(ctx.g, 'ReduceSum', kept, Array.from({ length: lead }, (_, i) => i), false);
}

/** Backward rules of matrix products, by op type. */
export const matmulRules: Record<string, VjpRule> = {
  /** dA = gy @ B^T, dB = A^T @ gy (last two axes), batch dims summed back to each operand */
  MatMul: (ctx, [gy]) => {
    const { g, node } = ctx;
    if (!gy) return [undefined, undefined];
    const [a, b] = node.inputs;
    const ra = ctx.rank(a);
    const rb = ctx.rank(b);
    if (ra === 0 || rb === 0) throw new UnsupportedGradientError(node.opType, node.name, 'MatMul operands must have rank >= 1');
    if (ra === 1 && rb === 1) {
      // Dot product: gy is a scalar.
      return [ctx.needsGrad(0) ? g.op('Mul', [gy, b]) : undefined, ctx.needsGrad(1) ? g.op('Mul', [gy, a]) : undefined];
    }
    const ry = Math.max(ra, rb);
    const rgy = ctx.rank(node.outputs[0]);
    // gy with the axes numpy dropped for 1-D operands put back: shape batch(Y) + [M, N].
    let g2 = gy;
    if (ra === 1) g2 = unsqueeze(g, g2, [rgy - 1]);
    else if (rb === 1) g2 = unsqueeze(g, g2, [rgy]);

    let ga: string | undefined;
    if (ctx.needsGrad(0)) {
      const bT = rb === 1 ? unsqueeze(g, b, [0]) : transposeLast2(g, b, rb); // [.., N, K]
      const full = g.op('MatMul', [g2, bT]); // batch(Y) + [M, K]
      // A 1-D A was [1, K]: sum every batch axis and the unit M axis away.
      ga = ra === 1
        ? reduce(g, 'ReduceSum', full, Array.from({ length: ry - 1 }, (_, i) => i), false)
        : sumBatch(ctx, full, a, ra, b, rb, ry);
    }
    let gb: string | undefined;
    if (ctx.needsGrad(1)) {
      const aT = ra === 1 ? unsqueeze(g, a, [1]) : transposeLast2(g, a, ra); // [.., K, M]
      const full = g.op('MatMul', [aT, g2]); // batch(Y) + [K, N]
      // A 1-D B was [K, 1]: sum every batch axis and the unit N axis away.
      gb = rb === 1
        ? reduce(g, 'ReduceSum', full, [...Array.from({ length: ry - 2 }, (_, i) => i), ry - 1], false)
        : sumBatch(ctx, full, b, rb, a, ra, ry);
    }
    return [ga, gb];
  },

  /**
   * Y = alpha * A' @ B' + beta * C with A' = transA ? A^T : A (B' likewise):
   * dA' = alpha * gy @ B'^T, dB' = alpha * A'^T @ gy (transposed back when the flag is set),
   * dC = unbroadcast(beta * gy)
   */
  Gemm: (ctx, [gy]) => {
    const { g, node } = ctx;
    const none = node.inputs.map(() => undefined);
    if (!gy) return none;
    const [a, b] = node.inputs;
    const transA = attrInt(node, 'transA', 0) !== 0;
    const transB = attrInt(node, 'transB', 0) !== 0;
    const alpha = attrFloat(node, 'alpha', 1);
    const beta = attrFloat(node, 'beta', 1);
    const scale = (x: string, s: number): string => (s === 1 ? x : g.op('Mul', [x, scalar(g, s)]));
    const gyA = scale(gy, alpha);
    return node.inputs.map((_, i) => {
      if (!ctx.needsGrad(i)) return undefined;
      if (i === 0) {
        // B'^T is B itself when transB is set.
        const p = g.op('MatMul', [gyA, transB ? b : g.op('Transpose', [b], { perm: [1, 0] })]);
        return transA ? g.op('Transpose', [p], { perm: [1, 0] }) : p;
      }
      if (i === 1) {
        const p = g.op('MatMul', [transA ? a : g.op('Transpose', [a], { perm: [1, 0] }), gyA]);
        return transB ? g.op('Transpose', [p], { perm: [1, 0] }) : p;
      }
      if (i === 2 && hasInput(ctx, 2)) return ctx.unbroadcast(scale(gy, beta), node.inputs[2], node.outputs[0]);
      return undefined;
    });
  },
};
