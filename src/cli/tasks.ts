/**
 * The tasks `gradscope explain` runs: option checks per task, then the explainer.
 */
import type { IntegrationMethod } from '../attribution/quadrature.js';
import { InputError } from '../errors.js';
import { runImageTask, type ImageCliOptions } from './image-task.js';
import { MultiLabelClassificationExplainer } from '../explainers/multi-label-classification.js';
import { QuestionAnsweringExplainer } from '../explainers/question-answering.js';
import { PairwiseSequenceClassificationExplainer, SequenceClassificationExplainer } from '../explainers/sequence-classification.js';
import { TokenClassificationExplainer } from '../explainers/token-classification.js';
import { ZeroShotClassificationExplainer } from '../explainers/zero-shot-classification.js';
import type { ExplanationResult } from '../types.js';
import { assertDevice } from '../runtime/ort.js';
import type { Explainer } from '../explainers/explainer-base.js';
import { EXPLAINER_TASKS } from '../explainers/factory.js';
import type { ModelDtype } from '../runtime/model-files.js';

/** Tasks the CLI runs: the factory's. */
export const TASKS = EXPLAINER_TASKS;

/** Parsed command-line options. */
export interface CliOptions {
  task: string;
  model: string;
  text?: string | undefined;
  textPair?: string | undefined;
  index?: number | undefined;
  className?: string | undefined;
  embeddingType?: string | undefined;
  /** A count, or 'auto' (`--n-steps auto`, with `--tolerance`). */
  nSteps?: number | 'auto' | undefined;
  tolerance?: number | undefined;
  internalBatchSize?: number | undefined;
  method?: string | undefined;
  flipSign: boolean;
  compat?: string | undefined;
  truncation: boolean;
  device: string;
  localOnly: boolean;
  /** Weight format (`--dtype`); default fp32. */
  dtype?: ModelDtype;
  format: string;
  out?: string | undefined;
  /** zero-shot-classification: candidate labels (`--labels a,b,c`). */
  labels?: string[] | undefined;
  /** zero-shot-classification: `--hypothesis-template "this text is about {} ."`. */
  hypothesisTemplate?: string | undefined;
  /** zero-shot-classification: `--include-hypothesis`. */
  includeHypothesis?: boolean | undefined;
  /** question-answering: `--question`. */
  question?: string | undefined;
  /** question-answering: `--context` (`--text` is accepted too). */
  context?: string | undefined;
  /** token-classification: `--ignored-labels O,B-MISC`. */
  ignoredLabels?: string[] | undefined;
  /** token-classification: `--ignored-indexes 0,15`. */
  ignoredIndexes?: number[] | undefined;
  /** image-classification: `--image` and the attribution / PNG flags (see image-task.ts). */
  image?: ImageCliOptions | undefined;
}

function need<T>(v: T | undefined, flag: string, task: string): T {
  if (v === undefined || v === '') throw new InputError(`--${flag} is required for --task ${task}.`, { code: 'missing-option' });
  return v;
}

function common(o: CliOptions): { nSteps?: number | 'auto'; tolerance?: number; internalBatchSize?: number; method?: IntegrationMethod; compat?: 'transformers-interpret'; truncation?: boolean } {
  if (o.compat !== undefined && o.compat !== 'transformers-interpret') {
    throw new InputError(`--compat only takes "transformers-interpret", got "${o.compat}".`, { code: 'bad-compat' });
  }
  return {
    ...(o.nSteps !== undefined ? { nSteps: o.nSteps } : {}),
    ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
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

/** QA also takes the whole embeddings block (its default). */
function qaEmbeddingType(v: string | undefined): { embeddingType?: 'word' | 'position' | 'embeddings' } {
  if (v === undefined) return {};
  if (v !== 'word' && v !== 'position' && v !== 'embeddings') throw new InputError(`--embedding-type must be word, position or embeddings for --task question-answering, got "${v}".`, { code: 'bad-embedding-type' });
  return { embeddingType: v };
}

/** A result and its page, rendered by the explainer's own `visualize()`. */
export interface TaskOutput {
  result: ExplanationResult;
  html: () => Promise<string>;
}

function done<R extends ExplanationResult>(ex: Explainer<R>, result: R): TaskOutput {
  return { result, html: () => ex.visualize(undefined, { result }) };
}

/** Runs the task; `html()` renders the result as a standalone page. */
export async function runTask(o: CliOptions): Promise<TaskOutput> {
  if (!o.task) throw new InputError(`--task is required (one of ${TASKS.join(', ')}).`, { code: 'missing-option' });
  need(o.model, 'model', o.task);
  assertDevice(o.device);
  const init = { device: o.device, localOnly: o.localOnly, ...(o.dtype ? { dtype: o.dtype } : {}) };
  const target = { ...(o.index !== undefined ? { index: o.index } : {}), ...(o.className !== undefined ? { className: o.className } : {}) };
  switch (o.task) {
    case 'text-classification':
    case 'sentiment-analysis': {
      const ex = await SequenceClassificationExplainer.fromPretrained(o.model, init);
      return done(ex, await ex.explain(need(o.text, 'text', o.task), { ...common(o), ...target, ...embeddingType(o.embeddingType) }));
    }
    case 'text-pair-classification': {
      const ex = await PairwiseSequenceClassificationExplainer.fromPretrained(o.model, init);
      return done(ex, await ex.explain(need(o.text, 'text', o.task), need(o.textPair, 'text-pair', o.task), { ...common(o), ...target, ...embeddingType(o.embeddingType), flipSign: o.flipSign }));
    }
    case 'multi-label-classification': {
      const ex = await MultiLabelClassificationExplainer.fromPretrained(o.model, init);
      return done(ex, await ex.explain(need(o.text, 'text', o.task), { ...common(o), ...embeddingType(o.embeddingType) }));
    }
    case 'zero-shot-classification': {
      const labels = need(o.labels?.length ? o.labels : undefined, 'labels', o.task);
      const ex = await ZeroShotClassificationExplainer.fromPretrained(o.model, init);
      return done(ex, await ex.explain(need(o.text, 'text', o.task), labels, {
        ...common(o),
        ...embeddingType(o.embeddingType),
        ...(o.hypothesisTemplate !== undefined ? { hypothesisTemplate: o.hypothesisTemplate } : {}),
        includeHypothesis: o.includeHypothesis ?? false,
      }));
    }
    case 'question-answering': {
      const ex = await QuestionAnsweringExplainer.fromPretrained(o.model, init);
      return done(ex, await ex.explain(need(o.question, 'question', o.task), need(o.context ?? o.text, 'context', o.task), { ...common(o), ...qaEmbeddingType(o.embeddingType) }));
    }
    case 'token-classification': {
      const ex = await TokenClassificationExplainer.fromPretrained(o.model, init);
      return done(ex, await ex.explain(need(o.text, 'text', o.task), {
        ...common(o),
        ...embeddingType(o.embeddingType),
        ...(o.ignoredLabels !== undefined ? { ignoredLabels: o.ignoredLabels } : {}),
        ...(o.ignoredIndexes !== undefined ? { ignoredIndexes: o.ignoredIndexes } : {}),
      }));
    }
    case 'image-classification':
      return runImageTask(o);
    default:
      throw new InputError(`Unknown task "${o.task}". Known tasks: ${TASKS.join(', ')}.`, { code: 'unknown-task' });
  }
}
