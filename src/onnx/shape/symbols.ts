/**
 * Symbolic dim algebra: canonical names for sums, products, floor/ceil divisions and moduli of
 * model symbols, so equal expressions get equal strings and broadcasting can compare dims with
 * `===`. Used by the shape rules through {@link Symbols}; {@link evalDim} evaluates a derived
 * dim once the base symbols are bound.
 */
import { pyMod } from '../arrays.js';
import type { Dim } from '../ir.js';

/** One term of a polynomial dim: `coef * factors[0] * factors[1] ...` (factors sorted). */
export interface DimTerm {
  coef: number;
  factors: string[];
}

/**
 * Definition of a derived symbolic dim: an integer polynomial over atoms (model symbols or
 * other derived dims), or a floor/ceil division or modulo that could not be simplified.
 */
export type DimExpr =
  | { op: 'poly'; terms: DimTerm[]; constant: number }
  | { op: 'floordiv' | 'ceildiv' | 'mod'; a: Dim; b: Dim };

/** A polynomial: monomial key (factors joined) -> term; `k` is the constant. */
interface Poly {
  terms: Map<string, DimTerm>;
  k: number;
}

/**
 * Symbolic dim arithmetic with canonical names. Sums and products are kept as polynomials over
 * atoms, so `((h+2)-3)//2+1` and `(h-1)//2+1` (two conv branches of a ResNet block) get the
 * same name and broadcast together.
 */
export class Symbols {
  readonly derived = new Map<string, DimExpr>();
  private counter = 0;
  private readonly memo = new Map<string, string>();
  private readonly taken: Set<string>;

  constructor(taken: Set<string>) {
    this.taken = taken;
  }

  /** A new unknown dim. With a key, the same key always gives the same symbol (deterministic broadcasting). */
  fresh(key?: string): string {
    if (key !== undefined) {
      const m = this.memo.get(key);
      if (m !== undefined) return m;
    }
    let s: string;
    do s = `unk_${this.counter++}`;
    while (this.taken.has(s));
    if (key !== undefined) this.memo.set(key, s);
    return s;
  }

  private poly(d: Dim): Poly {
    if (typeof d === 'number') return { terms: new Map(), k: d };
    const e = this.derived.get(d);
    if (e && e.op === 'poly') return { terms: new Map(e.terms.map((t) => [t.factors.join('\u0000'), t])), k: e.constant };
    return { terms: new Map([[d, { coef: 1, factors: [d] }]]), k: 0 };
  }

  private static addTerm(p: Poly, t: DimTerm): void {
    if (t.coef === 0) return;
    const key = t.factors.join('\u0000');
    const old = p.terms.get(key);
    const coef = (old?.coef ?? 0) + t.coef;
    if (coef === 0) p.terms.delete(key);
    else p.terms.set(key, { coef, factors: t.factors });
  }

  private fromPoly(p: Poly): Dim {
    const terms = [...p.terms.values()].filter((t) => t.coef !== 0);
    if (terms.length === 0) return p.k;
    if (p.k === 0 && terms.length === 1 && terms[0].coef === 1 && terms[0].factors.length === 1) return terms[0].factors[0];
    terms.sort((a, b) => (a.factors.join('*') < b.factors.join('*') ? -1 : a.factors.join('*') > b.factors.join('*') ? 1 : 0));
    const parts = terms.map((t) => (t.coef === 1 ? t.factors.join('*') : `${t.coef}*${t.factors.join('*')}`));
    const name = `(${parts.join('+')}${p.k === 0 ? '' : p.k > 0 ? `+${p.k}` : `${p.k}`})`;
    if (!this.derived.has(name)) this.derived.set(name, { op: 'poly', terms, constant: p.k });
    return name;
  }

  private atom(op: 'floordiv' | 'ceildiv' | 'mod', a: Dim, b: Dim): string {
    const sym = { floordiv: '//', ceildiv: '/^', mod: '%' }[op];
    const name = `(${a}${sym}${b})`;
    if (!this.derived.has(name)) this.derived.set(name, { op, a, b });
    return name;
  }

  mul(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return a * b;
    const x = this.poly(a);
    const y = this.poly(b);
    const out: Poly = { terms: new Map(), k: x.k * y.k };
    for (const t of x.terms.values()) Symbols.addTerm(out, { coef: t.coef * y.k, factors: t.factors });
    for (const t of y.terms.values()) Symbols.addTerm(out, { coef: t.coef * x.k, factors: t.factors });
    for (const t of x.terms.values()) {
      for (const u of y.terms.values()) Symbols.addTerm(out, { coef: t.coef * u.coef, factors: [...t.factors, ...u.factors].sort() });
    }
    return this.fromPoly(out);
  }

  add(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    const x = this.poly(a);
    const y = this.poly(b);
    const out: Poly = { terms: new Map(x.terms), k: x.k + y.k };
    for (const t of y.terms.values()) Symbols.addTerm(out, t);
    return this.fromPoly(out);
  }

  sub(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return this.add(a, this.mul(b, -1));
  }

