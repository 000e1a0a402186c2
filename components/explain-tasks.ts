/**
 * What `<gradscope-explain>` asks for, per task: the ONE table mapping an explainer task to
 * its input form and to the positional arguments of the function `explainer(task, ...)`
 * returns. A task the factory learns later only needs a row here (and tasks that take one
 * text need none: unknown tasks fall back to a single text field).
 *
 * @module
 */
import type { ImageSource } from '../src/explainers/image/preprocess.js';

/** Names of the inputs an explain form can have. */
export type ExplainFieldName = 'text' | 'textPair' | 'question' | 'context' | 'labels' | 'image';

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

const TEXT: ExplainFieldSpec = { name: 'text', label: 'Text', control: 'textarea', placeholder: 'Type a sentence to explain' };
const textOnly = (title: string): ExplainTaskForm => ({ title, fields: [TEXT], args: (v) => [v.text] });

/**
 * Task -> form. Keys are the factory's task names (`src/explainers/factory.ts`).
 */
export const TASK_FORMS: Readonly<Record<string, ExplainTaskForm>> = {
  'text-classification': textOnly('Text classification'),
  'sentiment-analysis': textOnly('Sentiment analysis'),
  'multi-label-classification': textOnly('Multi-label classification'),
  'token-classification': textOnly('Token classification (NER)'),
  'text-pair-classification': {
    title: 'Text-pair classification',
    fields: [
      { ...TEXT, label: 'First text' },
      { name: 'textPair', label: 'Second text', control: 'textarea', placeholder: 'The text it is paired with' },
    ],
    args: (v) => [v.text, v.textPair],
  },
  'zero-shot-classification': {
    title: 'Zero-shot classification',
    fields: [
      TEXT,
      { name: 'labels', label: 'Candidate labels', control: 'input', placeholder: 'finance, technology, sports', hint: 'Separate labels with commas.' },
    ],
    args: (v) => [v.text, v.labels],
  },
  'question-answering': {
    title: 'Question answering',
    fields: [
      { name: 'question', label: 'Question', control: 'input', placeholder: 'What is ...?' },
      { name: 'context', label: 'Context', control: 'textarea', placeholder: 'The text that holds the answer' },
    ],
    args: (v) => [v.question, v.context],
  },
  'image-classification': {
    title: 'Image classification',
    fields: [{ name: 'image', label: 'Image', control: 'image', hint: 'Drop an image here, or choose a file.' }],
    args: (v) => [v.image as ImageSource],
  },
};

/** The form of `task`; a task without a row gets a single text field. */
export function taskForm(task: string): ExplainTaskForm {
  return TASK_FORMS[task] ?? textOnly(task);
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
