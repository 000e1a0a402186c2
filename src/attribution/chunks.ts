/**
 * Splitting the integration steps into batches (captum's `internal_batch_size`), and picking a
 * batch size from a memory budget.
 *
 * @module
 */
import { InputError } from '../errors.js';

/** A contiguous half-open range `[start, end)` of rows. */
export interface ChunkRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Splits `total` rows into contiguous chunks of at most `rowsPerChunk` rows, in order.
 *
 * This is captum's `_batch_attribution` with one example: `step_count = max(1,
 * internal_batch_size // num_examples)` steps per chunk, the last chunk taking the rest.
 * `rowsPerChunk` undefined, null or >= total gives one chunk (captum's `internal_batch_size=None`).
 * With several examples per row block (`examplesPerStep`), the chunk holds
 * `max(1, floor(rowsPerChunk / examplesPerStep))` steps, as in captum.
 *
 * @example
 * ```ts
 * splitIntoChunks(50, 7); // [{start:0,end:7}, {start:7,end:14}, ..., {start:49,end:50}]
 * ```
 */
export function splitIntoChunks(
  total: number,
  rowsPerChunk?: number | null,
  examplesPerStep = 1,
): ChunkRange[] {
  if (!Number.isInteger(total) || total < 0) {
    throw new InputError(`total must be a non-negative integer, got ${String(total)}`);
  }
  if (!Number.isInteger(examplesPerStep) || examplesPerStep < 1) {
    throw new InputError(`examplesPerStep must be a positive integer, got ${String(examplesPerStep)}`);
  }
  if (total === 0) return [];
  if (rowsPerChunk === undefined || rowsPerChunk === null) return [{ start: 0, end: total }];
  if (!Number.isInteger(rowsPerChunk) || rowsPerChunk < 1) {
    // captum asserts internal_batch_size > 0 as well.
    throw new InputError(`internalBatchSize must be a positive integer, got ${String(rowsPerChunk)}`);
  }
  const step = Math.max(1, Math.floor(rowsPerChunk / examplesPerStep));
  const chunks: ChunkRange[] = [];
  for (let start = 0; start < total; start += step) {
    chunks.push({ start, end: Math.min(start + step, total) });
  }
  return chunks;
}

/** Inputs of {@link chunkSizeForBudget}. */
export interface ChunkBudget {
  /** Bytes the caller allows one chunk to use (activations, gradients, staging buffers). */
  readonly budgetBytes: number;
  /** Bytes one row (one path point of one target) needs, measured or estimated by the caller. */
  readonly bytesPerRow: number;
  /** Upper bound, usually the total number of rows (no point in a bigger chunk). */
  readonly maxRows?: number;
  /** Lower bound; a chunk always holds at least this many rows (default 1). */
  readonly minRows?: number;
}

/**
 * Rows per chunk that fit a memory budget: `floor(budgetBytes / bytesPerRow)`, clamped to
 * `[minRows, maxRows]`. When even one row exceeds the budget it still returns `minRows`
 * (running slowly beats not running); the caller may warn.
 *
 * @example
 * ```ts
 * chunkSizeForBudget({ budgetBytes: 256 * 2 ** 20, bytesPerRow: 9 * 2 ** 20, maxRows: 50 }); // 28
 * ```
 */
export function chunkSizeForBudget(budget: ChunkBudget): number {
  const { budgetBytes, bytesPerRow } = budget;
  const minRows = budget.minRows ?? 1;
  const maxRows = budget.maxRows ?? Number.MAX_SAFE_INTEGER;
  if (!(bytesPerRow > 0) || !Number.isFinite(bytesPerRow)) {
    throw new InputError(`bytesPerRow must be a positive finite number, got ${String(bytesPerRow)}`);
  }
  if (!(budgetBytes >= 0)) {
    throw new InputError(`budgetBytes must be >= 0, got ${String(budgetBytes)}`);
  }
  if (!Number.isInteger(minRows) || minRows < 1) {
    throw new InputError(`minRows must be a positive integer, got ${String(minRows)}`);
  }
  if (!Number.isInteger(maxRows) || maxRows < minRows) {
    throw new InputError(`maxRows must be an integer >= minRows, got ${String(maxRows)}`);
  }
  const fit = Math.floor(budgetBytes / bytesPerRow);
  return Math.min(maxRows, Math.max(minRows, fit));
}
