/**
 * `<gradscope-generation>` in Chromium, fed with a result built from the gpt2-tiny captum
 * reference (with one hostile token): colours of the selected target's row, selection by click
 * and keyboard, the select event, escaping, ARIA.
 */
import fs from 'node:fs';
import type { TextGenerationResult } from '../../src/explainers/text/generation/types.js';
import { generationMatrix } from '../../src/viz/generation-matrix.js';
import { toRgbString } from '../../src/viz/text-colors.js';
import { callPage, expect, openPage, test } from './helpers.js';
import type { GenerationApi } from './pages/generation.js';

interface LmReference { prompt: string; prompt_ids: number[]; prompt_tokens: string[]; target_ids: number[]; target_tokens: string[]; target_log_probs: number[]; token_attr: number[][]; seq_attr: number[] }

function result(): TextGenerationResult {
  const ref = JSON.parse(fs.readFileSync('test/fixtures/reference/gpt2-tiny/target_text.json', 'utf8')) as LmReference;
  const targetTokens = ref.target_tokens.map((t) => t.replace('Ġ', ''));
  targetTokens[1] = '<img src=x onerror="window.__pwned=1">';
  return {
    task: 'text-generation',
    prompt: ref.prompt,
    generatedText: targetTokens.join(''),
    promptIds: ref.prompt_ids,
    promptTokens: ref.prompt_tokens.map((t) => t.replace('Ġ', '')),
    targetIds: ref.target_ids,
    targetTokens,
    tokenAttributions: ref.token_attr,
    sequenceAttributions: ref.seq_attr,
    targetLogProbs: ref.target_log_probs,
    delta: ref.target_ids.map(() => 0),
    attributedPositions: 'captum',
    nSteps: 50,
    modelRuns: { generation: 0, attribution: 3 },
  };
}

test('gradscope-generation: colours, selection by click and keyboard, escaping', async ({ page, consoleLines }) => {
  void consoleLines;
  await openPage(page, 'components');
  const r = result();
  await page.evaluate((json) => {
    const el = document.createElement('gradscope-generation') as HTMLElement & { result: unknown };
    el.id = 'gen';
    el.result = JSON.parse(json);
    el.addEventListener('gradscope-target-select', (e) => ((window as unknown as { __sel: unknown[] }).__sel ??= []).push((e as CustomEvent).detail));
    document.getElementById('stage')?.append(el);
  }, JSON.stringify(r));
  const host = page.locator('#gen');
  const targets = host.locator('.gs-target');
  await expect(targets).toHaveCount(r.targetTokens.length);
  await expect(host.locator('tbody tr')).toHaveCount(r.targetTokens.length);

  // Target 0 selected: prompt token j painted with the matrix colour of row 0.
  const m = generationMatrix(r);
  const sources = host.locator('.gs-src');
  for (const j of [0, 3, r.promptTokens.length - 1]) {
    await expect(sources.nth(j)).toHaveCSS('background-color', toRgbString(m.cells[0][j].background));
  }

  // Click target 4: selected, event fired with its scores, prompt recoloured with row 4.
  await targets.nth(4).click();
  await expect(targets.nth(4)).toHaveAttribute('aria-selected', 'true');
  await expect(sources.nth(0)).toHaveCSS('background-color', toRgbString(m.cells[4][0].background));
  const sel = await page.evaluate(() => (window as unknown as { __sel: { index: number; scores: number[] }[] }).__sel);
  expect(sel.at(-1)?.index).toBe(4);
  expect(sel.at(-1)?.scores).toEqual(r.tokenAttributions[4]);

  // Keyboard: arrows and End move the selection and the focus.
  await page.keyboard.press('ArrowRight');
  await expect(targets.nth(5)).toHaveAttribute('aria-selected', 'true');
  await expect(targets.nth(5)).toBeFocused();
  await page.keyboard.press('End');
  await expect(targets.nth(r.targetTokens.length - 1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(targets.nth(0)).toBeFocused();

  // The hostile token is text, never markup.
  await expect(targets.nth(1)).toHaveText(r.targetTokens[1]);
  expect(await host.locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(host.locator('[part="colorbar"]')).toHaveAttribute('role', 'img');
  await expect(host.locator('[role="listbox"]')).toHaveAttribute('aria-label', /Generated tokens/);
});

for (const model of ['gpt2-tiny', 'llama-tiny']) {
  for (const device of ['wasm', 'webgpu'] as const) {
    test(`${model} generate_5 on ${device}: captum numbers within 1e-3`, async ({ page, consoleLines }) => {
      void consoleLines;
      await openPage(page, 'generation');
      const r = await callPage<GenerationApi, 'captumCase'>(page, 'generation', 'captumCase', model, device);
      expect(r.targetIds).toEqual(r.refTargetIds);
      expect(r.maxDiff).toBeLessThan(1e-3);
      console.log(`${model} ${device}: max abs diff ${r.maxDiff.toExponential(2)}, ${r.ms.toFixed(0)} ms`);
    });
  }
}
