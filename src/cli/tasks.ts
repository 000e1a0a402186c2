/**
 * The tasks `gradscope explain` runs: option checks per task, then the explainer.
 */
import type { Algorithm, AlgorithmOptions } from '../attribution/gradient-methods.js';
import type { IntegrationMethod } from '../attribution/quadrature.js';
import { InputError } from '../errors.js';
import { runImageTask, type ImageCliOptions } from './image-task.js';
import { generationOptions, type GenerationCliOptions } from './generation-task.js';
import type { ExplanationResult } from '../types.js';
import { assertDevice } from '../runtime/ort.js';
import type { ModelDtype } from '../runtime/model-files.js';
import type { Explainer } from '../explainers/core/explainer.js';
import { EXPLAINER_TASKS, findTask, type TaskEmbeddingType, type TaskInputName, type TaskSpec } from '../explainers/tasks.js';

/** Tasks the CLI runs: the registry's. */
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
  /** text-generation: `--target`, `--max-new-tokens`, `--baseline` (see generation-task.ts). */
  generation?: GenerationCliOptions | undefined;
  /** `--algorithm` (validated by the explainer). */
  algorithm?: string | undefined;
  /** `--smoothgrad-samples`. */
  smoothGradSamples?: number | undefined;
  /** `--smoothgrad-noise`. */
  smoothGradNoise?: number | undefined;
  /** `--evaluate`: add faithfulness to the result. */
  evaluate?: boolean | undefined;
}

function need<T>(v: T | undefined, flag: string, task: string): T {
  if (v === undefined || v === '') throw new InputError(`--${flag} is required for --task ${task}.`, { code: 'missing-option' });
  return v;
}

function common(o: CliOptions, compatMode: 'transformers-interpret' | 'captum' = 'transformers-interpret'): { nSteps?: number | 'auto'; tolerance?: number; internalBatchSize?: number; method?: IntegrationMethod; compat?: 'transformers-interpret' | 'captum'; truncation?: boolean } & AlgorithmOptions & { evaluate?: boolean } {
  if (o.compat !== undefined && o.compat !== compatMode) {
    throw new InputError(`--compat only takes "${compatMode}"${compatMode === 'transformers-interpret' ? '' : ` for --task ${o.task}`}, got "${o.compat}".`, { code: 'bad-compat' });
  }
  return {
    ...(o.nSteps !== undefined ? { nSteps: o.nSteps } : {}),
    ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
    ...(o.internalBatchSize !== undefined ? { internalBatchSize: o.internalBatchSize } : {}),
    ...(o.method !== undefined ? { method: o.method as IntegrationMethod } : {}),
    ...(o.compat !== undefined ? { compat: compatMode } : {}),
    ...(o.truncation ? { truncation: true } : {}),
    ...trustOptions(o),
  };
}

/** `--algorithm`, the SmoothGrad flags, `--seed` and `--evaluate`, as explainer options (validated there). */
export function trustOptions(o: CliOptions): AlgorithmOptions & { evaluate?: boolean } {
  return {
    ...(o.algorithm !== undefined ? { algorithm: o.algorithm as Algorithm } : {}),
    ...(o.smoothGradSamples !== undefined ? { smoothGradSamples: o.smoothGradSamples } : {}),
    ...(o.smoothGradNoise !== undefined ? { smoothGradNoise: o.smoothGradNoise } : {}),
    ...(o.image?.seed !== undefined ? { seed: o.image.seed } : {}),
    ...(o.evaluate ? { evaluate: true } : {}),
  };
}

/** `--embedding-type`, checked against the layers the task offers. */
function embeddingType(v: string | undefined, spec: TaskSpec): { embeddingType?: TaskEmbeddingType } {
  if (v === undefined) return {};
  const allowed = spec.embeddingTypes;
  if (!(allowed as readonly string[]).includes(v)) {
    // Two-layer tasks keep their short message; QA (three layers) names its task.
    const list = allowed.length <= 2 ? allowed.join(' or ') : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]} for --task ${spec.task}`;
    throw new InputError(`--embedding-type must be ${list}, got "${v}".`, { code: 'bad-embedding-type' });
  }
  return { embeddingType: v as TaskEmbeddingType };
}

/** The explain call's positional argument for one registry input, from the flags. */
function input(o: CliOptions, name: TaskInputName, task: string): unknown {
  switch (name) {
    case 'text':
      return need(o.text, 'text', task);
    case 'textPair':
      return need(o.textPair, 'text-pair', task);
    case 'labels':
      return need(o.labels?.length ? o.labels : undefined, 'labels', task);
    case 'question':
      return need(o.question, 'question', task);
    case 'context':
      return need(o.context ?? o.text, 'context', task);
    case 'image':
      throw new InputError(`--task ${task} takes an image: the CLI runs it through its image task.`, { code: 'unknown-task' });
  }
}

/** The task-specific options (registry `options`) from the flags. */
function taskOptions(o: CliOptions, spec: TaskSpec): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const opt of spec.options) {
    switch (opt) {
      case 'target':
        if (o.index !== undefined) r.index = o.index;
        if (o.className !== undefined) r.className = o.className;
        break;
      case 'flipSign':
        r.flipSign = o.flipSign;
        break;
      case 'hypothesis':
        if (o.hypothesisTemplate !== undefined) r.hypothesisTemplate = o.hypothesisTemplate;
        r.includeHypothesis = o.includeHypothesis ?? false;
        break;
      case 'ignored':
        if (o.ignoredLabels !== undefined) r.ignoredLabels = o.ignoredLabels;
        if (o.ignoredIndexes !== undefined) r.ignoredIndexes = o.ignoredIndexes;
        break;
      case 'generation':
        Object.assign(r, generationOptions(o.generation));
        break;
    }
  }
  return r;
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
  const spec = findTask(o.task);
  if (!spec) throw new InputError(`Unknown task "${o.task}". Known tasks: ${TASKS.join(', ')}.`, { code: 'unknown-task' });
  // Images have their own flags (attribution type, PNG output): see image-task.ts.
  if (spec.inputs.includes('image')) return runImageTask(o);
  const args = spec.inputs.map((name) => input(o, name, o.task));
  const options = { ...common(o, spec.compat), ...taskOptions(o, spec), ...embeddingType(o.embeddingType, spec) };
  const Cls = await spec.load();
  const ex = await Cls.fromPretrained(o.model, { device: o.device, localOnly: o.localOnly, ...(o.dtype ? { dtype: o.dtype } : {}) });
  const explain = ex.explain.bind(ex) as (...a: unknown[]) => Promise<ExplanationResult>;
  return done(ex, await explain(...args, options));
}
