/**
 * Feeds of a transformers.js causal-LM export: `input_ids`, `attention_mask` over past and new
 * tokens, `position_ids`, `past_key_values.{i}.key|value` (zero-length for a fresh sequence) and
 * `num_logits_to_keep` (0 keeps every position), for whichever of them the graph takes.
 *
 * @module
 */
import { ModelError } from '../../../errors.js';
import type { Graph, ValueInfo } from '../../../onnx/ir.js';
import type { Session, Tensor } from '../../../runtime/session.js';

/** Names of the key/value cache inputs and the matching outputs. */
export interface KvLayout {
  /** `past_key_values.{i}.key|value` inputs in graph order, with their `present.{i}.*` output. */
  pairs: { input: string; output: string; heads: number; headDim: number }[];
}

/** The config fields used when the export leaves cache dims symbolic. */
export interface LmConfig {
  num_attention_heads?: number;
  num_key_value_heads?: number;
  n_head?: number;
  hidden_size?: number;
  n_embd?: number;
  head_dim?: number;
}

/** Reads the cache layout (heads and head size per layer) from the graph, the config as fallback. */
export function kvLayout(g: Graph, config: LmConfig): KvLayout {
  const heads = config.num_key_value_heads ?? config.num_attention_heads ?? config.n_head;
  const hidden = config.hidden_size ?? config.n_embd;
  const attnHeads = config.num_attention_heads ?? config.n_head;
  const headDim = config.head_dim ?? (hidden && attnHeads ? hidden / attnHeads : undefined);
  const pairs = g.inputs
    .filter((v) => v.name.startsWith('past_key_values.'))
    .map((v: ValueInfo) => {
      const h = typeof v.shape?.[1] === 'number' ? v.shape[1] : heads;
      const d = typeof v.shape?.[3] === 'number' ? v.shape[3] : headDim;
      if (h === undefined || d === undefined) {
        throw new ModelError(`Cannot tell the key/value cache shape of input "${v.name}": neither the graph nor config.json gives heads and head size.`, { code: 'unknown-kv-shape' });
      }
      const output = v.name.replace(/^past_key_values/, 'present');
      return { input: v.name, output, heads: h, headDim: d };
    });
  return { pairs };
}

/** int64 tensor of `rows` equal rows. */
export function int64Rows(s: Session, row: readonly number[], rows: number): Tensor {
  const data = new BigInt64Array(rows * row.length);
  for (let r = 0; r < rows; r++) row.forEach((v, j) => (data[r * row.length + j] = BigInt(v)));
  return s.tensor('int64', data, [rows, row.length]);
}

/**
 * Feeds for `rows` copies of a token row: ids, a mask of ones over past + new tokens, positions
 * continuing after `past`, empty caches when `cache` is not given, `num_logits_to_keep` = 0.
 */
export function lmFeeds(s: Session, layout: KvLayout, ids: readonly number[], rows: number, past = 0, cache?: Record<string, Tensor>): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  const names = new Set(s.inputNames);
  if (names.has('input_ids')) feeds.input_ids = int64Rows(s, ids, rows);
  if (names.has('attention_mask')) feeds.attention_mask = int64Rows(s, new Array<number>(past + ids.length).fill(1), rows);
  if (names.has('position_ids')) feeds.position_ids = int64Rows(s, ids.map((_, i) => past + i), rows);
  if (names.has('num_logits_to_keep')) feeds.num_logits_to_keep = s.tensor('int64', BigInt64Array.from([0n]), []);
  for (const p of layout.pairs) {
    if (!names.has(p.input)) continue;
    feeds[p.input] = cache?.[p.output] ?? s.tensor('float32', new Float32Array(0), [rows, p.heads, 0, p.headDim]);
  }
  return feeds;
}
