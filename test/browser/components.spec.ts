/**
 * The Lit elements in Chromium, fed with result objects built from the reference JSON of
 * every task. Checks colours against captum's formula, image pixels against the viz
 * functions, escaping, keyboard reach with tooltips, and ARIA labels.
 */
import type { Page } from '@playwright/test';
import type { ExplanationResult, ImageClassificationResult, SequenceClassificationResult } from '../../src/types.js';
import { visualizeImageResult } from '../../src/viz/image.js';
import { formatPredicted, tableRows } from '../../src/viz/table-rows.js';
import { encodeTensor } from '../../src/viz/tensor-codec.js';
import { captumColor, toRgbString } from '../../src/viz/text-colors.js';
import { tokenAriaLabel } from '../../components/tokens.js';
import {
  imageResult,
  multiLabelResult,
  qaResult,
  sequenceResult,
  tokenClassificationResult,
  zeroShotResult,
} from '../unit/viz-fixture-results.js';
import { callPage, expect, openPage, test } from './helpers.js';
import type { ComponentsApi } from './pages/components.js';

type Via = 'property' | 'attribute' | 'script';

const TEXT_CASES: [string, () => ExplanationResult][] = [
  ['text-classification (distilbert-sst2)', () => sequenceResult()],
  ['text-pair-classification (minilm-cross-encoder)', () => sequenceResult('minilm-cross-encoder', 'flip_sign_true')],
  ['multi-label (distilroberta-emotion)', () => multiLabelResult()],
  ['zero-shot (bert-nli)', () => zeroShotResult()],
  ['zero-shot (deberta-nli)', () => zeroShotResult('deberta-nli')],
  ['question-answering (bert-squad)', () => qaResult()],
  ['token-classification (bert-ner)', () => tokenClassificationResult()],
];
const VIAS: Via[] = ['property', 'attribute', 'script'];

function toJson(result: ExplanationResult): string {
  if ('attributions' in result && 'shape' in result) {
    const img = result as ImageClassificationResult;
    return JSON.stringify({
      ...img,
      attributions: encodeTensor(img.attributions, img.shape),
      pixelValues: img.pixelValues ? encodeTensor(img.pixelValues, img.shape) : undefined,
    });
  }
  return JSON.stringify(result);
}

async function mount(page: Page, tag: string, result: ExplanationResult, attrs: Record<string, string> = {}, via: Via = 'property'): Promise<string> {
  return callPage<ComponentsApi, 'mount'>(page, 'components', 'mount', tag, toJson(result), attrs, via);
}

function extremes(scores: number[]): { pos: number; neg: number } {
  let pos = 0;
  let neg = 0;
  scores.forEach((s, i) => {
    if (s > (scores[pos] ?? 0)) pos = i;
    if (s < (scores[neg] ?? 0)) neg = i;
  });
  return { pos, neg };
}

