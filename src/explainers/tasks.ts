/**
 * THE task registry: every task gradscope explains, read by the factory (`factory.ts`), the CLI
 * (`src/cli/tasks.ts`), the `<gradscope-explain>` element (`components/explain-tasks.ts`) and
 * the demo. A new task is one entry here plus its explainer.
 *
 * This module is safe to import in a browser and costs nothing: explainers are loaded lazily by
 * `load()` (a dynamic import, so bundlers split them off), and nothing here touches Node.
 *
 * @module
 */
import type { ExplanationResult, Task } from '../types.js';
import type { Explainer } from './core/explainer.js';

/**
 * An input of a task, named as the explain call's positional arguments and the element's
 * fields name them.
 */
export type TaskInputName = 'text' | 'textPair' | 'labels' | 'question' | 'context' | 'image';

/**
 * Options beyond {@link CommonExplainOptions} that a task's explain call takes (the CLI maps
 * its flags with this): `target` = `index` / `className`; `flipSign`; `hypothesis` =
 * `hypothesisTemplate` / `includeHypothesis`; `ignored` = `ignoredLabels` / `ignoredIndexes`;
 * `generation` = `target` (text) / `maxNewTokens` / `baseline` (token id).
 */
export type TaskOptionName = 'target' | 'flipSign' | 'hypothesis' | 'ignored' | 'generation';

/** An embedding layer a text task can attribute to (`embeddingType`). */
export type TaskEmbeddingType = 'word' | 'position' | 'embeddings';

/** What the registry needs of an explainer class: a loader and an explain method. */
export interface RegisteredExplainerClass {
  fromPretrained(modelIdOrPath: string, init?: object): Promise<Explainer<ExplanationResult> & { explain(...args: never[]): Promise<ExplanationResult> }>;
}

/** One task of the registry. */
export interface TaskSpec {
  /** Factory / CLI task name; also the `task` of its results. */
  readonly task: Task;
  /** Other names of the same task, with their own display name (e.g. `sentiment-analysis`). */
  readonly aliases: readonly { readonly name: string; readonly title: string }[];
  /** Display name (element form title, demo). */
  readonly title: string;
  /** The explain call's positional inputs, in order; the options object follows them. */
  readonly inputs: readonly TaskInputName[];
  /** Display names of inputs that differ from the default ones (e.g. `text: 'First text'`). */
  readonly inputTitles?: Readonly<Partial<Record<TaskInputName, string>>>;
  /** Task-specific options its explain call takes (see {@link TaskOptionName}). */
  readonly options: readonly TaskOptionName[];
  /** Embedding layers `embeddingType` may name (empty: the option does not apply). */
  readonly embeddingTypes: readonly TaskEmbeddingType[];
  /** The `compat` mode the task reproduces (default `transformers-interpret`). */
  readonly compat?: 'transformers-interpret' | 'captum';
  /** Loads the explainer class (lazily, so importing the registry loads no model code). */
  readonly load: () => Promise<RegisteredExplainerClass>;
}

const TEXT_EMBEDDINGS = ['word', 'position'] as const;

/**
 * Every task, in display order.
 *
 * @example
 * const spec = findTask('sentiment-analysis'); // the text-classification entry
 * const Explainer = await spec!.load();
 */
