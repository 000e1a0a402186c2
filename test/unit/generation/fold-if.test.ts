import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GradscopeError } from '../../../src/errors.js';
import { Graph } from '../../../src/onnx/ir.js';
import { foldIfs } from '../../../src/onnx/fold-if.js';
import { decodeModel, encodeModel } from '../../../src/onnx/model-io.js';

const LLAMA = 'test/fixtures/models/llama-tiny/onnx/model.onnx';
const parity = JSON.parse(fs.readFileSync('test/fixtures/reference/llama-tiny/parity.json', 'utf8')) as { input_ids: number[]; logits_last: number[] };

async function lastLogits(bytes: Uint8Array, ids: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes);
  const T = ids.length;
  const i64 = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), [1, T]);
  const feeds: Record<string, ort.Tensor> = { input_ids: i64(ids), attention_mask: i64(ids.map(() => 1)), position_ids: i64(ids.map((_, i) => i)) };
  for (const n of s.inputNames) if (n.startsWith('past_key_values')) feeds[n] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 8]);
  const out = await s.run(feeds);
  const l = out.logits;
  const V = l.dims[2];
  return (l.data as Float32Array).slice((T - 1) * V, T * V);
}

/** A graph whose If condition is the sign of the input's first value: data-dependent. */
function dataDependentIf(): Graph {
  const g = new Graph();
  g.inputs.push({ name: 'x', dtype: 'float32', shape: [2] });
  g.outputs.push({ name: 'y', dtype: 'float32', shape: [2] });
  g.nodes.push({ opType: 'ReduceSum', domain: '', name: 'sum', inputs: ['x'], outputs: ['s'], attrs: { keepdims: { type: 'int', value: 0 } } });
  g.nodes.push({ opType: 'Greater', domain: '', name: 'gt', inputs: ['s', 'zero'], outputs: ['c'], attrs: {} });
  g.initializers.set('zero', { dtype: 'float32', dims: [], values: Float32Array.from([0]) });
  const branch = (op: string) => ({ type: 'unsupported' as const, value: { g: { node: [{ opType: op, input: ['x'], output: [`${op}_out`], name: op }], output: [{ name: `${op}_out` }] } } });
  g.nodes.push({ opType: 'If', domain: '', name: 'choose', inputs: ['c'], outputs: ['y'], attrs: { then_branch: branch('Relu'), else_branch: branch('Neg') } });
  g.reserveNames();
  return g;
}

describe('If folding', () => {
  it('replaces the rotary-cache Ifs of the Llama export by their branch, and the logits stay those of torch', async () => {
    const bytes = new Uint8Array(fs.readFileSync(LLAMA));
    const model = decodeModel(bytes);
    expect(model.graph.nodes.filter((n) => n.opType === 'If')).toHaveLength(4);
    expect(foldIfs(model.graph)).toBe(4);
    expect(model.graph.nodes.some((n) => n.opType === 'If')).toBe(false);
    const folded = await lastLogits(encodeModel(model).bytes, parity.input_ids);
    let diff = 0;
    folded.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - parity.logits_last[i]))));
    expect(diff).toBeLessThan(1e-5);
  });

  it('names the node when the condition depends on the input', () => {
    const g = dataDependentIf();
    let err: unknown;
    try {
      foldIfs(g);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GradscopeError);
    expect((err as GradscopeError).code).toBe('unsupported-if');
    expect((err as Error).message).toContain('"choose"');
  });

  it('folds a constant condition to the else branch', () => {
    const g = dataDependentIf();
    g.nodes = g.nodes.filter((n) => n.name !== 'sum' && n.name !== 'gt');
    g.initializers.set('c', { dtype: 'bool', dims: [], values: Uint8Array.from([0]) });
    expect(foldIfs(g)).toBe(1);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Neg', 'Identity']);
  });
});
