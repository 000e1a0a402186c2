/**
 * The explained scalar F appended after the model's outputs (see {@link HeadSpec}). Selection
 * is a float mask input, so one graph serves every class, label and token.
 */
import type { Graph } from '../onnx/ir.js';
import { reduce } from './emit.js';
import { GS, type HeadSpec } from './spec.js';
import { ModelError } from '../errors.js';

/** Appends the head's nodes and inputs; returns the name of F. */
export function appendHead(g: Graph, head: HeadSpec): string {
  const first = g.outputs[0]?.name;
  const named = (out: string | undefined): string => {
    const o = out ?? first;
    if (!o || !g.outputs.some((v) => v.name === o)) throw new ModelError(`The model has no output named "${String(o)}"; its outputs are ${g.outputs.map((v) => v.name).join(', ')}.`, { code: 'output-not-found' });
    return o;
  };
  let f: string;
  switch (head.kind) {
    case 'classification': {
      const logits = named(head.output);
      const act = head.activation === 'softmax' ? g.op('Softmax', [logits], { axis: -1 })
        : head.activation === 'sigmoid' ? g.op('Sigmoid', [logits]) : logits;
      g.inputs.push({ name: GS.targetMask, dtype: 'float32', shape: ['batch_size', 'num_labels'] });
      f = reduce(g, 'ReduceSum', g.op('Mul', [act, GS.targetMask]), [1], false);
      break;
    }
    case 'token-classification': {
      const logits = named(head.output);
      const probs = g.op('Softmax', [logits], { axis: -1 });
      g.inputs.push({ name: GS.targetMask, dtype: 'float32', shape: ['batch_size', 'sequence_length', 'num_labels'] });
      f = reduce(g, 'ReduceSum', g.op('Mul', [probs, GS.targetMask]), [1, 2], false);
      break;
    }
    case 'span-max': {
      const [s, e] = head.outputs.map(named);
      g.inputs.push({ name: GS.targetMask, dtype: 'float32', shape: ['batch_size', 2] });
      const maxS = reduce(g, 'ReduceMax', s, [1], false);
      const maxE = reduce(g, 'ReduceMax', e, [1], false);
      const both = g.op('Concat', [g.op('Unsqueeze', [maxS, g.constI64([1])]), g.op('Unsqueeze', [maxE, g.constI64([1])])], { axis: 1 });
      f = reduce(g, 'ReduceSum', g.op('Mul', [both, GS.targetMask]), [1], false);
      break;
    }
    case 'causal-lm': {
      // Select the position first, so the log-softmax runs over one [B, V] row instead of [B, T, V].
      const logits = named(head.output);
      g.inputs.push({ name: GS.positionMask, dtype: 'float32', shape: ['batch_size', 'sequence_length'] });
      g.inputs.push({ name: GS.targetMask, dtype: 'float32', shape: ['batch_size', 'vocab_size'] });
      const select = (t: string): string => reduce(g, 'ReduceSum', g.op('Mul', [t, g.op('Unsqueeze', [GS.positionMask, g.constI64([2])])]), [1], false);
      // logits = hidden @ W (the LM head): select the position in hidden, so the vocabulary
      // projection and its backward run on one row instead of every position.
      const lmHead = g.producers().get(logits);
      const weight = lmHead?.opType === 'MatMul' ? g.initializers.get(lmHead.inputs[1]) : undefined;
      const atPosition = lmHead && weight?.dims.length === 2 ? g.op('MatMul', [select(lmHead.inputs[0]), lmHead.inputs[1]]) : select(logits);
      const logProbs = g.op('LogSoftmax', [atPosition], { axis: -1 });
      f = reduce(g, 'ReduceSum', g.op('Mul', [logProbs, GS.targetMask]), [1], false);
      break;
    }
    case 'projection': {
      const out = named(head.output);
      const t = g.outputs.find((v) => v.name === out);
      g.inputs.push({ name: GS.projection, dtype: 'float32', shape: t?.shape });
      f = reduce(g, 'ReduceSum', g.op('Mul', [out, GS.projection]), undefined, false);
      break;
    }
  }
  g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('scalar'), inputs: [f], outputs: [GS.scalar], attrs: {} });
  return GS.scalar;
}
