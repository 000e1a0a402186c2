/**
 * `<gradscope-explain>` from the CDN bundle, with its work in the library's worker: from page
 * load to result no main-thread task over 200 ms (long-task observer), progress that moves
 * (download bytes, graphs, sessions, path points) and shows a stage and a percentage, Cancel
 * within 250 ms with the element usable afterwards, one `gradscope-error` per failure, and one
 * console line naming the COOP/COEP headers on a page that is not cross-origin isolated.
 *
 * The same page with `runtime="main-thread"` is measured too, as the "before" number.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const REPO = resolve(import.meta.dirname, '../..');
const TEXT = 'I love you, I like you';

interface PageLog {
  longTasks: { start: number; duration: number }[];
  events: { type: string; step?: string; file?: string; fraction?: number | null; done?: number; total?: number; code?: string; t: number }[];
  /** How late a 20 ms interval timer fired, at worst (ms). */
  worstTimerLag: number;
}

/** A page with one element; the observers are installed before the bundle loads. */
function pageHtml(attrs: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>explain</title>
<script>
  window.__log = { longTasks: [], events: [], worstTimerLag: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__log.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  for (const type of ['gradscope-progress', 'gradscope-result', 'gradscope-error']) {
    document.addEventListener(type, (e) => {
      const d = e.detail || {};
      window.__log.events.push({ type, step: d.step, file: d.file, fraction: d.fraction, done: d.done, total: d.total, code: d.code, t: performance.now() });
    });
  }
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    window.__log.worstTimerLag = Math.max(window.__log.worstTimerLag, now - last - 20);
    last = now;
  }, 20);
