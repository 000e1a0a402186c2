import * as ort from 'onnxruntime-node';
import { Graph } from '../src/onnx/ir.js';
import { encodeModel } from '../src/onnx/model-io.js';
const g = new Graph(); g.opset = 17;
g.inputs.push({ name: 'x', dtype: 'float32', shape: [1, 2, 7, 7] });
const [y, idx] = g.add('MaxPool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 2);
const sc = g.op('ScatterElements', [g.op('Reshape',[ 'x', g.constI64([-1])]), g.op('Reshape',[idx, g.constI64([-1])]), g.op('Reshape',[y, g.constI64([-1])])], { axis: 0, reduction: 'add' });
g.outputs.push({ name: y, dtype: 'float32' }, { name: idx, dtype: 'int64' }, { name: sc, dtype: 'float32' });
const { bytes } = encodeModel({ graph: g, irVersion: 8, producerName: '', otherOpsets: [], source: new Uint8Array() });
for (const ep of ['cpu', 'webgpu']) {
  try {
    const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'disabled', extra: { session: { disable_cpu_ep_fallback: '1' } } });
    const r = await s.run({ x: new ort.Tensor('float32', Float32Array.from({ length: 98 }, () => Math.random()), [1, 2, 7, 7]) });
    console.log(ep, 'ok', Array.from(r[idx].data as BigInt64Array).slice(0, 8));
  } catch (e) { console.log(ep, 'ERR', String(e).slice(0, 300)); }
}
