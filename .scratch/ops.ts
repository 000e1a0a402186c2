import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { decodeModel } from '../src/onnx/model-io.js';
for (const m of readdirSync('test/fixtures/models')) {
  const p = `test/fixtures/models/${m}/onnx/model.onnx`;
  if (!existsSync(p)) continue;
  const model = decodeModel(readFileSync(p));
  const ops = new Map<string, number>();
  for (const n of model.graph.nodes) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
  console.log(m, model.graph.opset, JSON.stringify(model.graph.inputs.map((i) => [i.name, i.shape])), [...ops.entries()].map(([k, v]) => `${k}:${v}`).join(' '));
  for (const n of model.graph.nodes) if (['MaxPool','AveragePool','Conv','Slice','Pad','Split','Tile','Expand'].includes(n.opType)) { const a = JSON.stringify(Object.fromEntries(Object.entries(n.attrs).map(([k,v])=>[k,v.value]))); if (!ops.has('seen'+n.opType+a)) { ops.set('seen'+n.opType+a,1); console.log('   ', n.opType, a, n.inputs.slice(1).map(i => model.graph.initializers.has(i) ? 'c' : 'r').join('')); } }
}
