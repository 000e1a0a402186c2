/**
 * The one global queue that serialises ONNX Runtime work.
 *
 * Two `session.run()` calls in flight at the same time crash or corrupt the native WebGPU EP
 * of onnxruntime-web (and "Session already started" on wasm), so EVERY `run()` and every
 * session creation in gradscope goes through {@link enqueue}. Tasks run one after another
 * in the order they were queued; a failing task does not stop the ones behind it.
 *
 * The queue lives on `globalThis` (under `Symbol.for('gradscope.runQueue')`), so two copies
 * of the library in one page still share it.
 *
 * @module
 */
import { AbortError, throwIfAborted } from '../errors.js';

/** Options of {@link RunQueue.enqueue}. */
export interface EnqueueOptions {
  /** Cancels the task if it has not started yet (a started task runs to its end). */
  signal?: AbortSignal;
}

/** A FIFO promise queue that runs one task at a time. */
export class RunQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private running = false;

  /** Number of tasks queued or running. */
  get size(): number {
    return this.waiting + (this.running ? 1 : 0);
  }

  /**
   * Run `task` after every task queued before it has settled.
   *
   * @returns the task's result.
   * @throws {AbortError} if `options.signal` aborts before the task starts.
   */
  enqueue<T>(task: () => Promise<T> | T, options: EnqueueOptions = {}): Promise<T> {
    const { signal } = options;
    try {
      throwIfAborted(signal);
    } catch (err) {
      return Promise.reject(err);
    }
    this.waiting++;
    let cancelled = false;
    let started = false;
    let rejectEarly: ((err: unknown) => void) | undefined;
    const onAbort = (): void => {
      if (started) return;
      cancelled = true;
      rejectEarly?.(new AbortError('The queued ONNX Runtime task was aborted before it started.', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const result = this.tail.then(async () => {
      this.waiting--;
      signal?.removeEventListener('abort', onAbort);
      if (cancelled) throw new AbortError('The queued ONNX Runtime task was aborted before it started.', { cause: signal?.reason });
      started = true;
      this.running = true;
      try {
        return await task();
      } finally {
        this.running = false;
      }
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    if (!signal) return result;
    // Reject at once on abort (the slot is skipped when its turn comes).
    const early = new Promise<never>((_, reject) => {
      rejectEarly = reject;
    });
    result.catch(() => undefined);
    return Promise.race([result, early]);
  }

  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.tail;
  }
}

const KEY = Symbol.for('gradscope.runQueue');

/** The process-wide (page-wide) queue. */
export function globalQueue(): RunQueue {
  const holder = globalThis as { [KEY]?: RunQueue };
  holder[KEY] ??= new RunQueue();
  return holder[KEY];
}

/** Queue `task` on the global queue. See {@link RunQueue.enqueue}. */
export function enqueue<T>(task: () => Promise<T> | T, options?: EnqueueOptions): Promise<T> {
  return globalQueue().enqueue(task, options);
}
