/**
 * `<gradscope-explain dtype>` in the browser (wasm): the q8 file of the distilbert-sst2
 * variant explains, predicting what fp32 predicts; a dtype the folder lacks shows the typed
 * error naming the dtypes it has (found with HEAD requests, the dev server's HTML fallback
 * counting as missing).
 */
import { expect, openPage, test } from './helpers.js';

const MODEL = '/test/fixtures/variants/distilbert-sst2';

interface Outcome {
  status: string;
  error: string;
  predicted?: number;
  explained?: string;
}

test('gradscope-explain loads the file of its dtype', async ({ page, consoleLines: _ }) => {
  await openPage(page, 'components');
  const run = (dtype: string): Promise<Outcome> =>
    page.evaluate(
      async ([model, d]) => {
        const el = document.createElement('gradscope-explain') as HTMLElement & {
          model: string; dtype: string; device: string; text: string; nSteps: number; status: string;
          explain(): Promise<{ predictedClassIndex?: number } | undefined>; updateComplete: Promise<boolean>;
        };
        Object.assign(el, { model, dtype: d, device: 'wasm', text: 'a fine film', nSteps: 4 });
        document.body.append(el);
        await el.updateComplete;
        const result = await el.explain().catch(() => undefined);
        await el.updateComplete;
        const out = { status: el.status, error: el.shadowRoot?.querySelector('[role="alert"]')?.textContent ?? '', predicted: result?.predictedClassIndex };
        el.remove();
        return out;
      },
      [MODEL, dtype] as const,
    );
  const fp32 = await run('fp32');
  expect(fp32.error).toBe('');
  const q8 = await run('q8');
  expect(q8.error).toBe('');
  expect(q8.status).toBe('done');
  expect(q8.predicted).toBe(fp32.predicted);
  const missing = await run('bnb4');
  expect(missing.status).toBe('error');
  expect(missing.error).toContain('It has: fp32, fp16, q8, q4.');
});
