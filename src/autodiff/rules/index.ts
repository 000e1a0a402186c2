/**
 * The registry of backward rules: op type -> {@link VjpRule}. Each rule lives in the file of
 * its family (elementwise, matmul, reduce, normalization, shape, conv), one exported object
 * per file, keyed by op type.
 */
import type { VjpRule } from '../rule.js';
import { activationRules } from './activation.js';
import { convRules } from './conv.js';
import { einsumRules } from './einsum.js';
import { elementwiseRules } from './elementwise.js';
import { matmulRules } from './matmul.js';
import { normalizationRules } from './normalization.js';
import { padModeRules } from './pad-modes.js';
import { reduceRules } from './reduce.js';
import { smoothReduceRules } from './reduce-smooth.js';
import { shapeRules } from './shape.js';
import { triangularRules } from './triangular.js';

/** Backward rule per op type. */
export const vjpRules: Record<string, VjpRule> = {
  ...elementwiseRules,
  ...matmulRules,
  ...reduceRules,
  ...normalizationRules,
  ...shapeRules,
  ...convRules,
  ...activationRules,
  ...smoothReduceRules,
  ...einsumRules,
  ...triangularRules,
  // After shapeRules: handles reflect / edge and hands constant Pad back to shape.ts.
  ...padModeRules,
};

/**
 * Ops whose outputs carry no gradient: they compute shapes, masks, indices or piecewise
 * constant values (derivative zero almost everywhere), so the builder skips them.
 */
export const NON_DIFFERENTIABLE = new Set<string>([
  'Shape', 'Size', 'ConstantOfShape', 'Range',
  'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual',
  'Not', 'And', 'Or', 'Xor', 'Mod',
  'ArgMax', 'ArgMin', 'NonZero', 'OneHot',
  'Sign', 'IsNaN', 'IsInf', 'Floor', 'Ceil', 'Round',
]);
