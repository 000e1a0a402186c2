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
import { InputError, ModelError } from '../../errors.js';

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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The labels of a model config (its `id2label`, in index order; empty when absent).
 *
 * @throws {ModelError} (`code: 'invalid-config'`) when `id2label` is not an object of strings.
 */
export function configLabels(config: unknown): string[] {
  const id2label = isPlainObject(config) ? config.id2label : undefined;
  if (id2label === undefined || id2label === null) return [];
  if (!isPlainObject(id2label) || Object.entries(id2label).some(([k, v]) => typeof v !== 'string' || !/^\d+$/.test(k))) {
    throw new ModelError('config.json\'s id2label must map class indexes to names, e.g. {"0": "NEGATIVE", "1": "POSITIVE"}. Fix config.json, or pass customLabels.', { code: 'invalid-config' });
  }
  return labelList(id2label as Record<number, string>);
}

/**
 * Throws when a label list does not name every logit. `width`: the model's class count
 * (undefined when not known yet; 0 labels: the default `LABEL_i` names fit any width).
 *
 * @throws {ModelError} (`code: 'label-count-mismatch'`) naming both numbers.
 */
export function checkLabelCount(nLabels: number, width: number | undefined): void {
  if (width !== undefined && nLabels > 0 && nLabels !== width) {
    throw new ModelError(
      `The model outputs ${width} logit${width === 1 ? '' : 's'} per prediction but config.json's id2label names ${nLabels} label${nLabels === 1 ? '' : 's'}. Fix id2label in config.json, or pass customLabels with ${width} names.`,
      { code: 'label-count-mismatch' },
    );
  }
}

/**
 * The labels of a model: `custom` when given (checked to name every logit), else the config's
 * (checked against the logits `width` when it is known).
 *
 * @throws {InputError} `bad-custom-labels`; {@link ModelError} `invalid-config` or `label-count-mismatch`.
 */
export function modelLabels(config: unknown, custom: LabelSource | null | undefined, width: number | undefined): string[] {
  if (custom !== undefined && custom !== null) return checkCustomLabels(custom, width ?? configLabels(config).length);
  const labels = configLabels(config);
  checkLabelCount(labels.length, width);
  return labels;
}

/**
 * `custom` as the label list, checked to have `expected` entries (0: any count).
 *
 * @throws {InputError} (`code: 'bad-custom-labels'`) when it is not a list (or index map) of
 * strings, or the counts differ.
 */
export function checkCustomLabels(custom: unknown, expected: number): string[] {
  if (!isPlainObject(custom) && !Array.isArray(custom)) {
    throw new InputError(`customLabels must be an array of names in output order (or an object keyed by output index), got ${custom === null ? 'null' : typeof custom}.`, { code: 'bad-custom-labels' });
  }
  const labels = labelList(custom as LabelSource);
  if (labels.some((l) => typeof l !== 'string')) {
    throw new InputError('Every customLabels entry must be a string.', { code: 'bad-custom-labels' });
  }
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
 * The class to explain: `index` when given (it wins over `className`, as in the original), else
 * `className` (a label, or `LABEL_i` when the model has no labels), else `predicted`.
 *
 * @throws {InputError} `bad-index` (out of range) or `unknown-class-name`.
 *
 * @example
 * resolveTarget({ className: 'POSITIVE' }, ['NEGATIVE', 'POSITIVE'], 2, 0); // 1
 */
export function resolveTarget(choice: TargetChoice, labels: readonly string[], nClasses: number, predicted: number): number {
  const { index, className } = choice as { index?: unknown; className?: unknown };
  // Without id2label the classes are called LABEL_0, LABEL_1, ... (as transformers names them).
  const names = labels.length > 0 ? labels : Array.from({ length: nClasses }, (_, i) => labelName(labels, i));
  if (className !== undefined && typeof className !== 'string') {
    throw new InputError(`className must be a string naming a class, got ${JSON.stringify(className) ?? typeof className}.`, { code: 'unknown-class-name' });
  }
  if (index !== undefined && index !== null) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= nClasses) {
      const got = typeof index === 'string' ? JSON.stringify(index) : String(index);
      throw new InputError(`index must be a whole number from 0 to ${nClasses - 1} (the model has ${nClasses} class${nClasses === 1 ? '' : 'es'}), got ${got}.`, { code: 'bad-index' });
    }
    // Both given: index wins, as in transformers-interpret (documented on every explainer's
    // options); a className that names no class is still refused rather than ignored.
    if (className !== undefined) labelIndex(names, className);
    return index;
  }
  if (className !== undefined) return labelIndex(names, className);
  return predicted;
}
