/**
 * Playwright helpers for gradscope's browser tests.
 *
 * - `test`: Playwright's `test` with a `consoleLines` fixture (every console message of the
 *   page) and a guard that fails the test on any uncaught page error.
 * - `openPage(page, name)`: go to `/test/browser/pages/<name>.html` and wait for its API.
 * - `callPage(page, name, method, ...args)`: call `method` of that API in the page (typed
 *   through the page module's exported API type).
 * - `expectWebGpuUsed(report)`: fail unless a session really ran on the WebGPU EP.
 */
import { test as base, expect, type Page } from '@playwright/test';
import type { Placement } from '../../src/runtime/placement.js';
import type { PageApi } from './pages/expose.js';

export { expect };

export const test = base.extend<{ consoleLines: string[] }>({
  consoleLines: async ({ page }, use) => {
    const lines: string[] = [];
    const errors: string[] = [];
    page.on('console', (msg) => lines.push(`${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
    await use(lines);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

/** Open a test page and wait until it has exposed its API. */
export async function openPage(page: Page, name: string): Promise<void> {
  await page.goto(`/test/browser/pages/${name}.html`);
  await page.waitForFunction((n) => Boolean(window.__gradscopePages?.[n]), name, { timeout: 60_000 });
}

type Fn = (...args: never[]) => unknown;

/** Call `method` of the API that page `name` exposed; arguments and result go through JSON. */
export async function callPage<Api extends PageApi, K extends keyof Api & string>(
  page: Page,
  name: string,
  method: K,
  ...args: Api[K] extends Fn ? Parameters<Api[K]> : never
): Promise<Api[K] extends Fn ? Awaited<ReturnType<Api[K]>> : never> {
  return page.evaluate(
    async ([n, m, a]) => {
      const api = window.__gradscopePages?.[n];
      const fn = api?.[m] as ((...xs: unknown[]) => unknown) | undefined;
      if (!fn) throw new Error(`page API ${n}.${m} not found`);
      return fn(...a);
    },
    [name, method, args as unknown[]] as const,
  ) as never;
}

/** What a page reports about a session it created with device 'webgpu'. */
export interface WebGpuReport {
  device: string;
  executionProviders: string[];
  placement: Placement | undefined;
  webgpu?: { hasWebGpu: boolean; adapter: string | null; ortDevice: boolean };
}

/**
 * Fail unless the session ran on WebGPU: the device resolved to 'webgpu', the session was
 * created with exactly ['webgpu'] (no wasm fallback EP), and ORT placed nodes on the WebGPU EP
 * (needs `reportPlacement: true`), including at least one MatMul.
 */
export function expectWebGpuUsed(report: WebGpuReport): void {
  expect(report.device, 'device').toBe('webgpu');
  expect(report.executionProviders, 'execution providers').toEqual(['webgpu']);
  if (report.webgpu) {
    expect(report.webgpu.hasWebGpu, 'navigator.gpu adapter').toBe(true);
    expect(report.webgpu.ortDevice, 'ort.env.webgpu.device').toBe(true);
  }
  const placement = report.placement;
  expect(placement, 'EP placement (create the session with reportPlacement: true)').toBeDefined();
  const gpu = placement?.byProvider.WebGpuExecutionProvider;
  expect(gpu?.count ?? 0, 'nodes on WebGpuExecutionProvider').toBeGreaterThan(0);
  expect(placement?.byProvider.JsExecutionProvider, 'JSEP must not be used').toBeUndefined();
  if (gpu && gpu.nodes.length > 0) {
    expect(gpu.nodes.some((n) => n.opType === 'MatMul' || n.opType === 'FusedMatMul' || n.opType === 'Gemm'), 'a MatMul on WebGPU').toBe(true);
  }
}
