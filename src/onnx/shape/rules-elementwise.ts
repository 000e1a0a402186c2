/**
 * Shape rules of elementwise ops: unary math, binary arithmetic with numpy broadcasting
 * (tracking symbolic values for shape math), comparisons, logic, Where, Cast.
 */
import { pyMod } from '../arrays.js';
import { attrInt, type Dim } from '../ir.js';
import { dtypeFromOnnx, type DType } from '../tensor.js';
import { INT_TYPES, broadcastShapes, mapValues, num, same, sameShape, type RuleCtx, type ShapeRule, type ShapeRules } from './context.js';

function unaryValue(fn: (x: Dim, c: RuleCtx) => Dim | undefined): ShapeRule {
  return (c) => c.set(0, c.dtype(0), c.shape(0), mapValues(c, [0], c.shape(0), ([x]) => fn(x, c)));
}

function elementwise(outDtype: (c: RuleCtx) => DType | undefined, fn?: (xs: Dim[], c: RuleCtx) => Dim | undefined): ShapeRule {
  return (c) => {
    const idx = c.node.inputs.map((_, i) => i).filter((i) => c.has(i));
    const shape = broadcastShapes(c.sym, idx.map((i) => c.shape(i)));
    const vals = fn ? mapValues(c, idx, shape, (xs) => fn(xs, c)) : undefined;
    c.set(0, outDtype(c), shape, vals);
  };
}

const firstDtype = (c: RuleCtx): DType | undefined => c.dtype(0);
const boolDtype = (): DType => 'bool';

function compare(fn: (a: number, b: number) => boolean, symbolic?: (a: Dim, b: Dim) => Dim | undefined): (xs: Dim[]) => Dim | undefined {
  return ([a, b]) => (num(a) && num(b) ? (fn(a, b) ? 1 : 0) : symbolic?.(a, b));
}

function whereRule(c: RuleCtx): void {
  const shape = broadcastShapes(c.sym, [c.shape(0), c.shape(1), c.shape(2)]);
  const vals = mapValues(c, [0, 1, 2], shape, ([cond, x, y]) => (num(cond) ? (cond ? x : y) : x === y ? x : undefined));
  c.set(0, c.dtype(1), shape, vals);
}

function castRule(c: RuleCtx): void {
  const to = dtypeFromOnnx(attrInt(c.node, 'to', 1));
  let vals = c.val(0);
  if (vals && to === 'bool') vals = vals.map((v) => (num(v) ? (v !== 0 ? 1 : 0) : c.sym.fresh()));
  else if (vals && !INT_TYPES.has(c.dtype(0) ?? 'other')) vals = undefined;
  else if (vals && (to === 'int64' || to === 'int32')) vals = vals.map((v) => (num(v) ? Math.trunc(v) : v));
  c.set(0, to, c.shape(0), vals);
}

/** Symbolic arithmetic on tracked int values (shape math). Division is exact-or-derived. */
const arith: Record<string, (xs: Dim[], c: RuleCtx) => Dim | undefined> = {
  Add: ([a, b], c) => c.sym.add(a, b),
  Sub: ([a, b], c) => c.sym.sub(a, b),
  Mul: ([a, b], c) => c.sym.mul(a, b),
  // ONNX integer Div truncates; symbols are non-negative dims so floor == trunc there.
  Div: ([a, b], c) => (num(a) && num(b) ? (b === 0 ? undefined : Math.trunc(a / b)) : c.sym.floorDiv(a, b)),
  Mod: ([a, b], c) => {
    if (num(a) && num(b)) {
      if (b === 0) return undefined;
      return attrInt(c.node, 'fmod', 0) ? a % b : pyMod(a, b);
    }
    return c.sym.mod(a, b);
  },
  Max: (xs) => (xs.every(num) ? Math.max(...xs) : xs.every((x) => x === xs[0]) ? xs[0] : undefined),
  Min: (xs) => (xs.every(num) ? Math.min(...xs) : xs.every((x) => x === xs[0]) ? xs[0] : undefined),
};

const intOnly = (fn: (xs: Dim[], c: RuleCtx) => Dim | undefined) => (xs: Dim[], c: RuleCtx): Dim | undefined =>
  INT_TYPES.has(c.dtype(0) ?? 'other') ? fn(xs, c) : undefined;

/** Shape rules of elementwise ops, by op type. */
export const elementwiseShapeRules: ShapeRules = {
  Identity: same,
  Dropout: (c) => {
    c.set(0, c.dtype(0), c.shape(0), c.val(0));
    c.set(1, 'bool', c.shape(0));
  },
  Neg: unaryValue((x, c) => c.sym.mul(x, -1)),
  Abs: unaryValue((x) => (num(x) ? Math.abs(x) : x)),
  Sign: unaryValue((x) => (num(x) ? Math.sign(x) : undefined)),
  Not: (c) => c.set(0, 'bool', c.shape(0), mapValues(c, [0], c.shape(0), ([x]) => (num(x) ? (x ? 0 : 1) : undefined))),
  Clip: same,
  CumSum: sameShape,
  Softmax: same,
  LogSoftmax: same,
  Hardmax: same,
  Trilu: same,
  Cast: castRule,
  CastLike: (c) => c.set(0, c.dtype(1), c.shape(0)),
  Equal: elementwise(boolDtype, compare((a, b) => a === b, (a, b) => (a === b ? 1 : (num(a) && a < 0) || (num(b) && b < 0) ? 0 : undefined))),
  Greater: elementwise(boolDtype, compare((a, b) => a > b)),
  Less: elementwise(boolDtype, compare((a, b) => a < b)),
  GreaterOrEqual: elementwise(boolDtype, compare((a, b) => a >= b)),
  LessOrEqual: elementwise(boolDtype, compare((a, b) => a <= b)),
  And: elementwise(boolDtype, compare((a, b) => a !== 0 && b !== 0)),
  Or: elementwise(boolDtype, compare((a, b) => a !== 0 || b !== 0)),
  Xor: elementwise(boolDtype, compare((a, b) => (a !== 0) !== (b !== 0))),
  IsNaN: (c) => c.set(0, 'bool', c.shape(0)),
  IsInf: (c) => c.set(0, 'bool', c.shape(0)),
  Where: whereRule,
};

for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Max', 'Min']) elementwiseShapeRules[op] = elementwise(firstDtype, intOnly(arith[op]));
for (const op of ['Pow', 'Sum', 'Mean', 'PRelu', 'BitShift']) elementwiseShapeRules[op] = elementwise(firstDtype);
for (const op of [
  'Sqrt', 'Exp', 'Log', 'Erf', 'Tanh', 'Sigmoid', 'Relu', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos', 'Tan',
  'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Softplus', 'Softsign', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu',
  'HardSigmoid', 'HardSwish', 'Mish', 'ThresholdedRelu', 'Shrink',
]) elementwiseShapeRules[op] = sameShape;
