import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors.js';
import { RunQueue, enqueue, globalQueue } from '../../../src/runtime/queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RunQueue', () => {
  it('runs tasks one at a time, in order', async () => {
    const q = new RunQueue();
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        q.enqueue(async () => {
          active++;
          maxActive = Math.max(maxActive, active);
          await sleep(8 - i);
          order.push(i);
          active--;
          return i * 2;
        }),
      ),
    );
    expect(maxActive).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(q.size).toBe(0);
  });

  it('a failing task does not block the next ones', async () => {
    const q = new RunQueue();
    const a = q.enqueue(() => Promise.reject(new Error('boom')));
    const b = q.enqueue(() => 'ok');
    await expect(a).rejects.toThrow('boom');
    await expect(b).resolves.toBe('ok');
  });

  it('aborting a queued task rejects it at once and skips it', async () => {
    const q = new RunQueue();
    let release!: () => void;
    const blocker = q.enqueue(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let ran = false;
    const cancelled = q.enqueue(() => {
      ran = true;
    }, { signal: controller.signal });
    controller.abort();
    await expect(cancelled).rejects.toBeInstanceOf(AbortError);
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    await sleep(1);
    release();
    await blocker;
    await q.idle();
    expect(ran).toBe(false);
    await expect(q.enqueue(() => 1, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('there is one global queue', async () => {
    expect(globalQueue()).toBe(globalQueue());
    await expect(enqueue(() => 3)).resolves.toBe(3);
  });
});
