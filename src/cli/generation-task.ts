/**
 * `gradscope explain --task text-generation --text PROMPT [--target TEXT] [--max-new-tokens N]`:
 * the options only this task has, and the run.
 *
 * @module
 */
import type { IntegrationMethod } from '../attribution/quadrature.js';
import { InputError } from '../errors.js';
import { assertDevice } from '../runtime/ort.js';
import { TextGenerationExplainer } from '../explainers/text/generation/explainer.js';
import type { TextGenerationExplainOptions, TextGenerationResult } from '../explainers/text/generation/types.js';

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

/** What the task needs from the common CLI options. */
export interface GenerationTaskInput {
  model: string;
  text?: string | undefined;
  device: string;
  localOnly: boolean;
  nSteps?: number | 'auto' | undefined;
  tolerance?: number | undefined;
  internalBatchSize?: number | undefined;
  method?: string | undefined;
  compat?: string | undefined;
  truncation: boolean;
  generation?: GenerationCliOptions | undefined;
}

/**
 * Runs the task: the result and a function rendering its page.
 *
 * @example
 * const { result } = await runGenerationTask({ model: './gpt2-tiny', text: 'Hello', device: 'cpu', localOnly: true, truncation: false });
 */
export async function runGenerationTask(o: GenerationTaskInput): Promise<{ result: TextGenerationResult; html: () => Promise<string> }> {
  if (o.text === undefined) throw new InputError('--text (the prompt) is required for --task text-generation.', { code: 'missing-option' });
  if (o.compat !== undefined && o.compat !== 'captum') throw new InputError(`--compat takes "captum" for --task text-generation, got "${o.compat}".`, { code: 'bad-compat' });
  const g = o.generation ?? {};
  const opts: TextGenerationExplainOptions = {
    ...(g.target !== undefined ? { target: g.target } : {}),
    ...(g.maxNewTokens !== undefined ? { maxNewTokens: g.maxNewTokens } : {}),
    ...(g.baseline !== undefined ? { baseline: g.baseline } : {}),
    ...(o.nSteps !== undefined ? { nSteps: o.nSteps } : {}),
    ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
    ...(o.internalBatchSize !== undefined ? { internalBatchSize: o.internalBatchSize } : {}),
    ...(o.method !== undefined ? { method: o.method as IntegrationMethod } : {}),
    ...(o.compat === 'captum' ? { compat: 'captum' as const } : {}),
    ...(o.truncation ? { truncation: true } : {}),
  };
  assertDevice(o.device);
  const ex = await TextGenerationExplainer.fromPretrained(o.model, { device: o.device, localOnly: o.localOnly });
  try {
    const result = await ex.explain(o.text, opts);
    return { result, html: () => ex.visualize(undefined, { result }) };
  } finally {
    await ex.dispose();
  }
}
