/**
 * Trust beside the explanation, in Chromium: `<gradscope-faithfulness>` renders the numbers
 * and the reading hint with labels as text; `<gradscope-explain progressive evaluate>` paints
 * the gradient x input preview first, then integrated gradients, and shows the faithfulness.
 */
import type { SequenceClassificationResult } from '../../src/types.js';
import { sequenceResult } from '../unit/viz-fixture-results.js';
import { callPage, expect, openPage, test } from './helpers.js';
import type { ComponentsApi } from './pages/components.js';

test('faithfulness element: numbers, hint, labels as text', async ({ page, consoleLines: _ }) => {
  await openPage(page, 'components');
  const EVIL = '<img src=x onerror=alert(1)>';
  const r: SequenceClassificationResult = {
    ...sequenceResult(),
    attributionClassName: EVIL,
    faithfulness: { aopcComprehensiveness: 0.4321, aopcSufficiency: 0.05, tauLoo: null, p: 0.9, curve: [] },
  };
  const id = await callPage<ComponentsApi, 'mount'>(page, 'components', 'mount', 'gradscope-faithfulness', JSON.stringify(r), {}, 'attribute');
  const el = page.locator(`#${id}`);
  await expect(el.locator('tbody th')).toHaveText(EVIL);
  await expect(el.locator('tbody td')).toHaveText(['0.432', '0.050', 'n/a']);
  await expect(el.locator('[part="hint"]')).toContainText('Higher comprehensiveness and lower sufficiency are better');
  await expect(page.locator('img')).toHaveCount(0);
});

test('progressive + evaluate on <gradscope-explain> (wasm): preview, then IG, then the numbers', async ({ page, consoleLines: _ }) => {
  await page.goto('/demo/?task=text-classification&device=wasm&steps=8');
  await page.waitForSelector('body[data-ready="true"]');
  const events = page.evaluate(
    () =>
      new Promise<{ stages: string[]; final: unknown }>((ok) => {
        const stages: string[] = [];
        const el = document.querySelector('gradscope-explain') as HTMLElement & { progressive: boolean; evaluate: boolean };
        el.progressive = true;
        el.evaluate = true;
        el.addEventListener('gradscope-intermediate', (e) => {
          const d = (e as CustomEvent<{ stage: string; result: { progressive?: { final: boolean } } }>).detail;
          stages.push(`${d.stage}:${String(d.result.progressive?.final)}`);
        });
        el.addEventListener('gradscope-result', (e) => ok({ stages, final: (e as CustomEvent<{ result: { progressive?: unknown } }>).detail.result.progressive }), { once: true });
      }),
  );
  await page.locator('gradscope-explain button[type="submit"]').click();
  const { stages, final } = await events;
  expect(stages[0]).toBe('gradient-x-input:false');
  expect(stages.slice(1).every((s) => s === 'integrated-gradients:false')).toBe(true);
  expect(stages.length).toBeGreaterThan(1);
  expect(final).toMatchObject({ final: true, stage: 'integrated-gradients' });
  const faith = page.locator('gradscope-explain gradscope-faithfulness');
  await expect(faith.locator('thead')).toContainText('Comprehensiveness');
  await expect(faith.locator('[part="hint"]')).toBeVisible();
});
