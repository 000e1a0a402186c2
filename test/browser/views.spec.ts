/**
 * The per-task views in Chromium: words painted on the caller's text, the ranked labels, the
 * QA answer in its context, the token-classification matrix, the table's columns, dark mode
 * contrast, theme changes, phone widths, keyboard use and axe-core (zero violations).
 * Structure and computed styles, no pixel snapshots.
 */
import type { Page } from '@playwright/test';
import type { ExplanationResult, ImageClassificationResult, QuestionAnsweringResult, SequenceClassificationResult } from '../../src/types.js';
import { answerSpan, rankedLabels } from '../../src/viz/summary.js';
import { captumColor, contrastRatio, themeRamp, toRgbString } from '../../src/viz/text-colors.js';
import { encodeTensor } from '../../src/viz/tensor-codec.js';
import { imageResult } from '../unit/viz-fixture-results.js';
import { axeViolations } from './axe.js';
import { callPage, expect, openPage, test } from './helpers.js';
import type { ComponentsApi } from './pages/components.js';
import {
  multiLabelWithWords,
  pairWithWords,
  qaWithWords,
  sequenceWithWords,
  tokenClassificationWithWords,
  zeroShotWithWords,
} from './views-results.js';

async function mount(page: Page, tag: string, result: ExplanationResult | object, attrs: Record<string, string> = {}): Promise<string> {
  return callPage<ComponentsApi, 'mount'>(page, 'components', 'mount', tag, JSON.stringify(result), attrs, 'property');
}

function imageJson(): object {
  const r: ImageClassificationResult = imageResult();
  return { ...r, attributions: encodeTensor(r.attributions, r.shape), pixelValues: r.pixelValues ? encodeTensor(r.pixelValues, r.shape) : undefined };
}

/** Text of an element inside `#id`'s shadow tree (nested shadow roots pierced), without the visually hidden parts. */
async function visibleText(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.gs-visually-hidden, .gs-segment').forEach((n) => n.remove());
      return copy.textContent ?? '';
    }),
  );
}

