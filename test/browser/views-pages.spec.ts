/**
 * The demo and the static example with the views: axe-core finds no violations (light and
 * dark, with a result shown), the display controls reach the result element, and the static
 * example shows each task's view inside a <main> landmark.
 */
import type { Page } from '@playwright/test';
import { DEMO_TASKS } from '../../demo/tasks.js';
import { expect, test } from './helpers.js';
import { axeViolations } from './axe.js';

async function axe(page: Page, label: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

test('demo: a result in the task view, display controls applied, axe clean in both themes', async ({ page }) => {
  await page.goto('/demo/index.html?task=text-classification&device=wasm&steps=4');
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('gradscope-explain button[type="submit"]').click();
  await page.waitForFunction(() => (document.querySelector('gradscope-explain') as (HTMLElement & { status: string }) | null)?.status === 'done', undefined, { timeout: 170_000 });
  const view = page.locator('gradscope-explain gradscope-sequence');
  await expect(view).toHaveCount(1);
  // Words on the text by default; the Show control switches to tokens.
  await expect(view.locator('gradscope-tokens .gs-word').first()).toBeVisible();
  await page.selectOption('#display-granularity', 'tokens');
  await expect(view.locator('gradscope-tokens .gs-word')).toHaveCount(0);
  await page.check('#display-hide-special');
  const tokens = await view.locator('gradscope-tokens .gs-token').allTextContents();
  expect(tokens.some((t) => t.startsWith('[CLS]') || t.startsWith('[SEP]'))).toBe(false);
  await page.selectOption('#display-view', 'table');
  await expect(page.locator('gradscope-explain gradscope-table')).toHaveCount(1);
  await page.selectOption('#display-view', 'auto');
  await page.selectOption('#display-granularity', 'words');
  await axe(page, 'demo light');
  await page.selectOption('#display-theme', 'dark');
  await expect(page.locator('gradscope-explain gradscope-sequence')).toHaveAttribute('theme', 'dark');
  await axe(page, 'demo dark');
});

test('static example: each task view inside <main>, axe clean', async ({ page }) => {
  await page.goto('/demo/static-example.html');
  await expect(page.locator('main')).toHaveCount(1);
  const expected = DEMO_TASKS.length;
  await expect(page.locator('main > section')).toHaveCount(expected);
  for (const tag of ['gradscope-sequence', 'gradscope-labels', 'gradscope-qa', 'gradscope-token-matrix', 'gradscope-image']) {
    expect(await page.locator(tag).count(), tag).toBeGreaterThan(0);
  }
  await page.waitForTimeout(300);
  await axe(page, 'static example');
});
