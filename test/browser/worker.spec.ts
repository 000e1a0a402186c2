/**
 * The explain worker (src/worker): the same numbers as the in-process explainer, progress
 * that moves through every stage, and cancellation that takes effect at once and leaves the
 * explainer usable.
 */
import { callPage, expect, openPage, test } from './helpers.js';
import type { api } from './pages/worker.js';

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
});