test.describe('views', () => {
  test.beforeEach(async ({ page }) => {
    await openPage(page, 'components');
  });

  test('sequence: words painted on the text as typed, coloured by their summed scores', async ({ page }) => {
    const r = await sequenceWithWords();
    const id = await mount(page, 'gradscope-sequence', r);
    const text = page.locator(`#${id} gradscope-tokens .gs-text`);
    await expect(text).toHaveCount(1);
    expect(await visibleText(page, `#${id} gradscope-tokens .gs-text`)).toEqual([r.texts?.[0]]);
    const words = page.locator(`#${id} gradscope-tokens .gs-word`);
    await expect(words).toHaveCount(r.words?.length ?? -1);
    const shown = await words.evaluateAll((els) => els.map((e) => ({ score: Number(e.getAttribute('data-score')), bg: getComputedStyle(e).backgroundColor })));
    shown.forEach((s, i) => {
      expect(s.score).toBeCloseTo(r.words?.[i]?.score ?? NaN, 12);
      expect(s.bg).toBe(toRgbString(captumColor(s.score)));
    });
    await expect(page.locator(`#${id} .gs-summary`)).toContainText(r.predictedClassName);
    await expect(page.locator(`#${id} [part="convergence"]`)).toContainText('Delta');
    const auto: SequenceClassificationResult = { ...r, autoSteps: { nSteps: 13, evaluations: 29, converged: false, stoppedBy: 'schedule-end', errorEstimate: 0.02 } };
    const aid = await mount(page, 'gradscope-sequence', auto);
    await expect(page.locator(`#${aid} [part="convergence"]`)).toContainText('Auto steps: 13 (29 evaluations), not converged');
  });

  test('sequence: granularity="tokens" shows one chip per token; pairs name their two texts', async ({ page }) => {
    const r = await sequenceWithWords();
    const id = await mount(page, 'gradscope-sequence', r, { granularity: 'tokens' });
    await expect(page.locator(`#${id} gradscope-tokens .gs-word`)).toHaveCount(0);
    await expect(page.locator(`#${id} gradscope-tokens .gs-token`)).toHaveCount(r.tokens.length);
    const pair = await pairWithWords();
    const pid = await mount(page, 'gradscope-sequence', pair);
    expect(await page.locator(`#${pid} gradscope-tokens .gs-text`).evaluateAll((els) => els.map((e) => e.getAttribute('data-segment')))).toEqual(['0', '1']);
    expect(await page.locator(`#${pid} gradscope-tokens .gs-segment`).allTextContents()).toEqual(['Text', 'Text pair']);
    expect(await visibleText(page, `#${pid} gradscope-tokens .gs-text`)).toEqual(pair.texts?.map((t) => ` ${t}`));
  });

  test('words: arrow keys move between words, read-only words are not listbox options', async ({ page }) => {
    const r = await sequenceWithWords();
    const id = await mount(page, 'gradscope-sequence', r);
    await expect(page.locator(`#${id} [role="listbox"], #${id} [role="option"], #${id} [aria-selected]`)).toHaveCount(0);
    await page.locator(`#${id} gradscope-tokens .gs-word`).first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate((hostId) => {
      const tokens = document.getElementById(hostId)?.shadowRoot?.querySelector('gradscope-tokens');
      return (tokens?.shadowRoot?.activeElement as HTMLElement | null)?.dataset.index ?? null;
    }, id);
    expect(focused).toBe('2');
    await expect(page.locator(`#${id} gradscope-tokens [role="tooltip"]`)).toBeVisible();
  });

  test('zero-shot: ranked labels, winner marked, choosing a label shows its attributions', async ({ page }) => {
    const r = await zeroShotWithWords();
    const id = await mount(page, 'gradscope-labels', r);
    const buttons = page.locator(`#${id} .gs-label-button`);
    const ranked = rankedLabels(r);
    await expect(buttons).toHaveCount(ranked.length);
    expect(await buttons.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')))).toEqual(ranked.map((l) => l.label));
    await expect(buttons.first()).toHaveClass(/gs-winner/);
    expect(ranked[0]?.label).toBe(r.predictedLabel);
    await expect(buttons.first()).toHaveAttribute('aria-pressed', 'true');
    // Keyboard: Tab to the second label, Enter chooses it.
    await buttons.first().focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(buttons.nth(1)).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator(`#${id} .gs-section-title`)).toContainText(ranked[1]?.label ?? '?');
    const shownScores = await page.locator(`#${id} gradscope-tokens .gs-word`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
    expect(shownScores).toEqual((r.words?.[ranked[1]?.label ?? ''] ?? []).map((w) => w.score));
  });

  test('multi-label: every label ranked by its sigmoid, those >= 0.5 marked predicted', async ({ page }) => {
    const r = await multiLabelWithWords();
    const id = await mount(page, 'gradscope-labels', r);
    const names = await page.locator(`#${id} .gs-label-button`).evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
    const probs = names.map((n) => r.labelProbabilities[n ?? ''] ?? NaN);
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
    const predicted = await page.locator(`#${id} .gs-label-name`).allTextContents();
    predicted.forEach((t, i) => expect(t.includes('predicted'), `${names[i]}`).toBe((probs[i] ?? 0) >= 0.5));
  });

  test('question answering: the answer marked in the context, start and end labelled; end < start says why it is empty', async ({ page }) => {
    const r = await qaWithWords();
    const id = await mount(page, 'gradscope-qa', r);
    await expect(page.locator(`#${id} mark.gs-answer`)).toHaveText(answerSpan(r).text);
    expect(answerSpan(r).text.length).toBeGreaterThan(0);
    await expect(page.locator(`#${id} [data-boundary="start"] .gs-section-title`)).toContainText(`Start: ${r.tokens[r.startPosition]} at position ${r.startPosition}`);
    await expect(page.locator(`#${id} [data-boundary="end"] .gs-section-title`)).toContainText(`End: ${r.tokens[r.endPosition]} at position ${r.endPosition}`);
    await expect(page.locator(`#${id} [data-boundary="end"] gradscope-tokens .gs-text`)).toHaveCount(2);
    const empty: QuestionAnsweringResult = { ...r, startPosition: r.endPosition, endPosition: r.startPosition };
    const eid = await mount(page, 'gradscope-qa', empty);
    await expect(page.locator(`#${eid} mark.gs-answer`)).toHaveCount(0);
    await expect(page.locator(`#${eid} [role="note"]`)).toContainText('the answer is empty');
  });

  test('token classification: a matrix with a colour bar; a row (click or arrows) drills into its words', async ({ page }) => {
    const r = await tokenClassificationWithWords();
    const id = await mount(page, 'gradscope-token-matrix', r);
    const rows = page.locator(`#${id} .gs-matrix tbody tr`);
    await expect(rows).toHaveCount(r.wordAttributions.length);
    await expect(rows.first().locator('.gs-cell')).toHaveCount(r.tokens.length);
    await expect(page.locator(`#${id} [part="colorbar"] [role="img"]`)).toBeVisible();
    const cell = await rows.nth(2).locator('.gs-cell').nth(3).evaluate((e) => ({ s: Number(e.getAttribute('data-score')), bg: getComputedStyle(e).backgroundColor }));
    expect(cell.s).toBeCloseTo(r.wordAttributions[2]?.attributions[3]?.[1] ?? NaN, 12);
    expect(cell.bg).toBe(toRgbString(captumColor(cell.s)));
    const third = r.wordAttributions[2];
    await page.locator(`#${id} .gs-row-button`).nth(2).click();
    await expect(page.locator(`#${id} [part="detail"] .gs-section-title`)).toContainText(`${third?.token} (position ${third?.index})`);
    await page.keyboard.press('ArrowDown');
    await expect(page.locator(`#${id} .gs-row-button`).nth(3)).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator(`#${id} .gs-row-button`).nth(3)).toBeFocused();
    const words = await page.locator(`#${id} [part="detail"] gradscope-tokens .gs-word`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
    expect(words).toEqual((r.wordAttributions[3]?.words ?? []).map((w) => w.score));
  });

  test('table: all-n/a columns hidden, delta shown; image: original beside the heat map with controls, end ticks not clipped', async ({ page }) => {
    const r = await sequenceWithWords();
    const id = await mount(page, 'gradscope-table', r);
    expect(await page.locator(`#${id} th`).allTextContents()).toEqual(['Predicted Label', 'Attribution Label', 'Attribution Score', 'Delta', 'Word Importance']);
    const withTruth: SequenceClassificationResult = { ...r, trueLabel: 'POSITIVE' };
    const tid = await mount(page, 'gradscope-table', withTruth);
    await expect(page.locator(`#${tid} th`).first()).toHaveText('True Label');
    const iid = await mount(page, 'gradscope-image', imageJson(), { controls: '', 'side-by-side': '', pixels: 'processed' });
    await expect(page.locator(`#${iid} canvas`)).toHaveCount(2);
    await expect(page.locator(`#${iid} select`)).toHaveCount(2);
    const boxes = await page.locator(`#${iid}`).evaluate((host) => {
      const root = host.shadowRoot as ShadowRoot;
      const bar = root.querySelector('.gs-colorbar')?.getBoundingClientRect();
      const ticks = [...root.querySelectorAll('.gs-ticks span')].map((t) => t.getBoundingClientRect());
      return { bar: bar ? [bar.left, bar.right] : [], first: ticks[0]?.left ?? NaN, last: ticks.at(-1)?.right ?? NaN };
    });
    expect(boxes.first).toBeGreaterThanOrEqual((boxes.bar[0] ?? 0) - 0.5);
    expect(boxes.last).toBeLessThanOrEqual((boxes.bar[1] ?? 0) + 0.5);
  });

  test('dark: near-zero words fade into the background, every word keeps >= 4.5:1; a theme change re-renders', async ({ page }) => {
    const r = await zeroShotWithWords();
    const id = await mount(page, 'gradscope-labels', r, { theme: 'dark' });
    const words = await page.locator(`#${id} gradscope-tokens .gs-word`).evaluateAll((els) =>
      els.map((e) => ({ s: Number(e.getAttribute('data-score')), bg: getComputedStyle(e).backgroundColor, fg: getComputedStyle(e).color })),
    );
    const hostBg = await page.locator(`#${id}`).evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(words.length).toBeGreaterThan(5);
    for (const w of words) {
      expect(contrastRatio(w.fg, w.bg), `word with score ${w.s}`).toBeGreaterThanOrEqual(4.5);
      if (Math.abs(w.s) < 0.05) expect(contrastRatio(w.bg, hostBg), `near-zero ${w.s} fades`).toBeLessThan(1.15);
    }
    // Light -> dark on an element that already shows a result.
    const s = await sequenceWithWords();
    const sid = await mount(page, 'gradscope-sequence', s, { theme: 'light' });
    const first = page.locator(`#${sid} gradscope-tokens .gs-word`).first();
    const score = Number(await first.getAttribute('data-score'));
    await expect(first).toHaveCSS('background-color', toRgbString(captumColor(score)));
    await page.locator(`#${sid}`).evaluate((e) => e.setAttribute('theme', 'dark'));
    await expect(first).toHaveCSS('background-color', toRgbString(themeRamp('dark')(score)));
  });

  for (const width of [360, 390]) {
    test(`phones (${width} px): no view overflows; table rows become cards`, async ({ page }) => {
      await page.setViewportSize({ width, height: 800 });
      const all: [string, ExplanationResult | object, Record<string, string>][] = [
        ['gradscope-sequence', await pairWithWords(), {}],
        ['gradscope-labels', await multiLabelWithWords(), {}],
        ['gradscope-qa', await qaWithWords(), {}],
        ['gradscope-token-matrix', await tokenClassificationWithWords(), {}],
        ['gradscope-table', await multiLabelWithWords(), {}],
        ['gradscope-image', imageJson(), { controls: '', 'side-by-side': '', pixels: 'processed' }],
      ];
      for (const [tag, result, attrs] of all) {
        await callPage<ComponentsApi, 'clear'>(page, 'components', 'clear');
        const id = await mount(page, tag, result, attrs);
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(w, `${tag} page width`).toBeLessThanOrEqual(width);
        if (tag === 'gradscope-table') {
          await expect(page.locator(`#${id} .gs-table tr[part="row"]`).first()).toHaveCSS('display', 'block');
          // Each legend swatch sits on the line of its label.
          const tops = await page.locator(`#${id} .gs-legend-item`).evaluateAll((els) =>
            els.map((e) => {
              const sw = e.querySelector('.gs-swatch')?.getBoundingClientRect();
              const box = e.getBoundingClientRect();
              return sw ? Math.abs(sw.top + sw.height / 2 - (box.top + box.height / 2)) : 99;
            }),
          );
          for (const d of tops) expect(d).toBeLessThan(6);
        }
      }
    });
  }

  test('axe-core: no violations on every view, light and dark', async ({ page }) => {
    for (const theme of ['light', 'dark']) {
      await callPage<ComponentsApi, 'clear'>(page, 'components', 'clear');
      await mount(page, 'gradscope-sequence', await pairWithWords(), { theme });
      await mount(page, 'gradscope-labels', await zeroShotWithWords(), { theme });
      await mount(page, 'gradscope-qa', await qaWithWords(), { theme });
      await mount(page, 'gradscope-token-matrix', await tokenClassificationWithWords(), { theme });
      await mount(page, 'gradscope-table', await multiLabelWithWords(), { theme });
      await mount(page, 'gradscope-image', imageJson(), { theme, controls: '', 'side-by-side': '', pixels: 'processed' });
      await page.evaluate((t) => {
        document.body.style.background = t === 'dark' ? '#161616' : '#ffffff';
        document.body.style.color = t === 'dark' ? '#ececec' : '#1a1a1a';
        // The bare test page itself needs a heading; the views are what is checked.
        if (!document.querySelector('h1')) document.getElementById('stage')?.prepend(Object.assign(document.createElement('h1'), { textContent: 'Views' }));
      }, theme);
      const violations = await axeViolations(page);
      expect(violations, `${theme}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    }
  });
});
