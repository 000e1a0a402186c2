/**
 * Shape rule of Einsum with explicit letters (no ellipsis): each output letter takes its dim
 * from an operand that has it (a static dim other than 1 preferred, then a symbol, then 1). The implicit form
 * (no `->`) outputs the letters used once, sorted. With an ellipsis the rank is unknown.
 */
import { attrString, type Dim } from '../ir.js';
import type { RuleCtx, ShapeRules } from './context.js';

function einsumRule(c: RuleCtx): void {
  const eq = attrString(c.node, 'equation', '').replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  const dims = new Map<string, Dim>();
  lhs.split(',').forEach((term, i) => {
    const s = c.shape(i);
    if (!s || s.length !== term.length) return;
    [...term].forEach((ch, k) => {
      // Best first: a static dim other than 1, then a symbol, then 1 (which may broadcast).
      const rank = (d: Dim | undefined): number => (d === undefined ? 0 : d === 1 ? 1 : typeof d === 'string' ? 2 : 3);
      if (rank(s[k]) > rank(dims.get(ch))) dims.set(ch, s[k]);
    });
  });
  const letters = lhs.replace(/,/g, '');
  const out = rhs ?? [...new Set(letters)].filter((ch) => letters.split(ch).length === 2).sort().join('');
  const known = !eq.includes('.') && [...out].every((ch) => dims.has(ch));
  c.set(0, c.dtype(0), known ? [...out].map((ch) => dims.get(ch) as Dim) : undefined);
}

/** Shape rules of Einsum. */
export const einsumShapeRules: ShapeRules = { Einsum: einsumRule };
