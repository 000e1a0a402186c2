/**
 * fp16 files on WebGPU (SwiftShader here). The prediction runs the fp16 file as shipped; the
 * gradient graph runs in float32 on the upcast weights (`explained: 'float32'`). Checked
 * against the fp32 file on the same device: same predicted class, predicted probability within
 * 3e-2, every token's word score (L2-normalised) within 3e-2, and raw per-token sums within
 * 3e-2 x their largest magnitude.
 *
 * The adapter's `shader-f16` feature is recorded. SwiftShader has none: ORT's WebGPU EP still
 * claims the file's float16 nodes and then fails to run them, so the prediction runs on the
 * wasm kernels (as shipped). Float16 kernels on a GPU are not measured here.
 */
import { callPage, expect, openPage, test } from './helpers.js';
import type { Fp16Api } from './pages/fp16.js';

const MODEL = 'distilbert-sst2';
const TEXT = 'a fine and moving film';
const TOL = 3e-2;

test('fp16 file on WebGPU: prediction as shipped, attributions within 3e-2 of fp32', async ({ page, consoleLines: _ }) => {
  test.setTimeout(300_000);
  await openPage(page, 'fp16');
  const adapter = await callPage<Fp16Api, 'adapter'>(page, 'fp16', 'adapter');
  const direct = await callPage<Fp16Api, 'shippedOnWebGpu'>(page, 'fp16', 'shippedOnWebGpu', MODEL);
  const fp32 = await callPage<Fp16Api, 'explain'>(page, 'fp16', 'explain', MODEL, 'fp32', TEXT, 20);
  const fp16 = await callPage<Fp16Api, 'explain'>(page, 'fp16', 'explain', MODEL, 'fp16', TEXT, 20);
  const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  const measured = {
    adapter: adapter.architecture,
    shaderF16: adapter.features.includes('shader-f16'),
    directOnWebGpu: direct,
    forwardDevice: [fp32.forwardDevice, fp16.forwardDevice],
    predicted: [fp32.predicted, fp16.predicted],
    probabilityDiff: Math.abs(fp32.probability - fp16.probability),
    rawMaxDiff: maxDiff(fp32.raw, fp16.raw),
    rawScale: Math.max(...fp32.raw.map(Math.abs)),
    wordMaxDiff: maxDiff(fp32.words, fp16.words),
  };
  console.log(`fp16 on WebGPU: ${JSON.stringify(measured)}`);
  expect(fp32.device).toBe('webgpu');
  expect(fp16.device).toBe('webgpu');
  expect(fp16.explained).toBe('float32');
  expect(fp32.explained).toBe('as-shipped');
  expect(fp16.predicted).toBe(fp32.predicted);
  expect(measured.probabilityDiff).toBeLessThanOrEqual(TOL);
  expect(fp16.raw.length).toBe(fp32.raw.length);
  expect(measured.rawMaxDiff).toBeLessThanOrEqual(TOL * measured.rawScale);
  expect(measured.wordMaxDiff).toBeLessThanOrEqual(TOL);
  // The prediction: the fp16 file on WebGPU where float16 shaders exist; else on the CPU
  // kernels, because the WebGPU EP claims float16 nodes it then cannot run.
  expect(fp32.forwardDevice).toBe('webgpu');
  if (measured.shaderF16) {
    expect(direct.error).toBe('');
    expect(fp16.forwardDevice).toBe('webgpu');
  } else {
    expect(direct.error).toMatch(/f16/);
    expect(fp16.forwardDevice).toBe('wasm');
  }
});
