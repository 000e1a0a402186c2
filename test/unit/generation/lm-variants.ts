/**
 * Variants of the tiny causal-LM exports made by graph surgery, for the export shapes
 * transformers.js repositories come in: without `past_key_values` inputs (and `present`
 * outputs), without a `position_ids` input (positions computed from the cache length), and
 * with a `num_logits_to_keep` input. Each variant computes the same logits as the original.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Graph } from '../../../src/onnx/ir.js';
import { decodeModel, encodeModel } from '../../../src/onnx/model-io.js';

export type LmVariant = 'no-past' | 'no-position-ids' | 'num-logits-to-keep';

function replaceUses(g: Graph, from: string, to: string): void {
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
}

/** Empty caches [batch, heads, 0, head_dim] built inside the graph, so the graph no longer takes them. */
function dropPast(g: Graph): void {
  const batch = g.op('Gather', [g.op('Shape', ['input_ids']), g.constI64([0])], { axis: 0 });
  for (const p of g.inputs.filter((v) => v.name.startsWith('past_key_values.'))) {
    const [, h, , d] = p.shape ?? [];
    const empty = g.op('ConstantOfShape', [g.op('Concat', [batch, g.constI64([Number(h), 0, Number(d)])], { axis: 0 })]);
    replaceUses(g, p.name, empty);
  }
  g.inputs = g.inputs.filter((v) => !v.name.startsWith('past_key_values.'));
  g.outputs = g.outputs.filter((v) => !v.name.startsWith('present.'));
}

/** position_ids = past_length + 0..T-1, computed inside the graph. */
function dropPositionIds(g: Graph): void {
  const past = g.inputs.find((v) => v.name.startsWith('past_key_values.'));
  const start = past ? g.op('Gather', [g.op('Shape', [past.name]), g.constI64([2])], { axis: 0 }) : g.constI64([0]);
  const len = g.op('Gather', [g.op('Shape', ['input_ids']), g.constI64([1])], { axis: 0 });
  const scalar = (t: string): string => g.op('Squeeze', [t, g.constI64([0])]);
  const s = scalar(start);
  const positions = g.op('Unsqueeze', [g.op('Range', [s, g.op('Add', [s, scalar(len)]), g.op('Squeeze', [g.constI64([1]), g.constI64([0])])]), g.constI64([0])]);
  replaceUses(g, 'position_ids', positions);
  g.inputs = g.inputs.filter((v) => v.name !== 'position_ids');
}

/** logits = logits[:, -num_logits_to_keep:] (0 keeps every position, as in transformers). */
function addNumLogitsToKeep(g: Graph): void {
  const producer = g.nodes.find((n) => n.outputs.includes('logits'));
  if (!producer) throw new Error('no logits');
  producer.outputs = producer.outputs.map((o) => (o === 'logits' ? 'logits_all' : o));
  g.inputs.push({ name: 'num_logits_to_keep', dtype: 'int64', shape: [] });
  const starts = g.op('Unsqueeze', [g.op('Neg', ['num_logits_to_keep']), g.constI64([0])]);
  g.nodes.push({ opType: 'Slice', domain: '', name: 'keep_logits', inputs: ['logits_all', starts, g.constI64([2 ** 53]), g.constI64([1])], outputs: ['logits'], attrs: {} });
  g.topoSort();
}

/** Writes a copy of fixture `model` with `variants` applied to a fresh temp folder; returns its path. */
export function writeLmVariant(model: string, variants: readonly LmVariant[]): string {
  const src = `test/fixtures/models/${model}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gradscope-${model}-`));
  for (const f of fs.readdirSync(src)) if (f !== 'onnx') fs.copyFileSync(path.join(src, f), path.join(dir, f));
  const m = decodeModel(new Uint8Array(fs.readFileSync(path.join(src, 'onnx/model.onnx'))));
  // Positions first: they read the cache length, which dropPast replaces by an empty slice.
  if (variants.includes('no-position-ids')) dropPositionIds(m.graph);
  if (variants.includes('no-past')) dropPast(m.graph);
  if (variants.includes('num-logits-to-keep')) addNumLogitsToKeep(m.graph);
  m.graph.topoSort();
  fs.mkdirSync(path.join(dir, 'onnx'));
  fs.writeFileSync(path.join(dir, 'onnx/model.onnx'), encodeModel(m).bytes);
  return dir;
}
