/**
 * What `<gradscope-explain>` asks for, per task: each task's form, built from the task
 * registry (`src/explainers/tasks.ts`: its title and its inputs, in the order the function
 * `explainer(task, ...)` returns takes them). A new task needs no row here; only the look of
 * each kind of input (label, control, placeholder) lives in this file.
 *
 * @module
 */
import { TASK_REGISTRY, type TaskInputName } from '../src/explainers/tasks.js';

/** Names of the inputs an explain form can have (the registry's input names). */
export type ExplainFieldName = TaskInputName;

/** One input of a task's form. */
export interface ExplainFieldSpec {
  readonly name: ExplainFieldName;
  /** Visible label. */
  readonly label: string;
  /** Control: one-line input, multi-line text, or an image picker with a drop zone. */
  readonly control: 'input' | 'textarea' | 'image';
  readonly placeholder?: string;
  /** Extra help shown under the control (and linked with aria-describedby). */
  readonly hint?: string;
}

/** An image given to the form: a URL (absolute or relative to the page) or a picked/dropped file. */
export type ExplainImageValue = string | Blob;

/** The current values of all inputs (unused ones stay empty). */
export interface ExplainInputs {
  text: string;
  textPair: string;
  question: string;
  context: string;
  /** Candidate labels (zero-shot), already split and trimmed. */
  labels: string[];
  image: ExplainImageValue | undefined;
}

/** A task's form and how its values become the explain function's arguments. */
export interface ExplainTaskForm {
  /** Human-readable task name. */
  readonly title: string;
  readonly fields: readonly ExplainFieldSpec[];
  /** The positional arguments before the options object. */
  args(inputs: ExplainInputs): unknown[];
}

/** HTML attribute of each input, for presetting values (`<gradscope-explain text="...">`). */
export const FIELD_ATTRIBUTES: Readonly<Record<ExplainFieldName, string>> = {
  text: 'text',
  textPair: 'text-pair',
  question: 'question',
  context: 'context',
  labels: 'labels',
  image: 'image',
};

/** How each kind of input looks, whatever the task. */
const FIELDS: Readonly<Record<ExplainFieldName, ExplainFieldSpec>> = {
  text: { name: 'text', label: 'Text', control: 'textarea', placeholder: 'Type a sentence to explain' },
  textPair: { name: 'textPair', label: 'Second text', control: 'textarea', placeholder: 'The text it is paired with' },
  labels: { name: 'labels', label: 'Candidate labels', control: 'input', placeholder: 'finance, technology, sports', hint: 'Separate labels with commas.' },
  question: { name: 'question', label: 'Question', control: 'input', placeholder: 'What is ...?' },
  context: { name: 'context', label: 'Context', control: 'textarea', placeholder: 'The text that holds the answer' },
  image: { name: 'image', label: 'Image', control: 'image', hint: 'Drop an image here, or choose a file.' },
};

function formOf(title: string, inputs: readonly ExplainFieldName[], titles: Readonly<Partial<Record<ExplainFieldName, string>>> = {}): ExplainTaskForm {
  return {
    title,
    fields: inputs.map((n) => (titles[n] === undefined ? FIELDS[n] : { ...FIELDS[n], label: titles[n] })),
    args: (v) => inputs.map((n) => v[n]),
  };
}

/** Task (and alias) -> form, from the registry. */
export const TASK_FORMS: Readonly<Record<string, ExplainTaskForm>> = Object.fromEntries(
  TASK_REGISTRY.flatMap((spec) => {
    const titles = 'inputTitles' in spec ? spec.inputTitles : {};
    return [[spec.task, formOf(spec.title, spec.inputs, titles)], ...spec.aliases.map((a) => [a.name, formOf(a.title, spec.inputs, titles)] as const)];
  }),
);

/** The form of `task`; a task without a row gets a single text field. */
export function taskForm(task: string): ExplainTaskForm {
  return TASK_FORMS[task] ?? formOf(task, ['text']);
}

/** Splits a comma-separated label list (`"a, b,,c"` -> `['a', 'b', 'c']`). */
export function splitLabels(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Labels of the fields of `form` that are still empty, in form order. */
export function missingFields(form: ExplainTaskForm, inputs: ExplainInputs): string[] {
  return form.fields
    .filter((f) => {
      const v = inputs[f.name];
      if (f.name === 'image') return v === undefined || v === '';
      if (Array.isArray(v)) return v.length === 0;
      return typeof v !== 'string' || v.trim() === '';
    })
    .map((f) => f.label);
}
