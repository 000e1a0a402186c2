/**
 * Backward rule of Einsum for the equations attention and projections use: two operands (or
 * one), explicit letters, no ellipsis, no repeated letter within an operand, and every letter
 * of an operand present in the other operand or in the output (so nothing is summed away that
 * the gradient would have to broadcast back). Then the gradient of an operand is itself an
 * Einsum: for `A,B->Y`, dA = Einsum(`Y,B->A`)(gy, B) and dB = Einsum(`A,Y->B`)(A, gy); for
 * `A->Y` (a transpose), dA = Einsum(`Y->A`)(gy).
 *
 * @example
 * // 'bhqd,bhkd->bhqk': dQ = einsum('bhqk,bhkd->bhqd', gy, K), dK = einsum('bhqd,bhqk->bhkd', Q, gy)
 */
import { attrString } from '../../onnx/ir.js';
import { UnsupportedGradientError, type VjpContext, type VjpRule } from '../rule.js';

/** Operand and output letter strings of an equation (implicit output: letters used once, sorted). */
export function parseEinsum(equation: string): { inputs: string[]; output: string } | undefined {
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('.')) return undefined;
  const [lhs, rhs] = eq.split('->');
  const inputs = lhs.split(',');
  if (inputs.some((t) => !/^[A-Za-z]*$/.test(t))) return undefined;
  let output = rhs;
  if (output === undefined) {
    const counts = new Map<string, number>();
    for (const ch of inputs.join('')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    output = [...counts].filter(([, n]) => n === 1).map(([ch]) => ch).sort().join('');
  }
  if (!/^[A-Za-z]*$/.test(output)) return undefined;
  return { inputs, output };
}

function fail(ctx: VjpContext, why: string): never {
  throw new UnsupportedGradientError('Einsum', ctx.node.name, `${why} (supported: explicit letters, no ellipsis, no letter summed away within one operand)`);
}

/** Backward rules of Einsum. */
export const einsumRules: Record<string, VjpRule> = {
  Einsum: (ctx, [gy]) => {
    const { g, node } = ctx;
    const none = node.inputs.map(() => undefined);
    if (!gy) return none;
    const eq = attrString(node, 'equation', '');
    const p = parseEinsum(eq);
    if (!p || p.inputs.length !== node.inputs.length || p.inputs.length > 2) fail(ctx, `equation "${eq}"`);
    const { inputs, output } = p;
    for (const t of [...inputs, output]) if (new Set(t).size !== t.length) fail(ctx, `repeated letter in "${t}" of "${eq}"`);
    return inputs.map((term, i) => {
      if (!ctx.needsGrad(i)) return undefined;
      const others = inputs.filter((_, j) => j !== i);
      const visible = new Set([...output, ...others.join('')]);
      if ([...term].some((ch) => !visible.has(ch))) fail(ctx, `operand ${i} of "${eq}" is summed over an axis only it has`);
      const terms = inputs.map((t, j) => (j === i ? output : t));
      const operands = node.inputs.map((x, j) => (j === i ? gy : x));
      return g.op('Einsum', operands, { equation: `${terms.join(',')}->${term}` });
    });
  },
};
