/**
 * The explained scalar F computed on the CPU from plain model outputs, with the same meaning
 * as the graph head (`autodiff/head.ts`); used where F is needed from an ordinary forward.
 */
import { InternalError, ModelError } from '../../errors.js';
import type { HeadSpec } from '../../autodiff/spec.js';
import { sigmoid, softmax } from './math.js';

/** Model outputs read back from a run: data and dims per output name. */
export type OutputArrays = Record<string, { data: Float32Array; dims: number[] }>;

function first(outputs: OutputArrays, name?: string): { data: Float32Array; dims: number[] } {
  const o = name ? outputs[name] : Object.values(outputs)[0];
  if (!o) throw new ModelError(`The model gave no output${name ? ` named ${name}` : ''}; it does not fit this explainer's task.`, { code: 'wrong-model-kind' });
  return o;
}

/**
 * F for the first batch row of `outputs`, selected by `mask` (as the graph head selects).
 *
 * @example
 * evaluateHead({ kind: 'classification', activation: 'softmax' }, { logits }, Float32Array.of(0, 1));
 */
export function evaluateHead(head: HeadSpec, outputs: OutputArrays, mask: Float32Array): number {
  switch (head.kind) {
    case 'classification': {
      const o = first(outputs, head.output);
      const row = o.data.subarray(0, o.dims[1] ?? o.data.length);
      const act = head.activation === 'softmax' ? softmax(row) : Float64Array.from(row, (v) => (head.activation === 'sigmoid' ? sigmoid(v) : v));
      return act.reduce((s, v, i) => s + v * mask[i], 0);
    }
    case 'token-classification': {
      const o = first(outputs, head.output);
      const [, T, C] = o.dims;
      let s = 0;
      for (let t = 0; t < T; t++) {
        const p = softmax(o.data.subarray(t * C, (t + 1) * C));
        for (let c = 0; c < C; c++) s += p[c] * mask[t * C + c];
      }
      return s;
    }
    case 'span-max': {
      const [a, b] = head.outputs.map((n) => first(outputs, n));
      const max = (o: { data: Float32Array; dims: number[] }): number => Math.max(...o.data.subarray(0, o.dims[1]));
      return mask[0] * max(a) + mask[1] * max(b);
    }
    case 'projection':
    case 'causal-lm':
      throw new InternalError(`evaluateHead does not support ${head.kind} heads`);
  }
}
