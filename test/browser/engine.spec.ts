/**
 * The gradient engine in Chromium on the native WebGPU EP: gradients equal onnxruntime-web wasm
 * in Node to 1e-4 relative, no node touching a [batch, sequence, hidden]-sized tensor falls back
 * to the CPU, and a reference case of the sequence explainer gives the original's numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { callPage, expect, openPage, test } from './helpers.js';
import type { EngineApi } from './pages/engine.js';
import { PROBES, runProbe } from '../support/gradient-probe.js';

const FIXTURES = path.resolve('test/fixtures');

function relErr(a: number[], b: number[]): number {
  let scale = 0;
  let diff = 0;
  b.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(a[i] - v));
  });
  return diff / scale;
}

for (const name of ['distilbert-sst2', 'bert-3class', 'vit']) {
  test(`${name}: WebGPU gradients equal Node wasm, big tensors stay on the GPU`, async ({ page }) => {
    await openPage(page, 'engine');
    const gpu = await callPage<EngineApi, 'probe'>(page, 'engine', 'probe', name, 'webgpu');
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'models', PROBES[name].model, 'onnx/model.onnx')));
    const wasm = await runProbe(bytes, PROBES[name], 'wasm', false);
    expect(gpu.device).toBe('webgpu');
    expect(gpu.gpuNodes).toBeGreaterThan(50);
    expect(gpu.bigCpuNodes, 'nodes on the CPU EP touching [batch, seq, hidden] tensors').toEqual([]);
    expect(relErr(gpu.attribution, wasm.attribution)).toBeLessThanOrEqual(1e-4);
    expect(relErr(gpu.scalars, wasm.scalars)).toBeLessThanOrEqual(1e-4);
  });
}

test('distilbert-sst2 reference case on WebGPU: same numbers as transformers-interpret', async ({ page }) => {
  await openPage(page, 'engine');
  const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'reference/distilbert-sst2/default.json'), 'utf8')) as {
    call: { text: string };
    tokens: string[];
    word_attributions: [string, number][];
    prediction: { predicted_class_index: number };
  };
  const r = await callPage<EngineApi, 'explainSequence'>(page, 'engine', 'explainSequence', 'distilbert-sst2', ref.call.text, 'webgpu');
  expect(r.tokens).toEqual(ref.tokens);
  expect(r.predictedClassIndex).toBe(ref.prediction.predicted_class_index);
  const diff = Math.max(...r.wordAttributions.map((w, i) => Math.abs(w[1] - ref.word_attributions[i][1])));
  expect(diff).toBeLessThanOrEqual(1e-3);
});

test('vit IG on WebGPU, fed the reference pixel_values: within 1e-3 x max |reference|', async ({ page }) => {
  // 52 forward + backward passes of vit on SwiftShader (a CPU emulation of a GPU): about a minute
  // alone, more on a busy machine.
  test.setTimeout(420_000);
  await openPage(page, 'engine');
  const r = await callPage<EngineApi, 'explainImageReference'>(page, 'engine', 'explainImageReference', 'vit', 'webgpu');
  expect(r.device).toBe('webgpu');
  expect(r.predicted).toBe(r.refPredicted);
  expect(r.relMaxDiff).toBeLessThanOrEqual(1e-3);
});
