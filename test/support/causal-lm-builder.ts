/**
 * Causal language models built op by op with seeded random weights, in the layout of a
 * transformers.js text-generation export: `input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.{i}.key|value` in, `logits` and `present.{i}.key|value` out. Families:
 * GPT-2 (LayerNorm, learned positions, gelu_new MLP), Llama (RMSNorm, rotary positions, SiLU
 * MLP, grouped-query attention, tied or untied embeddings), Qwen2-like (Llama with q/k/v
 * biases) and GPT-NeoX-like (rotary on part of each head, attention and MLP in parallel).
 * Used by the family tests (tiny sizes) and the generation benchmark (GPT-2 small size).
 */
import { gaussian } from '../../src/attribution/noise-tunnel.js';
import { Graph } from '../../src/onnx/ir.js';
import type { OnnxModel } from '../../src/onnx/model-io.js';
import { f32 } from '../../src/onnx/tensor.js';

export type LmFamily = 'gpt2' | 'llama' | 'qwen2' | 'gpt-neox';

/** Sizes and family switches of the built model. */
export interface LmSpec {
  family: LmFamily;
  layers: number;
  heads: number;
  /** Key/value heads (grouped-query attention when fewer than `heads`); default `heads`. */
  kvHeads?: number;
  hidden: number;
  vocab: number;
  positions: number;
  /** Llama family: the LM head reuses the embedding table. */
  tied?: boolean;
  /** GPT-NeoX: fraction of each head that is rotated (default 1; NeoX uses 0.25). */
  rotaryPct?: number;
}

export const GPT2_SMALL: LmSpec = { family: 'gpt2', layers: 12, heads: 12, hidden: 768, vocab: 50257, positions: 1024 };

/**
 * Builds the model (weights included) and its config.json.
 *
 * @example
 * const { model, config } = buildCausalLm({ family: 'llama', layers: 2, heads: 4, kvHeads: 2, hidden: 32, vocab: 892, positions: 256 }, 1);
 */
