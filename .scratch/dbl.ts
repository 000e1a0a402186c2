import * as ort from 'onnxruntime-node';
import { Graph, type AttrInput } from '../src/onnx/ir.js';
import { encodeModel } from '../src/onnx/model-io.js';
const cases: [string, number[], Record<string, AttrInput>, string[]?][] = [
  ['Conv', [1, 2, 5, 5], { kernel_shape: [3, 3] }, ['w']],
  ['ConvTranspose', [1, 2, 5, 5], { kernel_shape: [3, 3] }, ['w']],
  ['MaxPool', [1, 2, 5, 5], { kernel_shape: [3, 3] }],
  ['AveragePool', [1, 2, 5, 5], { kernel_shape: [3, 3] }],
  ['GlobalAveragePool', [1, 2, 5, 5], {}],
  ['Transpose', [1, 2, 5, 5], {}],
  ['Tile', [1, 2, 5, 5], {}, ['rep']],
  ['Pad', [1, 2, 5, 5], {}, ['pads']],
  ['GatherElements', [1, 2, 5, 5], {}, ['ge']],
  ['ScatterElements', [1, 2, 5, 5], {reduction: 'add'}, ['ge', 'x']],
  ['ScatterND', [1, 2, 5, 5], {reduction: 'add'}, ['nd', 'upd']],
  ['Equal', [1, 2, 5, 5], {}, ['x']],
];
for (const [op, shape, attrs, extra] of cases) {
  const g = new Graph(); g.opset = 17;
  g.inputs.push({ name: 'x', dtype: 'float64', shape });
  g.initializers.set('w', { dtype: 'float64', dims: [2, 2, 3, 3], values: new Float64Array(36).fill(1) });
  g.initializers.set('rep', { dtype: 'int64', dims: [4], values: BigInt64Array.from([1n, 1n, 2n, 1n]) });
  g.initializers.set('pads', { dtype: 'int64', dims: [8], values: BigInt64Array.from([0n, 0n, 1n, 1n, 0n, 0n, 1n, 1n]) });
  g.initializers.set('ge', { dtype: 'int64', dims: shape, values: new BigInt64Array(50) });
  g.initializers.set('nd', { dtype: 'int64', dims: [2, 1], values: new BigInt64Array(2) });
  g.initializers.set('upd', { dtype: 'float64', dims: [2, 2, 5, 5], values: new Float64Array(100) });
  const y = g.op(op, ['x', ...(extra ?? [])], attrs);
  g.outputs.push({ name: y, dtype: op === 'Equal' ? 'bool' : 'float64' });
  const { bytes } = encodeModel({ graph: g, irVersion: 8, producerName: '', otherOpsets: [], source: new Uint8Array() });
  try {
    const s = await ort.InferenceSession.create(bytes);
    await s.run({ x: new ort.Tensor('float64', new Float64Array(50), shape) });
    console.log(op, 'ok');
  } catch (e) { console.log(op, 'ERR', String(e).slice(0, 150)); }
}
