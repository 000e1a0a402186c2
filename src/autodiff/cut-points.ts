/**
 * Finding the tensors to explain in a transformers.js ONNX export: the outputs of the word,
 * position and token-type embedding lookups, the output of the whole embeddings block, and
 * `pixel_values`. Names come from the PyTorch module paths that `torch.onnx.export` keeps
 * (`*.embeddings.word_embeddings.weight`, `/bert/embeddings/LayerNorm/...`); structure is the
 * fallback where names say nothing.
 */
import { ModelError } from '../errors.js';
import type { Graph, Node } from '../onnx/ir.js';

/** Which tensor to integrate along. */
export type CutKind = 'word' | 'position' | 'token_type' | 'embeddings' | 'pixel_values';

/** A cut: the tensor and, for embedding lookups, the Gather that produced it. */
export interface CutPoint {
  kind: CutKind | 'tensor';
  tensor: string;
  /** The embedding Gather (word / position / token type lookups). */
  gather?: Node;
}

/** Thrown when a cut point cannot be found in a model. Code `cut-not-found`. */
export class CutNotFoundError extends ModelError {
  constructor(readonly kind: string, detail: string) {
    super(`Cannot find the ${kind} cut in this model: ${detail}.`, { code: 'cut-not-found' });
    this.name = 'CutNotFoundError';
  }
}

const TABLE_PATTERNS: Record<'word' | 'position' | 'token_type', RegExp> = {
  word: /(word_embeddings|embed_tokens|wte|shared)(\.weight)?$/i,
  position: /(position_embeddings|embed_positions|wpe)(\.weight)?$/i,
  token_type: /token_type_embeddings(\.weight)?$/i,
};

function isEmbeddingGather(g: Graph, n: Node): boolean {
  if (n.opType !== 'Gather' || (n.attrs.axis && n.attrs.axis.type === 'int' && n.attrs.axis.value !== 0)) return false;
  const table = g.initializers.get(n.inputs[0]);
  return table !== undefined && table.dims.length === 2;
}

/** All embedding-table lookups (Gather of a rank-2 initializer) with their role when recognisable. */
export function findEmbeddingGathers(g: Graph): { role: 'word' | 'position' | 'token_type' | 'unknown'; node: Node }[] {
  const out: { role: 'word' | 'position' | 'token_type' | 'unknown'; node: Node }[] = [];
  for (const n of g.nodes) {
    if (!isEmbeddingGather(g, n)) continue;
    const table = n.inputs[0];
    let role: 'word' | 'position' | 'token_type' | 'unknown' = 'unknown';
    for (const r of ['word', 'position', 'token_type'] as const) if (TABLE_PATTERNS[r].test(table) || n.name.includes(`/${r}_embeddings/`)) role = r;
    if (role === 'unknown' && n.inputs[1] === 'input_ids') role = 'word';
    if (role === 'unknown' && n.inputs[1] === 'token_type_ids') role = 'token_type';
    if (role === 'unknown' && n.inputs[1] === 'position_ids') role = 'position';
    out.push({ role, node: n });
  }
  return out;
}

function embeddingsBlockOutput(g: Graph): string | undefined {
  for (const n of g.nodes) {
    if (n.opType === 'LayerNormalization' && /embeddings?[./]LayerNorm|embeddings?\.layer_?norm/i.test(`${n.name} ${n.inputs[1] ?? ''}`)) return n.outputs[0];
  }
  for (const n of g.nodes) {
    if (n.opType === 'Add' && n.inputs.some((i) => /embeddings\.LayerNorm\.bias$/i.test(i) && g.initializers.has(i))) return n.outputs[0];
  }
  for (const n of g.nodes) {
    if (n.opType === 'Add' && /\/embeddings\/LayerNorm\/Add_1$/.test(n.name)) return n.outputs[0];
  }
  return undefined;
}

/**
 * Finds a cut point.
 *
 * @example
 * const cut = findCut(model.graph, 'word'); // cut.tensor = '/bert/embeddings/word_embeddings/Gather_output_0'
 */
export function findCut(g: Graph, kind: CutKind | { tensor: string }): CutPoint {
  if (typeof kind === 'object') {
    const exists = g.inputs.some((v) => v.name === kind.tensor) || g.nodes.some((n) => n.outputs.includes(kind.tensor));
    if (!exists) throw new CutNotFoundError(kind.tensor, 'no tensor of that name exists in the graph');
    return { kind: 'tensor', tensor: kind.tensor };
  }
  if (kind === 'pixel_values') {
    const input = g.inputs.find((v) => v.name === 'pixel_values');
    if (!input) throw new CutNotFoundError(kind, `the model's inputs are ${g.inputs.map((v) => v.name).join(', ')}, not pixel_values`);
    return { kind, tensor: input.name };
  }
  if (kind === 'embeddings') {
    const t = embeddingsBlockOutput(g);
    if (!t) throw new CutNotFoundError(kind, 'no LayerNorm after the embeddings was recognised; pass an explicit tensor name');
    return { kind, tensor: t };
  }
  const found = findEmbeddingGathers(g).find((e) => e.role === kind);
  if (!found) {
    throw new CutNotFoundError(kind, `the model has no ${kind.replace('_', '-')} embedding table lookup (Gather of a table named like *${kind}_embeddings*)`);
  }
  return { kind, tensor: found.node.outputs[0], gather: found.node };
}