export function buildCausalLm(spec: LmSpec, seed: number): { model: OnnxModel; config: Record<string, unknown>; parameters: number } {
  const g = new Graph();
  g.opset = 17;
  const rand = gaussian(seed);
  let parameters = 0;
  const weight = (dims: number[], fill: 'normal' | 'one' | 'zero' = 'normal', name?: string): string => {
    const n = dims.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    if (fill === 'one') v.fill(1);
    else if (fill === 'normal') for (let i = 0; i < n; i++) v[i] = 0.1 * rand();
    parameters += n;
    if (name) {
      g.initializers.set(name, f32(v, dims));
      return name;
    }
    return g.constant(f32(v, dims), 'w');
  };
  const { hidden: H, heads: NH, vocab: V, family } = spec;
  const KVH = spec.kvHeads ?? NH;
  const D = H / NH;
  const gpt2 = family === 'gpt2';
  const i64 = (n: number[]): string => g.constI64(n);
  g.inputs.push(
    { name: 'input_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
    { name: 'attention_mask', dtype: 'int64', shape: ['batch_size', 'total_sequence_length'] },
    { name: 'position_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
  );
  for (let l = 0; l < spec.layers; l++) {
    for (const kv of ['key', 'value']) g.inputs.push({ name: `past_key_values.${l}.${kv}`, dtype: 'float32', shape: ['batch_size', KVH, 'past_sequence_length', D] });
  }
  const table = weight([V, H], 'normal', gpt2 ? 'transformer.wte.weight' : 'model.embed_tokens.weight');
  let x = g.op('Gather', [table, 'input_ids'], { axis: 0 });
  if (gpt2) x = g.op('Add', [x, g.op('Gather', [weight([spec.positions, H]), 'position_ids'], { axis: 0 })]);

  // Causal mask [T, past + T]: query i (at position past + i) sees keys 0..past + i.
  const scalarOf = (t: string): string => g.op('Squeeze', [t, i64([0])]);
  const past = scalarOf(g.op('Gather', [g.op('Shape', ['past_key_values.0.key']), i64([2])], { axis: 0 }));
  const T = scalarOf(g.op('Gather', [g.op('Shape', ['input_ids']), i64([1])], { axis: 0 }));
  const total = g.op('Add', [past, T]);
  const one = scalarOf(i64([1]));
  const rows = g.op('Unsqueeze', [g.op('Range', [past, total, one]), i64([1])]);
  const cols = g.op('Unsqueeze', [g.op('Range', [scalarOf(i64([0])), total, one]), i64([0])]);
  const bias = g.op('Where', [g.op('LessOrEqual', [cols, rows]), g.scalarF32(0), g.scalarF32(-1e9)]);

  // Rotary tables [positions, rot] looked up by position id -> [B, 1, T, rot].
  const rot = gpt2 ? 0 : 2 * Math.round((D * (spec.rotaryPct ?? 1)) / 2);
  let cos = '';
  let sin = '';
  if (rot > 0) {
    const c = new Float32Array(spec.positions * rot);
    const s = new Float32Array(spec.positions * rot);
    for (let p = 0; p < spec.positions; p++) {
      for (let i = 0; i < rot / 2; i++) {
        const a = p / 10000 ** ((2 * i) / rot);
        c[p * rot + i] = c[p * rot + i + rot / 2] = Math.cos(a);
        s[p * rot + i] = s[p * rot + i + rot / 2] = Math.sin(a);
      }
    }
    const lookup = (t: Float32Array): string => g.op('Unsqueeze', [g.op('Gather', [g.constant(f32(t, [spec.positions, rot]), 'rope'), 'position_ids'], { axis: 0 }), i64([1])]);
    cos = lookup(c);
    sin = lookup(s);
  }
  const slice = (t: string, from: number, to: number): string => g.op('Slice', [t, i64([from]), i64([to]), i64([3])]);
  const rotary = (t: string): string => {
    if (rot === 0) return t;
    const r = slice(t, 0, rot);
    const half = g.op('Concat', [g.op('Neg', [slice(r, rot / 2, rot)]), slice(r, 0, rot / 2)], { axis: 3 });
    const rotated = g.op('Add', [g.op('Mul', [r, cos]), g.op('Mul', [half, sin])]);
    return rot === D ? rotated : g.op('Concat', [rotated, slice(t, rot, D)], { axis: 3 });
  };

  const norm = (t: string): string => {
    if (gpt2 || family === 'gpt-neox') return g.op('LayerNormalization', [t, weight([H], 'one'), weight([H], 'zero')], { axis: -1, epsilon: 1e-5 });
    const ms = g.op('ReduceMean', [g.op('Mul', [t, t])], { axes: [-1], keepdims: 1 });
    return g.op('Mul', [g.op('Div', [t, g.op('Sqrt', [g.op('Add', [ms, g.scalarF32(1e-6)])])]), weight([H], 'one')]);
  };
  const linear = (t: string, i: number, o: number, withBias: boolean): string => {
    const y = g.op('MatMul', [t, weight([i, o])]);
    return withBias ? g.op('Add', [y, weight([o], 'normal')]) : y;
  };
  const heads = (t: string, n: number): string => g.op('Transpose', [g.op('Reshape', [t, i64([0, 0, n, D])])], { perm: [0, 2, 1, 3] });
  const repeatKv = (t: string): string => {
    if (KVH === NH) return t;
    const u = g.op('Unsqueeze', [t, i64([2])]);
    return g.op('Reshape', [g.op('Concat', Array.from({ length: NH / KVH }, () => u), { axis: 2 }), i64([0, NH, -1, D])]);
  };
  const qkvBias = gpt2 || family === 'qwen2' || family === 'gpt-neox';
  const outBias = gpt2 || family === 'gpt-neox';
  const attention = (h: string, l: number): string => {
    const q = rotary(heads(linear(h, H, H, qkvBias), NH));
    const k = g.op('Concat', [`past_key_values.${l}.key`, rotary(heads(linear(h, H, KVH * D, qkvBias), KVH))], { axis: 2 });
    const v = g.op('Concat', [`past_key_values.${l}.value`, heads(linear(h, H, KVH * D, qkvBias), KVH)], { axis: 2 });
    g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('present_k'), inputs: [k], outputs: [`present.${l}.key`], attrs: {} });
    g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('present_v'), inputs: [v], outputs: [`present.${l}.value`], attrs: {} });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [repeatKv(k)], { perm: [0, 1, 3, 2] })]), g.scalarF32(1 / Math.sqrt(D))]), bias]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), repeatKv(v)]);
    return linear(g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), i64([0, 0, H])]), H, H, outBias);
  };
  const mlp = (h: string): string => {
    if (gpt2 || family === 'gpt-neox') {
      const m = linear(h, H, 4 * H, true);
      // gelu_new: 0.5 m (1 + tanh(sqrt(2/pi) (m + 0.044715 m^3)))
      const cube = g.op('Mul', [m, g.op('Mul', [m, m])]);
      const inner = g.op('Mul', [g.op('Add', [m, g.op('Mul', [cube, g.scalarF32(0.044715)])]), g.scalarF32(Math.sqrt(2 / Math.PI))]);
      return linear(g.op('Mul', [g.op('Mul', [m, g.scalarF32(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.scalarF32(1)])]), 4 * H, H, true);
    }
    const gate = linear(h, H, 2 * H, false);
    const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
    return linear(g.op('Mul', [silu, linear(h, H, 2 * H, false)]), 2 * H, H, false);
  };
  for (let l = 0; l < spec.layers; l++) {
    if (family === 'gpt-neox') x = g.op('Add', [x, g.op('Add', [attention(norm(x), l), mlp(norm(x))])]);
    else {
      x = g.op('Add', [x, attention(norm(x), l)]);
      x = g.op('Add', [x, mlp(norm(x))]);
    }
  }
  let lmHead: string;
  if (spec.tied && !gpt2) lmHead = g.op('Transpose', [table], { perm: [1, 0] });
  else {
    lmHead = weight([H, V]);
    // GPT-2 ties the head to wte; the export stores a copy (not a parameter of its own).
    if (gpt2) parameters -= H * V;
  }
  g.nodes.push({ opType: 'MatMul', domain: '', name: 'lm_head', inputs: [norm(x), lmHead], outputs: ['logits'], attrs: {} });
  g.outputs.push({ name: 'logits', dtype: 'float32', shape: ['batch_size', 'sequence_length', V] });
  for (let l = 0; l < spec.layers; l++) {
    for (const kv of ['key', 'value']) g.outputs.push({ name: `present.${l}.${kv}`, dtype: 'float32', shape: ['batch_size', KVH, 'total_sequence_length', D] });
  }
  g.reserveNames();
  const arch = { gpt2: 'GPT2LMHeadModel', llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', 'gpt-neox': 'GPTNeoXForCausalLM' }[family];
  const config = gpt2
    ? { architectures: [arch], model_type: 'gpt2', n_embd: H, n_head: NH, n_layer: spec.layers, n_positions: spec.positions, vocab_size: V, bos_token_id: 891, eos_token_id: 891 }
    : {
        architectures: [arch],
        model_type: family === 'gpt-neox' ? 'gpt_neox' : family,
        hidden_size: H,
        num_attention_heads: NH,
        num_key_value_heads: KVH,
        num_hidden_layers: spec.layers,
        max_position_embeddings: spec.positions,
        vocab_size: V,
        tie_word_embeddings: spec.tied === true,
        bos_token_id: 891,
        eos_token_id: 891,
      };
  return { model: { graph: g, irVersion: 8, producerName: 'gradscope-test', otherOpsets: [], source: new Uint8Array(0) }, config, parameters };
}
