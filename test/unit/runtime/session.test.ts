import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, BackendError, ModelError } from '../../../src/errors.js';
import { anchorModelBytes } from '../../../src/runtime/anchor-model.js';
import { loadOrt } from '../../../src/runtime/ort.js';
import { createSession, sessionOptionsFor, type Session } from '../../../src/runtime/session.js';

const sessions: Session[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

describe('createSession / Session', () => {
  it('builds ORT options per device', async () => {
    const rt = await loadOrt('wasm');
    expect(sessionOptionsFor(rt)).toEqual({ executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const data = new Uint8Array([1, 2]);
    expect(
      sessionOptionsFor(rt, {
        graphOptimizationLevel: 'disabled',
        externalData: [{ path: 'model.onnx_data', data }],
        reportPlacement: true,
        disableCpuFallback: true,
        sessionOptions: { intraOpNumThreads: 1 },
      }),
    ).toEqual({
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'disabled',
      externalData: [{ path: 'model.onnx_data', data }],
      logSeverityLevel: 0,
      extra: { session: { disable_cpu_ep_fallback: '1' } },
      intraOpNumThreads: 1,
    });
  });

  for (const device of ['cpu', 'wasm'] as const) {
    it(`creates, runs through the queue, selects fetches and releases (${device})`, async () => {
      const s = await createSession(anchorModelBytes(), { device });
      expect(s.device).toBe(device);
      expect(s.inputNames).toEqual(['x']);
      expect(s.outputNames).toEqual(['y']);
      const outs = await Promise.all([1, 2, 3].map((v) => s.run({ x: s.tensor('float32', new Float32Array([v]), [1]) }, ['y'])));
      expect(await Promise.all(outs.map(async (o) => (await o.y!.getData())[0]))).toEqual([1, 2, 3]);
      await s.release();
      await expect(s.run({ x: s.tensor('float32', new Float32Array([1]), [1]) })).rejects.toMatchObject({ code: 'session-released' });
    });
  }

  it('garbage bytes are a ModelError', async () => {
    const err = await createSession(new Uint8Array([1, 2, 3, 4, 5]), { device: 'wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
  });

  it('a bad feed is a BackendError that names the device', async () => {
    const s = await createSession(new Uint8Array(readFileSync('test/fixtures/models/distilbert-sst2/onnx/model.onnx')), { device: 'cpu' });
    sessions.push(s);
    const err = await s.run({ input_ids: s.tensor('float32', new Float32Array([1]), [1, 1]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).message).toContain('cpu');
  });

  it('an aborted signal cancels creation and runs', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(createSession(anchorModelBytes(), { device: 'wasm', signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    const s = await createSession(anchorModelBytes(), { device: 'wasm' });
    sessions.push(s);
    await expect(s.run({ x: s.tensor('float32', new Float32Array([1]), [1]) }, undefined, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
