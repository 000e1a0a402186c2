import { expect, openPage, test } from './helpers.js';
test('tmp: unqueued concurrent runs', async ({ page }) => {
  await openPage(page, 'runtime');
  const r = await page.evaluate(async () => {
    const { createSession } = await import('/src/runtime/session.ts' as string);
    const bytes = new Uint8Array(await (await fetch('/test/fixtures/models/distilbert-sst2/onnx/model.onnx')).arrayBuffer());
    const s = await createSession(bytes, { device: 'webgpu' });
    const ids = [2, 51, 454, 784, 16, 51, 441, 784, 3];
    const t = () => new s.ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 9]);
    const m = () => new s.ort.Tensor('int64', BigInt64Array.from(ids, () => 1n), [1, 9]);
    const res = await Promise.allSettled(Array.from({ length: 16 }, () => s.inner.run({ input_ids: t(), attention_mask: m() })));
    const out = [];
    for (const x of res) out.push(x.status === 'fulfilled' ? Array.from(await x.value.logits.getData()).join(',') : 'ERR ' + String(x.reason).slice(0, 100));
    return out;
  });
  console.log(r.join('\n'));
  expect(1).toBe(1);
});
