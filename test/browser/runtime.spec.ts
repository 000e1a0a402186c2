import { callPage, expect, expectWebGpuUsed, openPage, test } from './helpers.js';
import type { RuntimeApi } from './pages/runtime.js';

test.describe('runtime in Chromium', () => {
  test.beforeEach(async ({ page }) => {
    await openPage(page, 'runtime');
  });

  test("WebGPU is available and 'auto' picks it", async ({ page, consoleLines: _ }) => {
    expect(await callPage<RuntimeApi, 'resolve'>(page, 'runtime', 'resolve', 'auto')).toBe('webgpu');
    expect(await callPage<RuntimeApi, 'resolve'>(page, 'runtime', 'resolve', 'cpu')).toBe('wasm');
  });

  test('issue 2 smoke: distilbert-sst2 offline on the WebGPU EP matches the reference to 1e-5', async ({ page, consoleLines: _ }) => {
    const r = await callPage<RuntimeApi, 'smoke'>(page, 'runtime', 'smoke', 'webgpu', { reportPlacement: true });
    expectWebGpuUsed(r);
    expect(r.flavour).toBe('onnxruntime-web/webgpu');
    expect(r.webgpu.adapter).toContain('swiftshader');
    expect(r.ids).toEqual(r.referenceIds);
    expect(r.predictedClass).toBe('POSITIVE');
    expect(r.maxAbsDiff).toBeLessThan(1e-5);
    console.log(`[smoke] chromium webgpu: logits ${r.logits.join(', ')} probs ${r.probs.join(', ')} max|diff| ${r.maxAbsDiff.toExponential(2)}; nodes ${JSON.stringify(Object.fromEntries(Object.entries(r.placement?.byProvider ?? {}).map(([k, v]) => [k, v.count])))}`);
  });

  test('issue 2 smoke: the same on the wasm EP', async ({ page, consoleLines: _ }) => {
    const r = await callPage<RuntimeApi, 'smoke'>(page, 'runtime', 'smoke', 'wasm', {});
    expect(r.device).toBe('wasm');
    expect(r.executionProviders).toEqual(['wasm']);
    expect(r.ids).toEqual(r.referenceIds);
    expect(r.maxAbsDiff).toBeLessThan(1e-5);
    console.log(`[smoke] chromium wasm: logits ${r.logits.join(', ')} max|diff| ${r.maxAbsDiff.toExponential(2)}`);
  });

  test('one onnxruntime-web copy serves gradscope and transformers.js; wasmPaths is not a CDN', async ({ page, consoleLines: _ }) => {
    const r = await callPage<RuntimeApi, 'oneCopy'>(page, 'runtime', 'oneCopy');
    expect(r.sameWasmEnv).toBe(true);
    expect(r.sameWebgpuEnv).toBe(true);
    expect(r.sharedSymbol).toBe(true);
    expect(r.versions.web).toBe('1.30.0');
    expect(r.transformersVersions.web).toBe('1.30.0');
    expect(JSON.stringify(r.wasmPaths ?? '')).not.toMatch(/cdn|jsdelivr|https?:/);
    // Only one ORT bundle was loaded, from this server.
    const bundles = r.ortScripts.filter((s) => /ort\.[\w.]*m?js$/.test(s));
    expect(bundles.length).toBeLessThanOrEqual(1);
  });

  test('the run queue serialises concurrent WebGPU runs', async ({ page, consoleLines: _ }) => {
    const r = await callPage<RuntimeApi, 'concurrentRuns'>(page, 'runtime', 'concurrentRuns', 'webgpu', 16);
    expect(r.device).toBe('webgpu');
    expect(r.ok).toBe(16);
    expect(r.maxAbsDiff).toBeLessThan(1e-5);
  });

  test('a missing model folder is a clear InputError in the browser', async ({ page, consoleLines: _ }) => {
    const r = await callPage<RuntimeApi, 'missingModel'>(page, 'runtime', 'missingModel');
    expect(r).toMatchObject({ name: 'InputError', code: 'model-not-found', isInputError: true });
    expect(r.message).toContain('no-such-model');
  });
});

test('without a WebGPU adapter: auto falls back to wasm, webgpu is a BackendError that says what to do', async ({ page, consoleLines: _ }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await openPage(page, 'runtime');
  expect(await callPage<RuntimeApi, 'tryResolve'>(page, 'runtime', 'tryResolve', 'auto')).toEqual({ device: 'wasm' });
  const r = await callPage<RuntimeApi, 'tryResolve'>(page, 'runtime', 'tryResolve', 'webgpu');
  expect(r).toMatchObject({ name: 'BackendError', code: 'webgpu-unavailable' });
  expect(r.message).toMatch(/'wasm'/);
});

test('no request leaves the test server', async ({ page, consoleLines: _ }) => {
  const foreign: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!['localhost', '127.0.0.1'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:') foreign.push(req.url());
  });
  await openPage(page, 'runtime');
  await callPage<RuntimeApi, 'smoke'>(page, 'runtime', 'smoke', 'wasm', {});
  await callPage<RuntimeApi, 'oneCopy'>(page, 'runtime', 'oneCopy');
  expect(foreign).toEqual([]);
});
