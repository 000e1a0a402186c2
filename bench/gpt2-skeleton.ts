/**
 * A GPT-2-small-sized causal LM built op by op (12 layers, 12 heads, hidden 768, vocab 50257,
 * 1024 positions: 124M parameters, plus the untied lm_head copy exports carry), in the layout of
 * a transformers.js text-generation export: `input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.{i}.key|value` in, `logits` and `present.{i}.key|value` out. Weights are
 * seeded normal(0, 0.02) draws (LayerNorm scales 1, shifts 0) made at bench time, never stored.
 */
import { Graph } from '../src/onnx/ir.js';
import type { OnnxModel } from '../src/onnx/model-io.js';
import { gaussian } from '../src/attribution/noise-tunnel.js';
import { f32 } from '../src/onnx/tensor.js';

/** Sizes of the built model. */
export interface Gpt2Size {
  layers: number;
  heads: number;
  hidden: number;
  vocab: number;
  positions: number;
}

export const GPT2_SMALL: Gpt2Size = { layers: 12, heads: 12, hidden: 768, vocab: 50257, positions: 1024 };

/**
 * Builds the model (weights included) and its config.json.
 *
 * @example
 * const { model, config } = buildGpt2(GPT2_SMALL, 1);
 */
export function buildGpt2(size: Gpt2Size, seed: number): { model: OnnxModel; config: Record<string, unknown>; parameters: number } {
  const g = new Graph();
  g.opset = 17;
  const rand = gaussian(seed);
  let parameters = 0;
  const weight = (dims: number[], fill: 'normal' | 'one' | 'zero' = 'normal'): string => {
    const n = dims.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    if (fill === 'one') v.fill(1);
    else if (fill === 'normal') for (let i = 0; i < n; i++) v[i] = 0.02 * rand();
    parameters += n;
    return g.constant(f32(v, dims), 'w');
  };
  const { hidden: H, heads: NH, vocab: V } = size;
  const D = H / NH;
  const i64 = (n: number[]): string => g.constI64(n);
  g.inputs.push(
    { name: 'input_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
    { name: 'attention_mask', dtype: 'int64', shape: ['batch_size', 'total_sequence_length'] },
    { name: 'position_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
  );
  for (let l = 0; l < size.layers; l++) {
    for (const kv of ['key', 'value']) g.inputs.push({ name: `past_key_values.${l}.${kv}`, dtype: 'float32', shape: ['batch_size', NH, 'past_sequence_length', D] });
  }
  const wte = weight([V, H]);
  g.initializers.set('transformer.wte.weight', g.initializers.get(wte) as never);
  g.initializers.delete(wte);
  const tokens = g.op('Gather', ['transformer.wte.weight', 'input_ids'], { axis: 0 });
  let x = g.op('Add', [tokens, g.op('Gather', [weight([size.positions, H]), 'position_ids'], { axis: 0 })]);

  // Causal mask [T, past + T]: query i (at position past + i) sees keys 0..past + i.
  const scalarOf = (t: string): string => g.op('Squeeze', [t, i64([0])]);
  const past = scalarOf(g.op('Gather', [g.op('Shape', ['past_key_values.0.key']), i64([2])], { axis: 0 }));
  const T = scalarOf(g.op('Gather', [g.op('Shape', ['input_ids']), i64([1])], { axis: 0 }));
  const total = g.op('Add', [past, T]);
  const one = scalarOf(i64([1]));
  const rows = g.op('Unsqueeze', [g.op('Range', [past, total, one]), i64([1])]);
  const cols = g.op('Unsqueeze', [g.op('Range', [scalarOf(i64([0])), total, one]), i64([0])]);
  const bias = g.op('Where', [g.op('LessOrEqual', [cols, rows]), g.scalarF32(0), g.scalarF32(-1e9)]);

  const ln = (t: string): string => g.op('LayerNormalization', [t, weight([H], 'one'), weight([H], 'zero')], { axis: -1, epsilon: 1e-5 });
  const linear = (t: string, i: number, o: number): string => g.op('Add', [g.op('MatMul', [t, weight([i, o])]), weight([o], 'zero')]);
  const heads = (t: string): string => g.op('Transpose', [g.op('Reshape', [t, i64([0, 0, NH, D])])], { perm: [0, 2, 1, 3] });
  for (let l = 0; l < size.layers; l++) {
    const h = ln(x);
    const q = heads(linear(h, H, H));
    const k = g.op('Concat', [`past_key_values.${l}.key`, heads(linear(h, H, H))], { axis: 2 });
    const v = g.op('Concat', [`past_key_values.${l}.value`, heads(linear(h, H, H))], { axis: 2 });
    g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('present_k'), inputs: [k], outputs: [`present.${l}.key`], attrs: {} });
    g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('present_v'), inputs: [v], outputs: [`present.${l}.value`], attrs: {} });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), g.scalarF32(1 / Math.sqrt(D))]), bias]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), i64([0, 0, H])]);
    x = g.op('Add', [x, linear(merged, H, H)]);
    const m = linear(ln(x), H, 4 * H);
    // gelu_new: 0.5 m (1 + tanh(sqrt(2/pi) (m + 0.044715 m^3)))
    const cube = g.op('Mul', [m, g.op('Mul', [m, m])]);
    const inner = g.op('Mul', [g.op('Add', [m, g.op('Mul', [cube, g.scalarF32(0.044715)])]), g.scalarF32(Math.sqrt(2 / Math.PI))]);
    const gelu = g.op('Mul', [g.op('Mul', [m, g.scalarF32(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.scalarF32(1)])]);
    x = g.op('Add', [x, linear(gelu, 4 * H, H)]);
  }
  const lmHead = weight([H, V]);
  parameters -= H * V; // tied with wte in the model; the export stores a copy
  g.nodes.push({ opType: 'MatMul', domain: '', name: 'lm_head', inputs: [ln(x), lmHead], outputs: ['logits'], attrs: {} });
  g.outputs.push({ name: 'logits', dtype: 'float32', shape: ['batch_size', 'sequence_length', V] });
  for (let l = 0; l < size.layers; l++) {
    for (const kv of ['key', 'value']) g.outputs.push({ name: `present.${l}.${kv}`, dtype: 'float32', shape: ['batch_size', NH, 'total_sequence_length', D] });
  }
  g.reserveNames();
  const config = {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    n_embd: H,
    n_head: NH,
    n_layer: size.layers,
    n_positions: size.positions,
    vocab_size: V,
    bos_token_id: 891,
    eos_token_id: 891,
  };
  return { model: { graph: g, irVersion: 8, producerName: 'gradscope-bench', otherOpsets: [], source: new Uint8Array(0) }, config, parameters };
}
