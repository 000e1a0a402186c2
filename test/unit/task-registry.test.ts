/**
 * The task registry (src/explainers/tasks.ts) is what the factory, the CLI, the element forms
 * and the demo read: every entry must load its explainer, and each consumer must see the same
 * tasks in the same order with the same inputs.
 */
import { describe, expect, it } from 'vitest';
import { EXPLAINER_TASKS, TASK_REGISTRY, findTask, taskTitle } from '../../src/explainers/tasks.js';
import { TASK_FORMS, taskForm, type ExplainInputs } from '../../components/explain-tasks.js';
import { TASKS } from '../../src/cli/tasks.js';
import { DEMO_TASKS } from '../../demo/tasks.js';

describe('task registry', () => {
  it('lists every task and alias once, aliases after their task', () => {
    expect(EXPLAINER_TASKS).toEqual([
      'text-classification',
      'sentiment-analysis',
      'text-pair-classification',
      'multi-label-classification',
      'zero-shot-classification',
      'question-answering',
      'token-classification',
      'image-classification',
      'text-generation',
    ]);
    expect(new Set(EXPLAINER_TASKS).size).toBe(EXPLAINER_TASKS.length);
    expect(TASKS).toBe(EXPLAINER_TASKS);
  });

  it('finds tasks by name and alias; unknown names are undefined', () => {
    expect(findTask('sentiment-analysis')?.task).toBe('text-classification');
    expect(taskTitle('sentiment-analysis')).toBe('Sentiment analysis');
    expect(taskTitle('question-answering')).toBe('Question answering');
    expect(findTask('translation')).toBeUndefined();
  });

  it('every entry loads an explainer class with fromPretrained and explain', async () => {
    for (const spec of TASK_REGISTRY) {
      const Cls = (await spec.load()) as unknown as { fromPretrained: unknown; prototype: { explain: unknown } };
      expect(typeof Cls.fromPretrained, spec.task).toBe('function');
      expect(typeof Cls.prototype.explain, spec.task).toBe('function');
    }
  });

  it('element forms follow the registry: titles, field order and explain arguments', () => {
    expect(Object.keys(TASK_FORMS)).toEqual([...EXPLAINER_TASKS]);
    const inputs: ExplainInputs = { text: 'T', textPair: 'P', question: 'Q', context: 'C', labels: ['a', 'b'], image: 'x.png' };
    for (const spec of TASK_REGISTRY) {
      const form = taskForm(spec.task);
      expect(form.title).toBe(spec.title);
      expect(form.fields.map((f) => f.name)).toEqual([...spec.inputs]);
      expect(form.args(inputs)).toEqual(spec.inputs.map((n) => inputs[n]));
    }
    expect(taskForm('text-pair-classification').fields.map((f) => f.label)).toEqual(['First text', 'Second text']);
    expect(taskForm('question-answering').args(inputs)).toEqual(['Q', 'C']);
    expect(taskForm('sentiment-analysis').title).toBe('Sentiment analysis');
    // A task the registry does not know still gets a single text field.
    expect(taskForm('some-new-task').fields.map((f) => f.name)).toEqual(['text']);
  });

  it('every demo task is a registry task', () => {
    for (const d of DEMO_TASKS) expect(findTask(d.task), d.task).toBeDefined();
  });
});