/** A token's visible text (its spoken score, visually hidden, left out). */
async function shownText(token: ReturnType<Page['locator']>): Promise<string> {
  return token.evaluate((e) => [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join(''));
}

test.describe('gradscope elements', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', (d) => {
      throw new Error(`a dialog opened: ${d.message()}`);
    });
    await openPage(page, 'components');
  });

  TEXT_CASES.forEach(([name, make], caseIndex) => {
    const via = VIAS[caseIndex % VIAS.length] as Via;
    test(`table, ${name}, result via ${via}: one row per target, captum colours`, async ({ page, consoleLines: _ }) => {
      const result = make();
      const rows = tableRows(result);
      const id = await mount(page, 'gradscope-table', result, {}, via);
      const host = page.locator(`#${id}`);
      await expect(host.locator('tbody tr')).toHaveCount(rows.length);
      await expect(host.locator('.gs-legend')).toContainText('Negative');
      // Columns that are n/a (or empty) in every row are left out; Delta appears when known.
      const heads = [
        ...(rows.every((r) => r.trueLabel === 'n/a') ? [] : ['True Label']),
        ...(rows.every((r) => ['', 'n/a'].includes(formatPredicted(r))) ? [] : ['Predicted Label']),
        'Attribution Label',
        'Attribution Score',
        ...(rows.some((r) => r.delta !== undefined) ? ['Delta'] : []),
        'Word Importance',
      ];
      await expect(host.locator('th')).toHaveText(heads);
      const row0 = rows[0];
      if (!row0) throw new Error('no rows');
      await expect(host.locator('tbody tr').first().locator('td').nth(heads.indexOf('Attribution Label'))).toHaveText(row0.attributionLabel);
      const { pos, neg } = extremes(row0.wordAttributions.map(([, s]) => s));
      const tokens = host.locator('tbody tr').first().locator('gradscope-tokens .gs-token');
      await expect(tokens).toHaveCount(row0.wordAttributions.length);
      for (const i of [pos, neg]) {
        const score = row0.wordAttributions[i]?.[1] ?? NaN;
        const bg = await tokens.nth(i).evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(bg, `token ${i} score ${score}`).toBe(toRgbString(captumColor(score)));
      }
      expect(row0.wordAttributions[pos]?.[1]).toBeGreaterThan(0);
      expect(row0.wordAttributions[neg]?.[1]).toBeLessThan(0);
    });

    test(`tokens, ${name}: keyboard reachable, tooltip on focus, ARIA labels`, async ({ page, consoleLines: _ }) => {
      const result = make();
      const row0 = tableRows(result)[0];
      if (!row0) throw new Error('no rows');
      const id = await mount(page, 'gradscope-tokens', result, {}, via);
      const host = page.locator(`#${id}`);
      const tokens = host.locator('.gs-token');
      const n = row0.wordAttributions.length;
      await expect(tokens).toHaveCount(n);
      await expect(host.locator('[role="group"]')).toHaveAttribute('aria-label', 'Word importance');
      await expect(host.locator('[role="listbox"], [role="option"], [aria-selected]')).toHaveCount(0);
      // Tab lands on the first token (roving tabindex: exactly one token is in the tab order).
      await expect(host.locator('.gs-token[tabindex="0"]')).toHaveCount(1);
      await page.locator('body').focus();
      await page.keyboard.press('Tab');
      const events: number[] = [];
      await page.exposeFunction(`__tokenFocus${caseIndex}`, (i: number) => events.push(i));
      await page.evaluate(([hostId, fn]) => {
        document.getElementById(hostId)?.addEventListener('gradscope-token-focus', (e) => {
          (window as unknown as Record<string, (i: number) => void>)[fn]?.((e as CustomEvent<{ index: number }>).detail.index);
        });
      }, [id, `__tokenFocus${caseIndex}`] as const);
      const tooltip = host.locator('[role="tooltip"]');
      for (let i = 0; i < n; i++) {
        if (i > 0) await page.keyboard.press('ArrowRight');
        const [token, score] = row0.wordAttributions[i] ?? ['', NaN];
        const t = tokens.nth(i);
        await expect(t).toBeFocused();
        await expect(t.locator('.gs-visually-hidden')).toHaveText(tokenAriaLabel(token, score).replace(/^token .*?(, attribution)/s, '$1'));
        await expect(tooltip).toBeVisible();
        await expect(tooltip).toContainText(score.toFixed(4));
        await expect(t).toHaveAttribute('aria-describedby', /gradscope-tip-/);
      }
      await page.keyboard.press('Home');
      await expect(tokens.first()).toBeFocused();
      await page.keyboard.press('End');
      await expect(tokens.nth(n - 1)).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(tooltip).toBeHidden();
      await tokens.first().hover();
      await expect(tooltip).toBeVisible();
      await expect.poll(() => events.length).toBeGreaterThanOrEqual(n - 1);
    });
  });

  test('token and label text renders as text, never as markup', async ({ page, consoleLines: _ }) => {
    const EVIL = '<img src=x onerror=alert(1)>';
    const base = sequenceResult();
    const evil: SequenceClassificationResult = {
      ...base,
      wordAttributions: [['[CLS]', 0], [EVIL, 0.6], ['<script>alert(2)</script>', -0.4], ['[SEP]', 0]],
      predictedClassName: EVIL,
      attributionClassName: EVIL,
      trueLabel: '<b id="bold">x</b>',
    };
    for (const via of VIAS) {
      for (const tag of ['gradscope-table', 'gradscope-tokens']) {
        const id = await mount(page, tag, evil, { 'special-tokens': 'raw' }, via);
        expect(await shownText(page.locator(`#${id} .gs-token`).nth(1))).toBe(EVIL);
      }
    }
    const table = page.locator('gradscope-table').first();
    await expect(table.locator('tbody td').nth(1)).toHaveText(`${EVIL} (0.51)`);
    await expect(table.locator('th').first()).toHaveText('True Label');
    // Playwright's CSS engine pierces open shadow roots: no element was created from the text.
    await expect(page.locator('img')).toHaveCount(0);
    await expect(page.locator('#bold')).toHaveCount(0);
    await expect(page.locator('.gs-token script, td script, [role="tooltip"] script')).toHaveCount(0);
    // Only the JSON children we put there (via 'script'), the Vite client and the page module.
    expect(await page.evaluate(() => document.querySelectorAll('script:not([type="application/json"])').length)).toBeLessThanOrEqual(2);
  });

  test('merge-subwords joins word pieces', async ({ page, consoleLines: _ }) => {
    const id = await mount(page, 'gradscope-tokens', tokenClassificationResult(), { 'merge-subwords': '' });
    const texts = await page.locator(`#${id} .gs-token`).evaluateAll((els) =>
      els.map((e) => [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('')),
    );
    expect(texts).toContain('emmanuel');
    expect(texts).toContain('macron');
    expect(texts).not.toContain('##man');
  });

  test('diverging scale uses the d3 scheme', async ({ page, consoleLines: _ }) => {
    const result = sequenceResult();
    const id = await mount(page, 'gradscope-tokens', result, { scale: 'diverging', scheme: 'PiYG' });
    const { pos } = extremes(result.wordAttributions.map(([, s]) => s));
    const bg = await page.locator(`#${id} .gs-token`).nth(pos).evaluate((el) => getComputedStyle(el).backgroundColor);
    const { divergingColorScale } = await import('../../src/viz/text-colors.js');
    expect(bg).toBe(toRgbString(divergingColorScale('PiYG')(result.wordAttributions[pos]?.[1] ?? 0)));
  });

  const POINTS: [number, number][] = [
    [0, 0],
    [100, 100],
    [37, 190],
    [223, 223],
    [112, 5],
  ];
  const pick = (data: Uint8ClampedArray, width: number, [x, y]: [number, number]): number[] => Array.from(data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));

  for (const [method, sign, extra] of [
    ['heatmap', 'all', {}],
    ['heatmap', 'positive', {}],
    ['overlay', 'all', { pixels: 'processed' }],
    ['masked_image', 'negative', { pixels: 'processed' }],
  ] as const) {
    test(`image ${method} / ${sign}: canvas pixels equal the viz functions`, async ({ page, consoleLines: _ }) => {
      const result = imageResult();
      const id = await mount(page, 'gradscope-image', result, { method, sign, 'outlier-threshold': '0.1', ...extra }, 'script');
      const want = visualizeImageResult(result, { method, sign, outlierPerc: 10, useOriginalImagePixels: false }).panel;
      const got = await callPage<ComponentsApi, 'canvasPixels'>(page, 'components', 'canvasPixels', id, 'canvas.gs-panel', POINTS);
      expect(got).toEqual(POINTS.map((p) => pick(want.data, want.width, p)));
      await expect(page.locator(`#${id} figcaption`)).toContainText('triangle');
      await expect(page.locator(`#${id} canvas.gs-panel`)).toHaveAttribute('role', 'img');
      await expect(page.locator(`#${id} canvas.gs-panel`)).toHaveAttribute('aria-label', /Attributions for class triangle/);
      if (method === 'heatmap' || method === 'overlay') await expect(page.locator(`#${id} .gs-colorbar`)).toBeVisible();
    });
  }

  test('image side by side, sign fallback warning, controls', async ({ page, consoleLines: _ }) => {
    const result = imageResult();
    const id = await mount(page, 'gradscope-image', result, { method: 'alpha_scaling', sign: 'all', 'side-by-side': '', pixels: 'processed', controls: '' }, 'attribute');
    const host = page.locator(`#${id}`);
    await expect(host.locator('canvas.gs-original')).toHaveCount(1);
    await expect(host.locator('.gs-warning')).toContainText("using 'positive'");
    const want = visualizeImageResult(result, { method: 'alpha_scaling', sign: 'positive', useOriginalImagePixels: false }).original;
    if (!want) throw new Error('no original');
    const got = await callPage<ComponentsApi, 'canvasPixels'>(page, 'components', 'canvasPixels', id, 'canvas.gs-original', POINTS);
    expect(got).toEqual(POINTS.map((p) => pick(want.data, want.width, p)));
    await host.getByLabel('Method').selectOption('heatmap');
    await expect(host).toHaveAttribute('method', 'heatmap');
    await expect(host.locator('.gs-colorbar')).toBeVisible();
  });
});