export const TASK_REGISTRY = [
  {
    task: 'text-classification',
    aliases: [{ name: 'sentiment-analysis', title: 'Sentiment analysis' }],
    title: 'Text classification',
    inputs: ['text'],
    options: ['target'],
    embeddingTypes: TEXT_EMBEDDINGS,
    load: () => import('./text/sequence-classification.js').then((m) => m.SequenceClassificationExplainer),
  },
  {
    task: 'text-pair-classification',
    aliases: [],
    title: 'Text-pair classification',
    inputs: ['text', 'textPair'],
    inputTitles: { text: 'First text' },
    options: ['target', 'flipSign'],
    embeddingTypes: TEXT_EMBEDDINGS,
    load: () => import('./text/sequence-classification.js').then((m) => m.PairwiseSequenceClassificationExplainer),
  },
  {
    task: 'multi-label-classification',
    aliases: [],
    title: 'Multi-label classification',
    inputs: ['text'],
    options: [],
    embeddingTypes: TEXT_EMBEDDINGS,
    load: () => import('./text/multi-label-classification.js').then((m) => m.MultiLabelClassificationExplainer),
  },
  {
    task: 'zero-shot-classification',
    aliases: [],
    title: 'Zero-shot classification',
    inputs: ['text', 'labels'],
    options: ['hypothesis'],
    embeddingTypes: TEXT_EMBEDDINGS,
    load: () => import('./text/zero-shot-classification.js').then((m) => m.ZeroShotClassificationExplainer),
  },
  {
    task: 'question-answering',
    aliases: [],
    title: 'Question answering',
    inputs: ['question', 'context'],
    options: [],
    embeddingTypes: ['word', 'position', 'embeddings'],
    load: () => import('./text/question-answering.js').then((m) => m.QuestionAnsweringExplainer),
  },
  {
    task: 'token-classification',
    aliases: [],
    title: 'Token classification (NER)',
    inputs: ['text'],
    options: ['ignored'],
    embeddingTypes: TEXT_EMBEDDINGS,
    load: () => import('./text/token-classification.js').then((m) => m.TokenClassificationExplainer),
  },
  {
    task: 'image-classification',
    aliases: [],
    title: 'Image classification',
    inputs: ['image'],
    options: ['target'],
    embeddingTypes: [],
    load: () => import('./image/image-classification.js').then((m) => m.ImageClassificationExplainer),
  },
  {
    task: 'text-generation',
    aliases: [],
    title: 'Text generation',
    inputs: ['text'],
    inputTitles: { text: 'Prompt' },
    options: ['generation'],
    embeddingTypes: [],
    compat: 'captum',
    load: () => import('./text/generation/explainer.js').then((m) => m.TextGenerationExplainer),
  },
] as const;

// Checked here rather than with `satisfies`, whose contextual type would widen each load()'s
// class to RegisteredExplainerClass and lose the per-task explain signatures.
const CHECKED: readonly TaskSpec[] = TASK_REGISTRY;

type Registry = typeof TASK_REGISTRY;
type Entry = Registry[number];

/** A task's alias names (`sentiment-analysis`). */
export type TaskAlias = Entry['aliases'][number]['name'];

/** Every name the factory, the CLI and the element accept: the tasks and their aliases. */
export type ExplainerTask = Entry['task'] | TaskAlias;

/** Every task name and alias, in registry order (aliases right after their task). */
export const EXPLAINER_TASKS: readonly ExplainerTask[] = TASK_REGISTRY.flatMap((s): ExplainerTask[] => [s.task, ...s.aliases.map((a) => a.name)]);

/** The entry of a task or alias name, or undefined for an unknown name. */
export function findTask(name: string): TaskSpec | undefined {
  return CHECKED.find((s) => s.task === name || s.aliases.some((a) => a.name === name));
}

/** Display name of a task or alias (the alias's own title), or undefined for an unknown name. */
export function taskTitle(name: string): string | undefined {
  const spec = findTask(name);
  if (!spec) return undefined;
  return spec.task === name ? spec.title : spec.aliases.find((a) => a.name === name)?.title;
}

/** The registry entry of a task or alias name. */
type EntryOf<T extends ExplainerTask> = EntryIn<Entry, T>;
type EntryIn<E, T> = E extends Entry ? ([T] extends [E['task']] ? E : [T] extends [E['aliases'][number]['name']] ? E : never) : never;

/** The explainer class of a task, e.g. `ExplainerClassOf<'question-answering'>`. */
export type ExplainerClassOf<T extends ExplainerTask> = Awaited<ReturnType<EntryOf<T>['load']>>;

/** The explainer instance of a task. */
export type ExplainerOf<T extends ExplainerTask> = ExplainerClassOf<T> extends abstract new (...args: never[]) => infer I ? I : never;

/**
 * What `explainer(task, model)` returns for `task`: its explainer's `explain`, bound, with the
 * explainer itself as `.explainer`.
 */
export type ExplainerFnOf<T extends ExplainerTask> = ExplainerOf<T> extends { explain: (...args: infer A) => infer R } ? { (...args: A): R; readonly explainer: ExplainerOf<T> } : never;
