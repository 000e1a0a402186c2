/**
 * The demo's tasks: one bundled tiny fixture model and one example input per task (the inputs
 * of the transformers-interpret reference cases in test/fixtures/reference/, so the browser
 * tests can compare with them). Which tasks exist, and their titles, come from the task
 * registry (`src/explainers/tasks.ts`); this file only holds each task's example.
 */
import type { ExplainerTask } from '../src/explainers/tasks.js';

/** Presets of `<gradscope-explain>` attributes, by attribute name. */
export type DemoInputs = Partial<Record<'text' | 'text-pair' | 'question' | 'context' | 'labels' | 'image', string>>;

/** One task of the demo. */
export interface DemoTask {
  /** Registry task name. */
  task: ExplainerTask;
  /** Folder under the demo's ./fixtures/models/. */
  fixture: string;
  inputs: DemoInputs;
  /** Explain options the example needs (e.g. the reference case's flags). */
  options?: Record<string, unknown>;
  /** A Hub model of the same task, suggested in the Hub field. */
  hubExample: string;
}

/** URL (relative to the demo page) of a bundled fixture model. */
export function fixtureModel(name: string): string {
  return `./fixtures/models/${name}`;
}

export const DEMO_TASKS: readonly DemoTask[] = [
  {
    task: 'text-classification',
    fixture: 'distilbert-sst2',
    inputs: { text: 'I love you, I like you' },
    hubExample: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english',
  },
  {
    task: 'text-pair-classification',
    fixture: 'minilm-cross-encoder',
    inputs: {
      text: 'How many people live in Berlin?',
      'text-pair': 'Berlin has a population of 3,520,031 registered inhabitants in an area of 891.82 square kilometers.',
    },
    // A single-logit cross-encoder: flip the sign, as the reference case does.
    options: { flipSign: true },
    hubExample: 'Xenova/ms-marco-MiniLM-L-6-v2',
  },
  {
    task: 'multi-label-classification',
    fixture: 'distilroberta-emotion',
    inputs: { text: 'There were many aspects of the film I liked, but it was frightening and gross in parts. My parents hated it.' },
    hubExample: 'SamLowe/roberta-base-go_emotions-onnx',
  },
  {
    task: 'zero-shot-classification',
    fixture: 'bert-nli',
    inputs: {
      text: 'Today apple released the new Macbook showing off a range of new features found in the proprietary silicon chip computer.',
      labels: 'finance, technology, sports',
    },
    hubExample: 'Xenova/distilbert-base-uncased-mnli',
  },
  {
    task: 'question-answering',
    fixture: 'bert-squad',
    inputs: {
      question: 'What is natural language processing ?',
      context:
        'In Artificial Intelligence and machine learning, Natural Language Processing relates to the usage of machines to process and understand human language. Many researchers currently work in this space.',
    },
    hubExample: 'Xenova/distilbert-base-cased-distilled-squad',
  },
  {
    task: 'token-classification',
    fixture: 'bert-ner',
    inputs: { text: 'We visited Paris last weekend, where Emmanuel Macron lives.' },
    hubExample: 'Xenova/bert-base-NER',
  },
  {
    task: 'image-classification',
    fixture: 'vit',
    inputs: { image: './fixtures/test.png' },
    // Plain IG: deterministic, and `n-steps` applies (the default, IGNT, draws random noise).
    options: { attributionType: 'IG' },
    hubExample: 'Xenova/vit-base-patch16-224',
  },
  {
    task: 'text-generation',
    fixture: 'gpt2-tiny',
    // The captum reference case (generate_5): five greedy tokens, compared in the browser tests.
    inputs: { text: 'The movie was great because' },
    options: { maxNewTokens: 5, compat: 'captum' },
    hubExample: 'Xenova/gpt2',
  },
];
