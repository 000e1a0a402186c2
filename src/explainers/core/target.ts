/**
 * Which class an explanation is about, and what the classes are called: label lists from
 * config.json's id2label or `customLabels`, the `LABEL_i` default names, and target selection
 * by `index` / `className` (default: the predicted class). One module for text and images.
 *
 * Bad-input checks on targets and labels (label count against the logits width, empty or
 * malformed `index`, ...) belong here.
 *
 * @module
 */
import { InputError } from '../../errors.js';

/** Labels given by the caller: in output order, or keyed by output index. */
export type LabelSource = string[] | Record<number, string>;

/** The class to explain, as the explain options name it. */
export interface TargetChoice {
  /** Class to explain by index (wins over className). */
  index?: number | null | undefined;
  /** Class to explain by name. */
  className?: string | undefined;
}

/** A label source as a list in output order (keys sorted numerically). */
export function labelList(source: LabelSource): string[] {
  return Array.isArray(source) ? [...source] : Object.entries(source).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
}

/** The labels of a model config (its `id2label`, in index order; empty when absent). */
export function configLabels(config: unknown): string[] {
  const id2label = (config as { id2label?: Record<string, string> } | null | undefined)?.id2label;
  return labelList((id2label ?? {}) as Record<number, string>);
}

/**
 * `custom` as the label list, checked to have `expected` entries (0: any count).
 *
 * @throws {InputError} (`code: 'bad-custom-labels'`) when the counts differ.
 */
export function checkCustomLabels(custom: LabelSource, expected: number): string[] {
  const labels = labelList(custom);
  if (expected > 0 && labels.length !== expected) {
    throw new InputError(`customLabels has ${labels.length} labels but the model has ${expected} outputs; give exactly one label per output.`, { code: 'bad-custom-labels' });
  }
  return labels;
}

/** The name of class `i`: its label, else transformers' default `LABEL_i`. */
export function labelName(labels: readonly string[], i: number): string {
  return labels[i] ?? `LABEL_${i}`;
}

/**
 * Index of a label.
 *
 * @throws {InputError} (`code: 'unknown-class-name'`) listing the valid names.
 */
export function labelIndex(labels: readonly string[], name: string): number {
  const i = labels.indexOf(name);
  if (i < 0) {
    throw new InputError(`Unknown class name "${name}". Valid class names: ${labels.map((l) => JSON.stringify(l)).join(', ')}.`, { code: 'unknown-class-name' });
  }
  return i;
}

/**
 * The class to explain: `index` when given, else `className`, else `predicted`.
 *
 * @throws {InputError} `bad-index` (out of range) or `unknown-class-name`.
 *
 * @example
 * resolveTarget({ className: 'POSITIVE' }, ['NEGATIVE', 'POSITIVE'], 2, 0); // 1
 */
export function resolveTarget(choice: TargetChoice, labels: readonly string[], nClasses: number, predicted: number): number {
  if (choice.index !== undefined && choice.index !== null) {
    if (!Number.isInteger(choice.index) || choice.index < 0 || choice.index >= nClasses) {
      throw new InputError(`index ${String(choice.index)} is out of range: the model has ${nClasses} classes (0..${nClasses - 1}).`, { code: 'bad-index' });
    }
    return choice.index;
  }
  if (choice.className !== undefined) return labelIndex(labels, choice.className);
  return predicted;
}
