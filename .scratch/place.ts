import { convRules } from '../src/autodiff/rules/conv.js';
import { shapeRules } from '../src/autodiff/rules/shape.js';
import { gradcheck } from './h/gc.js';
const which = process.argv[2];
if (which === 'mp') await gradcheck({ op: 'MaxPool', inputs: [{ kind: 'float', dims: [1, 3, 10, 9], declared: ['N', 'C', 'H', 'W'] }], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, declaredOutputs: [['N', 'C', 'OH', 'OW']], distinct: true, rule: convRules.MaxPool });
if (which === 'conv') await gradcheck({ op: 'Conv', inputs: [{ kind: 'float', dims: [1, 3, 11, 10], declared: ['N', 3, 'H', 'W'] }, { kind: 'weight', dims: [4, 3, 7, 7] }], attrs: { strides: [2, 2], pads: [3, 3, 3, 3] }, declaredOutputs: [['N', 4, 'OH', 'OW']], linearFloat32: true, rule: convRules.Conv });
if (which === 'gather') await gradcheck({ op: 'Gather', inputs: [{ kind: 'float', dims: [2, 3, 4], declared: ['B', 'T', 4] }, { kind: 'runtime-int', dims: [2, 3], values: [3, -1, 0, 3, 0, 1] }], attrs: { axis: -1 }, declaredOutputs: [['B', 'T', 2, 3]], rule: shapeRules.Gather });
if (which === 'slice') await gradcheck({ op: 'Slice', inputs: [{ kind: 'float', dims: [5, 7], declared: ['N', 'M'] }, { kind: 'const-int', dims: [2], values: [-1, 1] }, { kind: 'const-int', dims: [2], values: [-9223372036854775808n, 9223372036854775807n] }, { kind: 'const-int', dims: [2], values: [0, 1] }, { kind: 'const-int', dims: [2], values: [-2, 1] }], declaredOutputs: [['P', 'Q']], rule: shapeRules.Slice });
