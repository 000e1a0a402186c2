/**
 * Which explainers `evaluate: true` applies to, and the result fields of the algorithm choice:
 * one place so the API, the CLI and the elements say the same thing.
 */
import type { Algorithm, AlgorithmOptions } from '../../attribution/gradient-methods.js';
import { InputError } from '../../errors.js';
import type { Task } from '../../types.js';
import { TASK_REGISTRY } from '../tasks.js';

/** Registry tasks without an evaluation yet; they get the typed error. */
const NOT_EVALUABLE: ReadonlySet<Task> = new Set<Task>(['text-generation']);

/**
 * Tasks whose results `evaluate: true` can measure: every task of the registry but text
 * generation (text: comprehensiveness, sufficiency, tau-LOO; image: deletion / insertion).
 */
export const EVALUABLE_TASKS: readonly Task[] = TASK_REGISTRY.map((s) => s.task).filter((t) => !NOT_EVALUABLE.has(t));

/**
 * Throws a typed error (`evaluate-unsupported`) when `evaluate` is asked of a task that cannot
 * be evaluated yet, naming those that can.
 *
 * @example
 * requireEvaluable('question-answering', { evaluate: true }); // throws InputError
 */
export function requireEvaluable(task: Task, opts: { evaluate?: boolean }): void {
  if (opts.evaluate !== true) return; // other values are rejected by checkCommon
  if (!EVALUABLE_TASKS.includes(task)) {
    throw new InputError(
      `evaluate is not supported for ${task} results yet. Supported: ${EVALUABLE_TASKS.join(', ')}. Drop evaluate for this task.`,
      { code: 'evaluate-unsupported' },
    );
  }
}

/** `{ algorithm }` for a result computed with another algorithm than integrated gradients (absent for IG). */
export function algorithmField(opts: AlgorithmOptions): { algorithm?: Algorithm } {
  return opts.algorithm !== undefined && opts.algorithm !== 'integrated-gradients' ? { algorithm: opts.algorithm } : {};
}