  /** `a = q*b + r` split term by term for a positive integer b: q exact, r with coefficients in [0, b). */
  private splitBy(a: Dim, b: number): { q: Poly; r: Poly } {
    const x = this.poly(a);
    const q: Poly = { terms: new Map(), k: Math.floor(x.k / b) };
    const r: Poly = { terms: new Map(), k: pyMod(x.k, b) };
    for (const t of x.terms.values()) {
      Symbols.addTerm(q, { coef: Math.floor(t.coef / b), factors: t.factors });
      Symbols.addTerm(r, { coef: pyMod(t.coef, b), factors: t.factors });
    }
    return { q, r };
  }

  /** Floor division; symbols are assumed non-negative integers. */
  floorDiv(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return b === 0 ? this.fresh() : Math.floor(a / b);
    if (b === 1) return a;
    if (typeof b === 'number' && b > 0 && Number.isInteger(b)) {
      // floor((q*b + r)/b) = q + floor(r/b): pulls whole multiples out so the name is canonical.
      const { q, r } = this.splitBy(a, b);
      const rest = this.fromPoly(r);
      return this.add(this.fromPoly(q), typeof rest === 'number' ? Math.floor(rest / b) : this.atom('floordiv', rest, b));
    }
    return this.exactDiv(a, b) ?? this.atom('floordiv', a, b);
  }

  ceilDiv(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return b === 0 ? this.fresh() : Math.ceil(a / b);
    if (typeof b === 'number' && b > 0 && Number.isInteger(b)) return this.floorDiv(this.add(a, b - 1), b);
    return this.exactDiv(a, b) ?? this.atom('ceildiv', a, b);
  }

  /** Python-style modulo (result has the divisor's sign). */
  mod(a: Dim, b: Dim): Dim {
    if (typeof a === 'number' && typeof b === 'number') return b === 0 ? this.fresh() : pyMod(a, b);
    if (b === 1) return 0;
    if (typeof b === 'number' && b > 0 && Number.isInteger(b)) {
      const rest = this.fromPoly(this.splitBy(a, b).r);
      return typeof rest === 'number' ? pyMod(rest, b) : this.atom('mod', rest, b);
    }
    return this.exactDiv(a, b) !== undefined ? 0 : this.atom('mod', a, b);
  }

  /** a / b when b is a single monomial dividing every term of a exactly. */
  private exactDiv(a: Dim, b: Dim): Dim | undefined {
    const y = this.poly(b);
    if (y.k !== 0 || y.terms.size !== 1) return undefined;
    const [d] = [...y.terms.values()];
    const x = this.poly(a);
    if (x.k !== 0) return undefined;
    const out: Poly = { terms: new Map(), k: 0 };
    for (const t of x.terms.values()) {
      const rest = without(t.factors, d.factors);
      if (!rest || t.coef % d.coef !== 0) return undefined;
      Symbols.addTerm(out, { coef: t.coef / d.coef, factors: rest });
    }
    // A term whose factors all cancelled is a constant.
    const k = out.terms.get('');
    if (k) {
      out.terms.delete('');
      out.k += k.coef;
    }
    return this.fromPoly(out);
  }

  product(dims: readonly Dim[]): Dim {
    let p: Dim = 1;
    for (const d of dims) p = this.mul(p, d);
    return p;
  }

  /** Broadcast of two dims (numpy rules). A static 1 yields the other dim; two different symbols give a fresh one. */
  broadcast(a: Dim, b: Dim): Dim {
    if (a === b) return a;
    if (a === 1) return b;
    if (b === 1) return a;
    if (typeof a === 'number') return a;
    if (typeof b === 'number') return b;
    return this.fresh(`bcast:${a < b ? `${a},${b}` : `${b},${a}`}`);
  }
}

/** Multiset difference `a - b`, or undefined when b is not contained in a. */
function without(a: readonly string[], b: readonly string[]): string[] | undefined {
  const rest = [...a];
  for (const x of b) {
    const i = rest.indexOf(x);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return rest;
}

/**
 * Evaluates a dim given values for the base symbols. Undefined when it depends on an unbound
 * symbol (e.g. a fresh `unk_N`).
 *
 * @example
 * const info = inferShapes(graph);
 * evalDim('(12*sequence_length)', { sequence_length: 7 }, info.derived); // 84
 */
export function evalDim(d: Dim, env: Record<string, number>, derived: Map<string, DimExpr>): number | undefined {
  if (typeof d === 'number') return d;
  if (d in env) return env[d];
  const e = derived.get(d);
  if (!e) return undefined;
  if (e.op === 'poly') {
    let sum = e.constant;
    for (const t of e.terms) {
      let p = t.coef;
      for (const f of t.factors) {
        const v = evalDim(f, env, derived);
        if (v === undefined) return undefined;
        p *= v;
      }
      sum += p;
    }
    return sum;
  }
  const a = evalDim(e.a, env, derived);
  const b = evalDim(e.b, env, derived);
  if (a === undefined || b === undefined) return undefined;
  switch (e.op) {
    case 'floordiv': return Math.floor(a / b);
    case 'ceildiv': return Math.ceil(a / b);
    case 'mod': return pyMod(a, b);
  }
}
