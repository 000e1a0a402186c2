import { shapeRules } from '../src/autodiff/rules/shape.js';
import { gradcheck } from '../test/unit/helpers/gradcheck-shape.js';
const r = await gradcheck({ op: 'Transpose', inputs: [{ kind: 'float', dims: [3, 3] }], rule: shapeRules.Reshape });
console.log('wrong rule err', r.maxAbsErr, r.maxAbsGrad);
