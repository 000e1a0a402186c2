/**
 * The tasks `gradscope explain` runs: option checks per task, then the explainer.
 */
import type { IntegrationMethod } from '../attribution/quadrature.js';
import { InputError } from '../errors.js';
import { PairwiseSequenceClassificationExplainer, SequenceClassificationExplainer } from '../explainers/sequence-classification.js';
import type { ExplanationResult } from '../types.js';
import { assertDevice } from '../runtime/ort.js';
import { visualizeHtml } from '../viz/html-export.js';

/** Tasks the CLI runs. */
export const TASKS = ['text-classification', 'sentiment-analysis', 'text-pair-classification'] as const;

/** Parsed command-line options. */
export interface CliOptions {
  task: string;
  model: string;
  text?: string | undefined;
  textPair?: string | undefined;
  index?: number | undefined;
  className?: string | undefined;
  embeddingType?: string | undefined;
  nSteps?: number | undefined;
  internalBatchSize?: number | undefined;
  method?: string | undefined;
  flipSign: boolean;
  compat?: string | undefined;
  truncation: boolean;
  device: string;
  localOnly: boolean;
  format: string;
  out?: string | undefined;
}

function need<T>(v: T | undefined, flag: string, task: string): T {
  if (v === undefined || v === '') throw new InputError(`--${flag} is required for --task ${task}.`, { code: 'missing-option' });
  return v;
}

function common(o: CliOptions): { nSteps?: number; internalBatchSize?: number; method?: IntegrationMethod; compat?: 'transformers-interpret'; truncation?: boolean } {
  if (o.compat !== undefined && o.compat !== 'transformers-interpret') {
    throw new InputError(`--compat only takes "transformers-interpret", got "${o.compat}".`, { code: 'bad-compat' });
  }
  return {
    ...(o.nSteps !== undefined ? { nSteps: o.nSteps } : {}),
    ...(o.internalBatchSize !== undefined ? { internalBatchSize: o.internalBatchSize } : {}),
    ...(o.method !== undefined ? { method: o.method as IntegrationMethod } : {}),
    ...(o.compat !== undefined ? { compat: 'transformers-interpret' as const } : {}),
    ...(o.truncation ? { truncation: true } : {}),
  };
}

function embeddingType(v: string | undefined): { embeddingType?: 'word' | 'position' } {
  if (v === undefined) return {};
  if (v !== 'word' && v !== 'position') throw new InputError(`--embedding-type must be word or position, got "${v}".`, { code: 'bad-embedding-type' });
  return { embeddingType: v };
}

/** Runs the task; `html()` renders the result as a standalone page. */
export async function runTask(o: CliOptions): Promise<{ result: ExplanationResult; html: () => Promise<string> }> {
  if (!o.task) throw new InputError(`--task is required (one of ${TASKS.join(', ')}).`, { code: 'missing-option' });
  need(o.model, 'model', o.task);
  assertDevice(o.device);
  const init = { device: o.device, localOnly: o.localOnly };
  const target = { ...(o.index !== undefined ? { index: o.index } : {}), ...(o.className !== undefined ? { className: o.className } : {}) };
  let result: ExplanationResult;
  switch (o.task) {
    case 'text-classification':
    case 'sentiment-analysis': {
      const ex = await SequenceClassificationExplainer.fromPretrained(o.model, init);
      result = await ex.explain(need(o.text, 'text', o.task), { ...common(o), ...target, ...embeddingType(o.embeddingType) });
      break;
    }
    case 'text-pair-classification': {
      const ex = await PairwiseSequenceClassificationExplainer.fromPretrained(o.model, init);
      result = await ex.explain(need(o.text, 'text', o.task), need(o.textPair, 'text-pair', o.task), { ...common(o), ...target, ...embeddingType(o.embeddingType), flipSign: o.flipSign });
      break;
    }
    default:
      throw new InputError(`Unknown task "${o.task}". Known tasks: ${TASKS.join(', ')}.`, { code: 'unknown-task' });
  }
  return { result, html: () => Promise.resolve(visualizeHtml(result)) };
}
