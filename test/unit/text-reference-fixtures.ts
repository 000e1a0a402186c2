/**
 * Loads the text reference cases of test/fixtures/reference (see test/fixtures/README.md).
 * Only the fields the attribution / text-preparation tests read are typed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
export const REFERENCE_DIR = path.join(FIXTURES_DIR, 'reference');
export const MODELS_DIR = path.join(FIXTURES_DIR, 'models');

/** The per-run rows (top level for most explainers, per label for zero-shot). */
export interface ReferenceRows {
  input_ids: number[];
  ref_input_ids: number[];
  token_type_ids?: number[];
  ref_token_type_ids?: number[];
  position_ids: number[];
  ref_position_ids: number[];
  attention_mask: number[];
  lig_inputs: string[];
}

export interface ReferenceAttribution extends Partial<ReferenceRows> {
  raw_attribution_sums: number[];
  normalized_attributions: number[];
  normalization_slice_end: number | null;
  l2_norm: number;
  flip_sign: boolean;
  convergence_delta: number[];
  forward_at_input: number;
  forward_at_baseline: number;
  attribution_total: number;
  layer_attributions: number[][];
  layer_attributions_shape: number[];
  tokens: string[];
  label?: string;
  hypothesis?: string;
  output?: 'start' | 'end';
  token_index?: number;
}

export interface TextReference extends Partial<ReferenceRows> {
  model: string;
  case: string;
  explainer: string;
  call: Record<string, unknown>;
  effective: {
    n_steps: number;
    internal_batch_size: number | null;
    ref_token_id: number;
    cls_token_id: number;
    sep_token_id: number;
    accepts_token_type_ids: boolean;
  };
  cleaned_text?: string;
  sep_idx?: number;
  tokens?: string[];
  word_attributions: unknown;
  prediction: Record<string, unknown>;
  attributions: ReferenceAttribution[];
}

export interface ReferenceCase {
  /** `<model>/<case>` */
  name: string;
  ref: TextReference;
}

const TEXT_EXPLAINERS = new Set([
  'SequenceClassificationExplainer',
  'PairwiseSequenceClassificationExplainer',
  'MultiLabelClassificationExplainer',
  'ZeroShotClassificationExplainer',
  'QuestionAnsweringExplainer',
  'TokenClassificationExplainer',
]);

/** Every text case listed in reference/index.json. */
export function loadTextReferences(): ReferenceCase[] {
  const index = JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'index.json'), 'utf8')) as Record<string, string[]>;
  const out: ReferenceCase[] = [];
  for (const [model, cases] of Object.entries(index)) {
    for (const c of cases) {
      const ref = JSON.parse(readFileSync(path.join(REFERENCE_DIR, model, `${c}.json`), 'utf8')) as TextReference;
      if (TEXT_EXPLAINERS.has(ref.explainer)) out.push({ name: `${model}/${c}`, ref });
    }
  }
  return out;
}

/** Largest |a - b| over two equally long arrays (throws on length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
