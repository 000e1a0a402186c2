/**
 * `gradscope explain --task text-generation --text PROMPT [--target TEXT] [--max-new-tokens N]`:
 * the flags only this task has, and the explain options they set.
 *
 * @module
 */
import { InputError } from '../errors.js';

/** parseArgs entries of the task's flags. */
export const GENERATION_CLI_OPTIONS = {
  target: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  baseline: { type: 'string' },
} as const;

/** Usage lines of the task's flags. */
export const GENERATION_USAGE = `Generation:   --text PROMPT [--target TEXT | --max-new-tokens N] [--baseline TOKEN_ID] [--compat captum]`;

/** The task's parsed flags. */
export interface GenerationCliOptions {
  target?: string | undefined;
  maxNewTokens?: number | undefined;
  baseline?: number | undefined;
}

function intFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InputError(`--${name} must be an integer, got "${v}".`, { code: 'bad-option' });
  return n;
}

/** Reads the task's flags from parseArgs values. */
export function parseGenerationCliOptions(values: Record<string, unknown>): GenerationCliOptions {
  return {
    target: typeof values.target === 'string' ? values.target : undefined,
    maxNewTokens: intFlag('max-new-tokens', values['max-new-tokens'] as string | undefined),
    baseline: intFlag('baseline', values.baseline as string | undefined),
  };
}

/** The explain options the task's flags set. */
export function generationOptions(g: GenerationCliOptions = {}): { target?: string; maxNewTokens?: number; baseline?: number } {
  return {
    ...(g.target !== undefined ? { target: g.target } : {}),
    ...(g.maxNewTokens !== undefined ? { maxNewTokens: g.maxNewTokens } : {}),
    ...(g.baseline !== undefined ? { baseline: g.baseline } : {}),
  };
}
