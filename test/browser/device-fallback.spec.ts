/**
 * Issue 13: with WebGPU unavailable, device 'auto' falls back to wasm, says so ONCE on the
 * console, and what runs reports 'wasm'. navigator.gpu is hidden before the page loads.
 */
import { callPage, expect, openPage, test } from './helpers.js';
import type { RuntimeApi } from './pages/runtime.js';

test("without WebGPU, 'auto' runs on wasm with one warning", async ({ page, consoleLines }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await openPage(page, 'runtime');
  expect(await callPage<RuntimeApi, 'resolve'>(page, 'runtime', 'resolve', 'auto')).toBe('wasm');
  expect(await callPage<RuntimeApi, 'resolve'>(page, 'runtime', 'resolve', 'auto')).toBe('wasm');
  const r = await callPage<RuntimeApi, 'smoke'>(page, 'runtime', 'smoke', 'auto', {});
  expect(r.device).toBe('wasm');
  expect(r.executionProviders).toEqual(['wasm']);
  expect(r.maxAbsDiff).toBeLessThan(1e-5);
  const warnings = consoleLines.filter((l) => /^warning: .*WebGPU is not available/.test(l));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain("device 'auto' runs on wasm");
});
