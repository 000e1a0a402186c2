/**
 * Issue 13: an abort at any moment of a run rejects with gradscope's AbortError (code
 * 'aborted'), never a DOMException: before the model loads, before the explanation starts,
 * while the first session is being created, between integration chunks, and inside the
 * automatic step count.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors.js';
import { abortError } from '../../../src/attribution/ig.js';
import { SequenceClassificationExplainer } from '../../../src/explainers/text/sequence-classification.js';
import { loadModelBytes } from '../../../src/runtime/transformers.js';
import { MODELS_DIR } from '../text-reference-fixtures.js';

const MODEL = path.join(MODELS_DIR, 'bert-3class');

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

function expectGradscopeAbort(e: unknown): void {
  expect(e).toBeInstanceOf(AbortError);
  expect(e instanceof DOMException).toBe(false);
  expect((e as AbortError).code).toBe('aborted');
}

describe('abort at any moment rejects with gradscope AbortError', () => {
  let ex: SequenceClassificationExplainer | undefined;
  afterAll(async () => {
    await ex?.dispose();
  });

  it('before the model bytes are read', async () => {
    const c = new AbortController();
    c.abort();
    expectGradscopeAbort(await rejection(loadModelBytes(MODEL, { localOnly: true, signal: c.signal })));
  });

  it('before the explanation starts (an already aborted signal)', async () => {
    ex = await SequenceClassificationExplainer.fromPretrained(MODEL, { device: 'cpu', localOnly: true });
    const c = new AbortController();
    c.abort();
    expectGradscopeAbort(await rejection(ex.explain('I love you', { nSteps: 8, signal: c.signal })));
  });

  it('right after the call, while sessions are created and the first chunk runs', async () => {
    const fresh = await SequenceClassificationExplainer.fromPretrained(MODEL, { device: 'cpu', localOnly: true });
    try {
      const c = new AbortController();
      const run = fresh.explain('The movie was fine.', { nSteps: 20, internalBatchSize: 2, signal: c.signal });
      setTimeout(() => c.abort(), 0);
      expectGradscopeAbort(await rejection(run));
    } finally {
      await fresh.dispose();
    }
  });

  it('between integration chunks (from the progress callback)', async () => {
    const c = new AbortController();
    let calls = 0;
    const run = ex?.explain('I love you', {
      nSteps: 20,
      internalBatchSize: 2,
      signal: c.signal,
      onProgress: () => {
        calls++;
        c.abort(new DOMException('user closed the tab', 'AbortError'));
      },
    });
    const e = await rejection(run ?? Promise.resolve());
    expectGradscopeAbort(e);
    expect((e as AbortError).cause).toBeInstanceOf(DOMException);
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  it('while a session run is in flight (a timer aborts in the middle of 100 sequential runs)', async () => {
    const c = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = ex?.explain('I love you', {
      nSteps: 100,
      internalBatchSize: 1,
      signal: c.signal,
      onProgress: (done) => {
        if (done === 3) timer = setTimeout(() => c.abort(), 1);
      },
    });
    expectGradscopeAbort(await rejection(run ?? Promise.resolve()));
    clearTimeout(timer);
  });

  it("the integration loop's abort error wraps the signal's DOMException reason", () => {
    const c = new AbortController();
    c.abort();
    expect(c.signal.reason).toBeInstanceOf(DOMException);
    const e = abortError(c.signal);
    expectGradscopeAbort(e);
    expect(e.cause).toBe(c.signal.reason);
    const mine = new AbortError('stop');
    const c2 = new AbortController();
    c2.abort(mine);
    expect(abortError(c2.signal)).toBe(mine);
  });

  it('inside the automatic step count', async () => {
    const c = new AbortController();
    const run = ex?.explain('I love you', { nSteps: 'auto', signal: c.signal, onProgress: () => c.abort() });
    expectGradscopeAbort(await rejection(run ?? Promise.resolve()));
  });
});
