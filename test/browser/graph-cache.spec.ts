/**
 * A second visit skips building the gradient graphs: the first load stores them in IndexedDB
 * (keyed by the model file's SHA-256), a reload reads them back (their hit count goes up) and
 * gives the same attributions bit for bit; clearModelCache() empties both the model files'
 * Cache Storage and the stored graphs; a broken IndexedDB costs nothing but the building.
 */
import type { Page } from '@playwright/test';
import { callPage, expect, openPage, test } from './helpers.js';
import { standInHub } from './stand-in-hub.js';
import type { api } from './pages/graph-cache.js';

type Api = typeof api;
const PAGE = 'graph-cache';
const TEXT = 'I love you, I like you';
/** A stand-in Hub id, answered from the fixture folder (Hub files are what Cache Storage keeps). */
const HUB_ID = 'gradscope-test/distilbert-sst2';

async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction((n) => Boolean(window.__gradscopePages?.[n]), PAGE);
}

test.describe('graph cache', () => {
  test.beforeEach(async ({ page }) => {
    await openPage(page, PAGE);
  });

  test('a reload reads the built graphs back (worker and main thread), same attributions; one call clears graphs and files', async ({ page, consoleLines: _ }) => {
    const hub: string[] = [];
    await standInHub(page, hub);
    await callPage<Api, 'clear'>(page, PAGE, 'clear');

    const first = await callPage<Api, 'visit'>(page, PAGE, 'visit', HUB_ID, TEXT, 'worker', 8);
    const stored = await callPage<Api, 'stored'>(page, PAGE, 'stored', 1);
    expect(stored, 'one IG graph stored by the first visit').toHaveLength(1);
    const [graph] = stored;
    expect(graph?.hits).toBe(0);
    expect(graph?.key).toMatch(/^gradscope@\d+\.\d+\.\d+\|[0-9a-f]{64}\|fp32\|as-shipped\|/);
    expect(graph?.size).toBeGreaterThan(1000);

    await reload(page);
    const second = await callPage<Api, 'visit'>(page, PAGE, 'visit', HUB_ID, TEXT, 'worker', 8);
    const afterWorker = await callPage<Api, 'hits'>(page, PAGE, 'hits', 1);
    expect(afterWorker, 'the second visit read the stored graph').toEqual([expect.objectContaining({ key: graph?.key, hits: 1 })]);
    expect(second.words).toEqual(first.words); // the same graph bytes: identical numbers

    const inPage = await callPage<Api, 'visit'>(page, PAGE, 'visit', HUB_ID, TEXT, 'main-thread', 8);
    expect(await callPage<Api, 'hits'>(page, PAGE, 'hits', 2)).toEqual([expect.objectContaining({ key: graph?.key, hits: 2 })]);
    inPage.words.forEach(([t, s], i) => {
      expect(t).toBe(first.words[i]?.[0]);
      expect(Math.abs(s - (first.words[i]?.[1] ?? NaN)), `token ${i}`).toBeLessThan(1e-5);
    });
    console.log(`distilbert-sst2, load to result: first visit ${(first.loadMs + first.firstCallMs).toFixed(0)} ms (load ${first.loadMs.toFixed(0)}), second ${(second.loadMs + second.firstCallMs).toFixed(0)} ms (load ${second.loadMs.toFixed(0)})`);

    const downloads = hub.length;
    const cleared = await callPage<Api, 'clear'>(page, PAGE, 'clear');
    expect(cleared).toEqual({ had: true, graphsLeft: 0, filesCache: false });
    await reload(page);
    const third = await callPage<Api, 'visit'>(page, PAGE, 'visit', HUB_ID, TEXT, 'worker', 8);
    expect(hub.slice(downloads).some((p) => p.endsWith('/onnx/model.onnx')), 'the model file is downloaded again').toBe(true);
    expect(await callPage<Api, 'stored'>(page, PAGE, 'stored', 1), 'the graph is built and stored again').toEqual([expect.objectContaining({ key: graph?.key, hits: 0 })]);
    expect(third.words).toEqual(first.words);
  });

  test('IndexedDB refusing to open: the graphs are built, no error reaches the caller', async ({ page, consoleLines: _ }) => {
    await callPage<Api, 'breakIndexedDb'>(page, PAGE, 'breakIndexedDb');
    const r = await callPage<Api, 'visit'>(page, PAGE, 'visit', '/test/fixtures/models/distilbert-sst2', TEXT, 'main-thread', 4);
    expect(r.words.length).toBeGreaterThan(0);
    expect(r.words.every(([, s]) => Number.isFinite(s))).toBe(true);
  });
});
