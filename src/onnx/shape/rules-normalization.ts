/** Shape rules of normalisation layers (LayerNorm with its stash outputs, BatchNorm, InstanceNorm). */
import { normAxis } from '../arrays.js';
import { attrInt } from '../ir.js';
import { dtypeFromOnnx } from '../tensor.js';
import { same, type RuleCtx, type ShapeRules } from './context.js';

function layerNormRule(c: RuleCtx): void {
  const s = c.shape(0);
  c.set(0, c.dtype(0), s);
  const stash = dtypeFromOnnx(attrInt(c.node, 'stash_type', 1));
  if (!s) {
    c.set(1, stash, undefined);
    c.set(2, stash, undefined);
    return;
  }
  const axis = normAxis(attrInt(c.node, 'axis', -1), s.length);
  const stat = s.map((d, i) => (i < axis ? d : 1));
  c.set(1, stash, stat);
  c.set(2, stash, stat);
}

function batchNormRule(c: RuleCtx): void {
  c.set(0, c.dtype(0), c.shape(0));
  for (let o = 1; o < c.node.outputs.length; o++) c.set(o, c.dtype(1), c.shape(1));
}

/** Shape rules of normalisation layers, by op type. */
export const normalizationShapeRules: ShapeRules = {
  BatchNormalization: batchNormRule,
  InstanceNormalization: same,
  LayerNormalization: layerNormRule,
};
