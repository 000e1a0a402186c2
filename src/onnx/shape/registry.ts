/**
 * The registry of shape rules: op type (default ONNX domain) -> {@link ShapeRule}.
 *
 * How to add an op's shape rule:
 * 1. Write the rule in the `rules-*.ts` file of its family (or a new `rules-<family>.ts` that
 *    exports a `ShapeRules` object). A rule reads inputs through {@link RuleCtx} (`c.shape(i)`,
 *    `c.dtype(i)`, `c.val(i)` for tracked int values, `c.ints(i)`) and calls `c.set(o, dtype,
 *    shape, values?)` for each output; unknown dims come from `c.sym.fresh()` / `c.freshDims(n)`,
 *    dim arithmetic from `c.sym` ({@link Symbols}). Throwing is allowed: the driver records the
 *    message in `ShapeInfo.issues` and goes on.
 * 2. Add the op to that file's table; a new file's table is spread into {@link shapeRules} below.
 * 3. Test it in `test/unit/shape-inference.test.ts` (static, symbolic and value-tracking cases).
 * Ops without a rule are listed in `ShapeInfo.unknownOps`; their outputs keep declared types.
 */
import type { ShapeRule } from './context.js';
import { einsumShapeRules } from './rules-einsum.js';
import { elementwiseShapeRules } from './rules-elementwise.js';
import { indexingShapeRules } from './rules-indexing.js';
import { matmulConvShapeRules } from './rules-matmul-conv.js';
import { normalizationShapeRules } from './rules-normalization.js';
import { reduceShapeRules } from './rules-reduce.js';
import { shapeShapeRules } from './rules-shape.js';

/** Shape rule per op type. */
export const shapeRules: Readonly<Record<string, ShapeRule>> = {
  ...elementwiseShapeRules,
  ...reduceShapeRules,
  ...matmulConvShapeRules,
  ...normalizationShapeRules,
  ...shapeShapeRules,
  ...indexingShapeRules,
  // After matmulConvShapeRules, whose Einsum entry leaves the shape unknown.
  ...einsumShapeRules,
};
