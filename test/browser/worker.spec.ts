/**
 * The explain worker (src/worker): the same numbers as the in-process explainer, progress
 * that moves through every stage, and cancellation that takes effect at once and leaves the
 * explainer usable.
 */
import { callPage, expect, openPage, test } from './helpers.js';
import type { api } from './pages/worker.js';
import { standInHub } from './stand-in-hub.js';

type Api = typeof api;
const TEXT = 'I love you, I like you';

test.describe('explain worker', () => {
  test.beforeEach(async ({ page }) => {
    await openPage(page, 'worker');
  });

  test('same attributions as the main-thread explainer; progress: download per file, build, session, explain chunks', async ({ page, consoleLines: _ }) => {
    const inWorker = await callPage<Api, 'explainText'>(page, 'worker', 'explainText', 'distilbert-sst2', TEXT, 8, 'worker');
    const inPage = await callPage<Api, 'explainText'>(page, 'worker', 'explainText', 'distilbert-sst2', TEXT, 8, 'main-thread');
    expect(inWorker.runtime).toBe('worker');
    expect(inPage.runtime).toBe('main-thread');
    expect(inWorker.device).toBe('wasm');
    const a = inWorker.result.wordAttributions;
    const b = inPage.result.wordAttributions;
    expect(a.map(([t]) => t)).toEqual(b.map(([t]) => t));
    a.forEach(([, s], i) => expect(Math.abs(s - (b[i]?.[1] ?? NaN)), `token ${i}`).toBeLessThan(1e-5));
    // Loading reports bytes per file, ending with the whole model file.
    const onnx = inWorker.load.filter((l) => l.startsWith('download /test/fixtures/models/distilbert-sst2/onnx/model.onnx'));
    expect(onnx.length, inWorker.load.join('\n')).toBeGreaterThan(0);
    const [got, total] = (onnx.at(-1) ?? '').split(' ').at(-1)?.split('/') ?? [];
    expect(Number(got)).toBeGreaterThan(0);
    expect(got).toBe(total);
    // The first call builds, creates sessions, then integrates chunk by chunk (8 steps, 2 rows per chunk).
    const stages = inWorker.run.map((l) => l.split(' ')[0]);
    expect(stages[0]).toBe('build');
    expect(stages).toContain('session');
    expect(stages.indexOf('session')).toBeLessThan(stages.indexOf('explain'));
    const explainLines = inWorker.run.filter((l) => l.startsWith('explain'));
    expect(explainLines.length, inWorker.run.join('\n')).toBeGreaterThanOrEqual(4);
    expect(explainLines.at(-1)).toBe('explain 8/8');
  });

  test('cancel takes effect within 250 ms, and the explainer works afterwards', async ({ page, consoleLines: _ }) => {
    const r = await callPage<Api, 'cancelAndReuse'>(page, 'worker', 'cancelAndReuse', 'distilbert-sst2', TEXT);
    console.log(`cancel latency: ${r.cancelMs.toFixed(1)} ms`);
    expect(r.errorName).toBe('AbortError');
    expect(r.chunksBeforeCancel).toBe(1);
    expect(r.cancelMs).toBeLessThan(250);
    expect(r.afterwards).toBeGreaterThan(0);
  });

  test('a WebGPU device lost during a call: the call completes on wasm with one warning', async ({ page, consoleLines: _ }) => {
    const r = await callPage<Api, 'deviceLoss'>(page, 'worker', 'deviceLoss', 'distilbert-sst2', TEXT);
    const wasm = await callPage<Api, 'explainText'>(page, 'worker', 'explainText', 'distilbert-sst2', TEXT, 64, 'worker');
    expect(r.before).toBe('webgpu');
    expect(r.after).toBe('wasm');
    expect(r.warnings.filter((w) => w.includes('WebGPU device was lost'))).toHaveLength(1);
    const a = r.result.wordAttributions;
    const b = wasm.result.wordAttributions;
    expect(a.length).toBe(b.length);
    a.forEach(([, s], i) => expect(Math.abs(s - (b[i]?.[1] ?? NaN)), `token ${i}`).toBeLessThan(1e-5));
  });

  test('second visit: Hub model files come from Cache Storage; clearModelCache() empties it', async ({ page, consoleLines: _ }) => {
    // A stand-in Hub: huggingface.co answered from the fixture folder, every request counted.
    const hub: string[] = [];
    await standInHub(page, hub);
    const id = 'gradscope-test/distilbert-sst2';
    const onnx = (): number => hub.filter((p) => p.endsWith('/onnx/model.onnx')).length;
    await callPage<Api, 'clearModelCache'>(page, 'worker', 'clearModelCache');
    const first = await callPage<Api, 'loadHub'>(page, 'worker', 'loadHub', id, TEXT);
    expect(onnx(), hub.join('\n')).toBeGreaterThan(0);
    const downloaded = hub.length;
    await page.reload();
    await page.waitForFunction(() => Boolean(window.__gradscopePages?.['worker']));
    const second = await callPage<Api, 'loadHub'>(page, 'worker', 'loadHub', id, TEXT);
    console.log(`Hub model load: first visit ${first.loadMs.toFixed(0)} ms (+ first call ${first.firstCallMs.toFixed(0)} ms), second visit ${second.loadMs.toFixed(0)} ms (+ ${second.firstCallMs.toFixed(0)} ms)`);
    expect(hub.slice(downloaded), 'requests to the Hub on the second visit').toEqual([]);
    expect(second.tokens).toBe(first.tokens);
    expect(await callPage<Api, 'clearModelCache'>(page, 'worker', 'clearModelCache')).toBe(true);
    await callPage<Api, 'loadHub'>(page, 'worker', 'loadHub', id, TEXT);
    expect(onnx()).toBeGreaterThan(1);
  });

  test('image classification: a page-relative image URL, attributions back as a Float32Array equal to the main thread\'s', async ({ page, consoleLines: _ }) => {
    const image = '../../fixtures/reference/test.png'; // relative to the page, not to the worker script
    const w = await callPage<Api, 'explainImage'>(page, 'worker', 'explainImage', 'vit', image, 'worker');
    const m = await callPage<Api, 'explainImage'>(page, 'worker', 'explainImage', 'vit', image, 'main-thread');
    expect(w.isFloat32).toBe(true);
    expect(w.length).toBe(w.shape.reduce((a, b) => a * b, 1));
    expect(w.predicted).toBe(m.predicted);
    expect(w.maxAbs).toBeGreaterThan(0);
    expect(Math.abs(w.sum - m.sum)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(m.sum)));
    expect(Math.abs(w.maxAbs - m.maxAbs)).toBeLessThanOrEqual(1e-5 * m.maxAbs);
  });
});