</script>
<script type="module" src="/cdn/gradscope.js"></script></head>
<body><gradscope-explain ${attrs}></gradscope-explain></body></html>`;
}

const log = (page: Page): Promise<PageLog> => page.evaluate(() => (window as unknown as { __log: PageLog }).__log);
const status = (page: Page): Promise<string> => page.evaluate(() => (document.querySelector('gradscope-explain') as HTMLElement & { status: string }).status);

async function waitForStatus(page: Page, wanted: string[]): Promise<string> {
  await page.waitForFunction((w) => w.includes((document.querySelector('gradscope-explain') as HTMLElement & { status: string }).status), wanted, { timeout: 170_000 });
  return status(page);
}

function blocking(tasks: PageLog['longTasks']): { longest: number; total: number } {
  return { longest: Math.max(0, ...tasks.map((t) => t.duration)), total: tasks.reduce((s, t) => s + Math.max(0, t.duration - 50), 0) };
}

test.describe('<gradscope-explain> in a worker (CDN bundle)', () => {
  let out = '';
  let server: StaticServer;
  const pages: Record<string, string> = {
    '/worker.html': pageHtml(`task="text-classification" model="/models/distilbert-sst2" device="wasm" n-steps="8" text="${TEXT}"`),
    '/main-thread.html': pageHtml(`task="text-classification" model="/models/distilbert-sst2" device="wasm" n-steps="8" runtime="main-thread" text="${TEXT}"`),
    // Chunks of 2 rows: progress moves 2 path points at a time.
    '/progress.html': pageHtml(`task="text-classification" model="/models/distilbert-sst2" device="wasm" n-steps="8" options='{"internalBatchSize": 2}' text="${TEXT}"`),
    // 75 chunks of 8 rows: cancelled between chunks.
    '/long.html': pageHtml(`task="text-classification" model="/models/distilbert-sst2" device="wasm" n-steps="600" options='{"internalBatchSize": 8}' text="${TEXT}"`),
    // One chunk of 1500 rows: cancelled while onnxruntime runs it (the worker is ended and restarted).
    '/one-chunk.html': pageHtml(`task="text-classification" model="/models/distilbert-sst2" device="wasm" n-steps="1500" options='{"internalBatchSize": 1500}' text="${TEXT}"`),
    '/missing.html': pageHtml(`task="text-classification" model="/models/no-such-model" device="wasm" text="${TEXT}"`),
    '/missing-main-thread.html': pageHtml(`task="text-classification" model="/models/no-such-model" device="wasm" runtime="main-thread" text="${TEXT}"`),
  };

  test.beforeAll(async () => {
    out = process.env.GRADSCOPE_CDN_PREBUILT ?? mkdtempSync(join(tmpdir(), 'gradscope-cdn-worker-'));
    if (!process.env.GRADSCOPE_CDN_PREBUILT) {
      execFileSync('npx', ['vite', 'build', '--mode', 'cdn', '--logLevel', 'error'], { cwd: REPO, env: { ...process.env, GRADSCOPE_CDN_OUT: out }, stdio: 'pipe' });
    }
    server = await startStaticServer({ mounts: { '/cdn/': out, '/models/': join(REPO, 'test/fixtures/models') }, pages });
  });
  test.afterAll(async () => {
    await server?.close();
    if (out && !process.env.GRADSCOPE_CDN_PREBUILT) rmSync(out, { recursive: true, force: true });
  });

  test('the worker file is emitted next to gradscope.js and loaded from there', () => {
    expect(existsSync(join(out, 'explain.worker.js'))).toBe(true);
    // It holds no Node-only code and no inlined wasm (the .wasm file beside it is used).
    const js = readFileSync(join(out, 'explain.worker.js'), 'utf8');
    expect(js).not.toMatch(/from\s*["']node:|import\(["'](node:|onnxruntime-node|fs|sharp)["']\)|require\(["']/);
    expect(js.length).toBeLessThan(4 * 2 ** 20);
  });

  /** Loads `path`, explains, and measures the main thread (long tasks by wall time; CPU time per task from a trace). */
  async function measure(page: Page, path: string): Promise<{ wall: { longest: number; total: number }; cpuLongest: number; timerLag: number; tasks: PageLog['longTasks'] }> {
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser');
    await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'] });
    await page.goto(`${server.origin}${path}`);
    await waitForStatus(page, ['ready', 'error']);
    await page.locator('gradscope-explain button[type="submit"]').click();
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    await page.waitForTimeout(500); // the result's layout and paint
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: { name: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }[] };
    const main = new Set(trace.traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const cpu = trace.traceEvents.filter((e) => e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`)).map((e) => (e.tdur ?? 0) / 1000);
    const l = await log(page);
    return { wall: blocking(l.longTasks), cpuLongest: Math.max(0, ...cpu), timerLag: l.worstTimerLag, tasks: l.longTasks };
  }

  test('page load to result: no main-thread task over 200 ms (worker); main-thread runtime measured for comparison', async ({ page, consoleLines }) => {
    // Long tasks are wall time: on a loaded machine a 5 ms task can be descheduled for 300 ms.
    // So: CPU time of every main-thread task must stay under 200 ms on every try, and the
    // long-task observer's wall time on the best of three page loads.
    const tries: Awaited<ReturnType<typeof measure>>[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await measure(page, '/worker.html');
      tries.push(m);
      expect(m.cpuLongest, `CPU time of the longest main-thread task, try ${i + 1}`).toBeLessThanOrEqual(200);
      if (m.wall.longest <= 200) break;
    }
    expect(server.requests).toContain('/cdn/explain.worker.js');
    expect(server.requests).toContain('/cdn/ort-wasm-simd-threaded.asyncify.wasm');
    const main = await measure(page, '/main-thread.html');
    const best = tries.reduce((a, b) => (b.wall.longest < a.wall.longest ? b : a));
    const fmt = (m: typeof best): string =>
      `longest task ${m.wall.longest.toFixed(0)} ms (CPU ${m.cpuLongest.toFixed(0)} ms), total blocking ${m.wall.total.toFixed(0)} ms, worst 20 ms timer lag ${m.timerLag.toFixed(0)} ms`;
    console.log(`page load to result (distilbert-sst2, wasm, 8 steps), tries ${tries.length}:\n  worker:      ${tries.map(fmt).join('\n               ')}\n  main-thread: ${fmt(main)}`);
    expect(best.wall.longest, JSON.stringify(best.tasks)).toBeLessThanOrEqual(200);
    // The observer does see long tasks: the same work on the main thread makes them.
    expect(main.cpuLongest).toBeGreaterThan(200);
    // Not cross-origin isolated: one line per page saying which headers would enable threads.
    expect(consoleLines.filter((l) => l.includes('Cross-Origin-Embedder-Policy: require-corp')).length).toBe(tries.length);
  });

  test('progress moves through download, graph building, sessions and path points; the element shows stage and percentage', async ({ page, consoleLines: _ }) => {
    await page.goto(`${server.origin}/progress.html`);
    await waitForStatus(page, ['ready', 'error']);
    // Every text the progress row shows, as the element renders it.
    await page.evaluate(() => {
      const el = document.querySelector('gradscope-explain') as HTMLElement;
      const shown: string[] = ((window as unknown as { __shown: string[] }).__shown = []);
      new MutationObserver(() => {
        const t = el.shadowRoot?.querySelector('.gs-progress:not([hidden]) .gs-hint')?.textContent;
        if (t && shown.at(-1) !== t) shown.push(t);
      }).observe(el.shadowRoot as ShadowRoot, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.locator('gradscope-explain button[type="submit"]').click();
    await waitForStatus(page, ['done', 'error']);
    const shown = await page.evaluate(() => (window as unknown as { __shown: string[] }).__shown);
    expect(await status(page)).toBe('done');
    const events = (await log(page)).events.filter((e) => e.type === 'gradscope-progress');
    const downloads = events.filter((e) => e.step === 'download' && typeof e.fraction === 'number');
    expect(downloads.some((e) => e.fraction === 1), 'a file downloaded to 100%').toBe(true);
    const steps = events.map((e) => e.step);
    for (const s of ['download', 'build', 'session', 'explain']) expect(steps, s).toContain(s);
    // The model's files arrive before the graphs are built (ORT's wasm follows with the first session).
    const modelFiles = events.map((e, i) => [e, i] as const).filter(([e]) => e.step === 'download' && e.file?.startsWith('/models/'));
    expect(modelFiles.length).toBeGreaterThan(0);
    expect(Math.max(...modelFiles.map(([, i]) => i))).toBeLessThan(steps.indexOf('build'));
    const rows = events.filter((e) => e.step === 'explain' && e.total);
    expect(new Set(rows.map((e) => e.done)).size, 'distinct path-point counts').toBeGreaterThan(2);
    expect(rows.at(-1)?.done).toBe(rows.at(-1)?.total);
    const text = shown.join(' | ');
    expect(shown.some((t) => t.startsWith('Building the gradient graphs')), text).toBe(true);
    expect(shown.some((t) => t.startsWith('Creating sessions')), text).toBe(true);
    expect(shown.some((t) => /^Integrating: \d+ \/ \d+ path points, \d+%$/.test(t)), text).toBe(true);
  });

  for (const [path, when] of [['/long.html', 'between chunks'], ['/one-chunk.html', 'during a run']] as const) {
    test(`Cancel ${when} takes effect within 250 ms; the element explains again afterwards`, async ({ page, consoleLines: _ }) => {
      await page.goto(`${server.origin}${path}`);
      await waitForStatus(page, ['ready', 'error']);
      await page.locator('gradscope-explain button[type="submit"]').click();
      // Wait until integration runs (graphs built, sessions created), then cancel.
      const started = when === 'between chunks' ? 1 : 0;
      await page.waitForFunction((n) => (window as unknown as { __log: PageLog }).__log.events.some((e) => e.step === 'explain' && e.total && (e.done ?? 0) >= n), started, { timeout: 120_000 });
      if (when === 'during a run') await page.waitForTimeout(100);
      const ms = await page.evaluate(async () => {
        const el = document.querySelector('gradscope-explain') as HTMLElement & { status: string };
        const button = el.shadowRoot?.querySelector('button[data-kind="cancel"]') as HTMLButtonElement;
        if (el.status !== 'running') return -1;
        const t0 = performance.now();
        button.click();
        while (el.status === 'running') await new Promise((r) => setTimeout(r, 1));
        return performance.now() - t0;
      });
      console.log(`Cancel ${when} to idle: ${ms.toFixed(1)} ms`);
      expect(ms, 'still running when Cancel was clicked').toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(250);
      expect(await status(page)).toBe('ready');
      await expect(page.locator('gradscope-explain [role="status"]')).toHaveText('Cancelled.');
      const eventsAtCancel = (await log(page)).events.length;
      await page.waitForTimeout(400);
      // Nothing of the cancelled run reaches the page afterwards.
      expect((await log(page)).events.slice(eventsAtCancel).filter((e) => e.type !== 'gradscope-progress' || e.step === 'explain')).toEqual([]);
      await page.evaluate(() => {
        const el = document.querySelector('gradscope-explain') as HTMLElement & { nSteps: number; options: unknown };
        el.nSteps = 4;
        el.options = {};
      });
      await page.locator('gradscope-explain button[type="submit"]').click();
      expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    });
  }

  for (const runtime of ['worker', 'main-thread'] as const) {
    test(`one gradscope-error per failure (${runtime})`, async ({ page, consoleLines: _ }) => {
      await page.goto(`${server.origin}/${runtime === 'worker' ? 'missing' : 'missing-main-thread'}.html`);
      expect(await waitForStatus(page, ['error'])).toBe('error');
      await page.waitForTimeout(300);
      const errors = async (): Promise<PageLog['events']> => (await log(page)).events.filter((e) => e.type === 'gradscope-error');
      expect((await errors()).map((e) => e.code)).toEqual(['model-not-found']);
      // Explain retries the load: a second failure, a second event (not two).
      await page.locator('gradscope-explain button[type="submit"]').click();
      await page.waitForFunction(() => (window as unknown as { __log: PageLog }).__log.events.filter((e) => e.type === 'gradscope-error').length >= 2, undefined, { timeout: 60_000 });
      await page.waitForTimeout(300);
      expect((await errors()).map((e) => e.code)).toEqual(['model-not-found', 'model-not-found']);
    });
  }
});
