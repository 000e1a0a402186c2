/**
 * Builds gradscope result objects from the transformers-interpret reference JSON in
 * test/fixtures/reference, for the visualisation tests (unit and browser). Not a test file.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ImageClassificationResult,
  MultiLabelResult,
  QuestionAnsweringResult,
  SequenceClassificationResult,
  TokenClassificationResult,
  WordAttribution,
  ZeroShotResult,
} from '../../src/types.js';

export const REFERENCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/reference');

type Json = Record<string, unknown>;
interface RefAttribution {
  raw_attribution_sums: number[];
  convergence_delta: number | number[];
  forward_at_input: number;
  tokens?: string[];
  label?: string;
  output?: string;
  token_index?: number;
}

function load(model: string, kase: string): Json {
  return JSON.parse(readFileSync(join(REFERENCE_DIR, model, `${kase}.json`), 'utf8')) as Json;
}
const num = (v: number | number[]): number => (Array.isArray(v) ? (v[0] ?? NaN) : v);
const pairs = (v: unknown): WordAttribution[] => (v as [string, number][]).map(([t, s]) => [t, s]);

/** Reads a raw little-endian float32 file from the reference folder. */
export function readF32(model: string, file: string): Float32Array {
  const buf = readFileSync(join(REFERENCE_DIR, model, file));
  const out = new Float32Array(buf.byteLength / 4);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function sequenceResult(model = 'distilbert-sst2', kase = 'default'): SequenceClassificationResult {
  const d = load(model, kase);
  const p = d.prediction as Json;
  const a = (d.attributions as RefAttribution[])[0] as RefAttribution;
  const name = (p.predicted_class_name as string | null) ?? (p.selected_class_name as string);
  return {
    task: 'text-classification',
    model,
    tokens: d.tokens as string[],
    inputIds: d.input_ids as number[],
    wordAttributions: pairs(d.word_attributions),
    rawAttributions: a.raw_attribution_sums,
    predictedClassIndex: p.predicted_class_index as number,
    predictedClassName: name,
    predictedProbability: p.pred_prob_explained as number,
    attributionClassIndex: p.selected_index as number,
    attributionClassName: p.selected_class_name as string,
    delta: num(a.convergence_delta),
  };
}

export function multiLabelResult(): MultiLabelResult {
  const d = load('distilroberta-emotion', 'default');
  const p = d.prediction as Json;
  const wa = d.word_attributions as Record<string, unknown>;
  const atts = d.attributions as RefAttribution[];
  const byLabel = <T>(f: (a: RefAttribution) => T): Record<string, T> =>
    Object.fromEntries(atts.map((a) => [a.label as string, f(a)]));
  return {
    task: 'multi-label-classification',
    model: 'distilroberta-emotion',
    tokens: d.tokens as string[],
    inputIds: d.input_ids as number[],
    wordAttributions: Object.fromEntries(Object.entries(wa).map(([k, v]) => [k, pairs(v)])),
    rawAttributions: byLabel((a) => a.raw_attribution_sums),
    labelProbabilities: p.label_probs_dict as Record<string, number>,
    deltas: byLabel((a) => num(a.convergence_delta)),
  };
}

export function zeroShotResult(model = 'bert-nli', kase = 'default'): ZeroShotResult {
  const d = load(model, kase);
  const p = d.prediction as Json;
  const labels = (d.call as Json).labels as string[];
  const atts = d.attributions as RefAttribution[];
  const wa = d.word_attributions as Record<string, unknown>;
  const scores = p.pred_probs_normalized_entailment_sigmoid as number[];
  const first = atts[0] as RefAttribution;
  return {
    task: 'zero-shot-classification',
    model,
    tokens: first.tokens ?? [],
    inputIds: ((p.per_hypothesis as Json[])[0] as Json).input_ids as number[],
    wordAttributions: Object.fromEntries(labels.map((l) => [l, pairs(wa[l])])),
    rawAttributions: Object.fromEntries(atts.map((a, i) => [labels[i] as string, a.raw_attribution_sums])),
    predictedLabel: p.predicted_label as string,
    labelScores: Object.fromEntries(labels.map((l, i) => [l, scores[i] ?? NaN])),
    labelProbabilities: Object.fromEntries(atts.map((a, i) => [labels[i] as string, a.forward_at_input])),
    deltas: Object.fromEntries(atts.map((a, i) => [labels[i] as string, num(a.convergence_delta)])),
    tokensByLabel: Object.fromEntries(atts.map((a, i) => [labels[i] as string, a.tokens ?? []])),
  };
}

export function qaResult(): QuestionAnsweringResult {
  const d = load('bert-squad', 'default');
  const p = d.prediction as Json;
  const wa = d.word_attributions as Record<'start' | 'end', unknown>;
  const atts = d.attributions as RefAttribution[];
  const by = (o: string): RefAttribution => atts.find((a) => a.output === o) as RefAttribution;
  return {
    task: 'question-answering',
    model: 'bert-squad',
    tokens: d.tokens as string[],
    inputIds: d.input_ids as number[],
    wordAttributions: { start: pairs(wa.start), end: pairs(wa.end) },
    rawAttributions: { start: by('start').raw_attribution_sums, end: by('end').raw_attribution_sums },
    predictedAnswer: p.predicted_answer as string,
    startPosition: p.start_pos as number,
    endPosition: p.end_pos as number,
    deltas: { start: num(by('start').convergence_delta), end: num(by('end').convergence_delta) },
  };
}

export function tokenClassificationResult(kase = 'default'): TokenClassificationResult {
  const d = load('bert-ner', kase);
  const p = d.prediction as Json;
  const probs = p.pred_probs_attribution_forward as number[][];
  const entries = d.word_attributions_by_index as { index: number; token: string; label: string; attribution_scores: unknown }[];
  return {
    task: 'token-classification',
    model: 'bert-ner',
    tokens: d.tokens as string[],
    inputIds: d.input_ids as number[],
    wordAttributions: entries.map((e) => ({
      index: e.index,
      token: e.token,
      label: e.label,
      probability: Math.max(...(probs[e.index] ?? [NaN])),
      attributions: pairs(e.attribution_scores),
    })),
    predictedLabels: p.predicted_class_names as string[],
  };
}

export function imageResult(model = 'vit', kase = 'ig'): ImageClassificationResult {
  const d = load(model, kase);
  const p = d.prediction as Json;
  const file = d.attributions_file as { path: string; shape: [number, number, number, number] };
  const pv = d.pixel_values_file as { path: string } | undefined;
  const probs = p.probs as number[];
  const labels = ['circle', 'square', 'triangle', 'stripes', 'blob'];
  const idx = p.predicted_index as number;
  return {
    task: 'image-classification',
    model,
    attributions: readF32(model, file.path),
    shape: file.shape,
    predictedClassIndex: idx,
    predictedClassName: p.predicted_label as string,
    predictedProbability: probs[idx] ?? NaN,
    attributionClassIndex: p.selected_index as number,
    attributionClassName: labels[p.selected_index as number] ?? String(p.selected_index),
    delta: num(d.convergence_delta as number[]),
    pixelValues: pv ? readF32(model, pv.path) : undefined,
  };
}
