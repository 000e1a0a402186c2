/**
 * `<gradscope-explain task="text-generation">` from the CDN bundle with its work in the
 * library's worker (the browser default): the gpt2-tiny fixture generates and explains a
 * prompt, `<gradscope-generation>` shows one selectable token per generated token, the result
 * carries words, and no main-thread task takes over 200 ms of CPU (trace) on any try, nor over
 * 200 ms of wall time (long-task observer) on the best of three page loads: on a loaded
 * machine a short task can be descheduled for longer than that.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const REPO = resolve(import.meta.dirname, '../..');

interface PageLog {
  longTasks: { start: number; duration: number }[];
  result: { task?: string; generatedText?: string; targetIds?: number[]; words?: { text: string }[]; modelRuns?: unknown } | null;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>generation</title>
<script>
  window.__log = { longTasks: [], result: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__log.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('gradscope-result', (e) => { window.__log.result = e.detail && (e.detail.result || e.detail); });
</script>
<script type="module" src="/cdn/gradscope.js"></script></head>
<body><gradscope-explain task="text-generation" model="/models/gpt2-tiny" device="wasm" n-steps="8" options='{"maxNewTokens": 4}' text="Berlin is a city in &lt;b&gt;Germany&lt;/b&gt;"></gradscope-explain></body></html>`;

const status = (page: Page): Promise<string> => page.evaluate(() => (document.querySelector('gradscope-explain') as HTMLElement & { status: string }).status);

test.describe('<gradscope-explain task="text-generation"> in a worker (CDN bundle)', () => {
  let out = '';
  let server: StaticServer;
  test.beforeAll(async () => {
    out = process.env.GRADSCOPE_CDN_PREBUILT ?? mkdtempSync(join(tmpdir(), 'gradscope-cdn-gen-'));
    if (!process.env.GRADSCOPE_CDN_PREBUILT) {
      execFileSync('npx', ['vite', 'build', '--mode', 'cdn', '--logLevel', 'error'], { cwd: REPO, env: { ...process.env, GRADSCOPE_CDN_OUT: out }, stdio: 'pipe' });
    }
    server = await startStaticServer({ mounts: { '/cdn/': out, '/models/': join(REPO, 'test/fixtures/models') }, pages: { '/generation.html': PAGE } });
  });
  test.afterAll(async () => {
    await server?.close();
    if (out && !process.env.GRADSCOPE_CDN_PREBUILT) rmSync(out, { recursive: true, force: true });
  });

  async function measure(page: Page): Promise<{ wallLongest: number; cpuLongest: number; log: PageLog }> {
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser');
    await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'] });
    await page.goto(`${server.origin}/generation.html`);
    await page.waitForFunction(() => ['ready', 'error'].includes((document.querySelector('gradscope-explain') as HTMLElement & { status: string }).status), undefined, { timeout: 170_000 });
    await page.locator('gradscope-explain button[type="submit"]').click();
    await page.waitForFunction(() => ['done', 'error'].includes((document.querySelector('gradscope-explain') as HTMLElement & { status: string }).status), undefined, { timeout: 170_000 });
    expect(await status(page)).toBe('done');
    await page.waitForTimeout(500); // the result's layout and paint
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: { name: string; pid: number; tid: number; tdur?: number; args?: { name?: string } }[] };
    const main = new Set(trace.traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const cpu = trace.traceEvents.filter((e) => e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`)).map((e) => (e.tdur ?? 0) / 1000);
    const log = await page.evaluate(() => (window as unknown as { __log: PageLog }).__log);
    return { wallLongest: Math.max(0, ...log.longTasks.map((t) => t.duration)), cpuLongest: Math.max(0, ...cpu), log };
  }

  test('explains a prompt in the worker, shows <gradscope-generation>, no main-thread task over 200 ms', async ({ page, consoleLines: _ }) => {
    const tries: Awaited<ReturnType<typeof measure>>[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await measure(page);
      tries.push(m);
      expect(m.cpuLongest, `CPU time of the longest main-thread task, try ${i + 1}`).toBeLessThanOrEqual(200);
      if (m.wallLongest <= 200) break;
    }
    expect(server.requests).toContain('/cdn/explain.worker.js');
    const best = tries.reduce((a, b) => (b.wallLongest < a.wallLongest ? b : a));
    console.log(`text-generation in the worker (gpt2-tiny, wasm, 8 steps, 4 tokens), tries ${tries.length}: ${tries.map((t) => `longest task ${t.wallLongest.toFixed(0)} ms wall, ${t.cpuLongest.toFixed(0)} ms CPU`).join('; ')}`);
    expect(best.wallLongest).toBeLessThanOrEqual(200);

    const r = best.log.result;
    expect(r?.task).toBe('text-generation');
    expect(r?.targetIds?.length).toBe(4);
    expect(r?.words?.map((w) => w.text)).toContain('Berlin');
    const targets = page.locator('gradscope-explain gradscope-generation .gs-target');
    await expect(targets).toHaveCount(4);
    // Selecting a target works inside the explain element.
    await targets.nth(2).click();
    await expect(targets.nth(2)).toHaveAttribute('aria-selected', 'true');
    // The prompt's HTML is shown as text, never parsed.
    expect(await page.locator('gradscope-explain gradscope-generation b').count()).toBe(0);
  });
});
