import { test } from 'vitest';
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';
import { buildIntegratedGradientsGraph } from '../../src/autodiff/ig-graph.js';

test('scratch', async () => {
  for (const name of ['vit', 'swin', 'resnet']) {
    const bytes = new Uint8Array(fs.readFileSync(`test/fixtures/models/${name}/onnx/model.onnx`));
    const m = decodeModel(bytes);
    const t0 = performance.now();
    try {
      const ig = buildIntegratedGradientsGraph(m, { cut: 'pixel_values', head: { kind: 'classification', activation: 'identity' }, reduction: 'sum-batch' });
      const enc = encodeModel(ig.model, { externalizeAbove: 1024 });
      const s = await ort.InferenceSession.create(enc.bytes, { externalData: enc.externalData } as never);
      const pv = new Float32Array(fs.readFileSync(`test/fixtures/reference/${name}/pixel_values.f32.bin`).buffer.slice(0));
      const B = 4;
      const out = await s.run({ gs_input: new ort.Tensor('float32', pv, [1, 3, 224, 224]), gs_baseline: new ort.Tensor('float32', new Float32Array(pv.length), [1, 3, 224, 224]), gs_alphas: new ort.Tensor('float32', Float32Array.from([0.1, 0.4, 0.7, 1]), [B]), gs_weights: new ort.Tensor('float32', Float32Array.from([0.25, 0.25, 0.25, 0.25]), [B]), gs_target_mask: new ort.Tensor('float32', Float32Array.from({ length: B * 5 }, (_, i) => (i % 5 === 0 ? 1 : 0)), [B, 5]) });
      console.log(name, 'ok', (performance.now() - t0).toFixed(0), 'ms', ig.model.graph.nodes.length, s.inputNames, out.gs_attribution.dims, out.gs_scalar.data);
    } catch (e) { console.log(name, 'FAIL', String(e).slice(0, 600)); }
  }
});
