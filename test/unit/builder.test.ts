/**
 * The gradient-graph builder's contract: cut points found or a typed error, inputs the cut made
 * unnecessary dropped, one graph for every sequence length, unsupported ops named at build time.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { buildGradientGraph, UnsupportedOpError } from '../../src/autodiff/build.js';
import { CutNotFoundError, findCut } from '../../src/autodiff/cut-points.js';
import { buildIntegratedGradientsGraph } from '../../src/autodiff/ig-graph.js';
import { vjpRules } from '../../src/autodiff/rules/index.js';
import { InternalError, ModelError } from '../../src/errors.js';
import { Graph } from '../../src/onnx/ir.js';
import { decodeModel, encodeModel, type OnnxModel } from '../../src/onnx/model-io.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const load = (name: string): OnnxModel => decodeModel(new Uint8Array(fs.readFileSync(path.join(MODELS_DIR, name, 'onnx/model.onnx'))));

describe('cut points', () => {
  test('finds word, position, token-type, embeddings-block and pixel cuts', () => {
    const bert = load('bert-3class').graph;
    expect(findCut(bert, 'word').tensor).toBe('/model/bert/embeddings/word_embeddings/Gather_output_0');
    expect(findCut(bert, 'position').tensor).toBe('/model/bert/embeddings/position_embeddings/Gather_output_0');
    expect(findCut(bert, 'token_type').tensor).toBe('/model/bert/embeddings/token_type_embeddings/Gather_output_0');
    expect(findCut(bert, 'embeddings').tensor).toBe('/model/bert/embeddings/LayerNorm/Add_1_output_0');
    expect(findCut(load('vit').graph, 'pixel_values').tensor).toBe('pixel_values');
    expect(findCut(bert, { tensor: '/model/bert/embeddings/Add_output_0' }).kind).toBe('tensor');
  });

  test('a missing cut is a typed error', () => {
    expect(() => findCut(load('deberta-nli').graph, 'position')).toThrow(CutNotFoundError);
    expect(() => findCut(load('bert-3class').graph, 'pixel_values')).toThrow(/inputs are input_ids/);
    expect(() => findCut(load('bert-3class').graph, { tensor: 'nope' })).toThrow(CutNotFoundError);
    // A GradscopeError with a stable code, so <gradscope-explain> shows it instead of 'unexpected'.
    let err: unknown;
    try {
      findCut(load('deberta-nli').graph, 'position');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ name: 'CutNotFoundError', code: 'cut-not-found', kind: 'position' });
  });
});

describe('built graphs', () => {
  test('inputs the cut made unnecessary are dropped; head inputs added', () => {
    const m = load('bert-squad');
    const gg = buildIntegratedGradientsGraph(m, { cut: findCut(m.graph, 'embeddings').tensor, head: { kind: 'span-max', outputs: ['start_logits', 'end_logits'] }, reduction: 'sum-last-axis' });
    const names = gg.inputs.map((v) => v.name).sort();
    expect(names).not.toContain('token_type_ids');
    expect(names).toEqual(expect.arrayContaining(['attention_mask', 'gs_alphas', 'gs_baseline', 'gs_input', 'gs_target_mask', 'gs_weights']));
  });

  test('one graph serves every sequence length and batch size', async () => {
    const m = load('distilbert-sst2');
    const cut = findCut(m.graph, 'word').tensor;
    const gg = buildGradientGraph(m, { wrt: [cut], head: { kind: 'classification', activation: 'softmax' } });
    const enc = encodeModel(gg.model, { externalizeAbove: 1024 });
    const s = await ort.InferenceSession.create(enc.bytes, { externalData: enc.externalData } as ort.InferenceSession.SessionOptions);
    for (const [B, T] of [[1, 5], [3, 17]]) {
      const out = await s.run({
        input_ids: new ort.Tensor('int64', new BigInt64Array(B * T).fill(5n), [B, T]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(B * T).fill(1n), [B, T]),
        [cut]: new ort.Tensor('float32', new Float32Array(B * T * 32).fill(0.01), [B, T, 32]),
        gs_target_mask: new ort.Tensor('float32', new Float32Array(B * 2).fill(0.5), [B, 2]),
      });
      expect(out[gg.grads[cut]].dims).toEqual([B, T, 32]);
      expect(out[gg.scalar].dims).toEqual([B]);
    }
  });

  /** x -> Hardmax -> Sin -> Hardmax -> Sin -> Sin (neither op has a backward rule), nodes named by op and position. */
  const chain = (ops = ['Hardmax', 'Sin', 'Hardmax', 'Sin', 'Sin']): OnnxModel => {
    const g = new Graph();
    g.opset = 17;
    g.inputs.push({ name: 'x', dtype: 'float32', shape: ['batch', 4] });
    let t = 'x';
    for (const op of ops) t = g.op(op, [t], op === 'Hardmax' ? { axis: -1 } : {});
    g.outputs.push({ name: t, dtype: 'float32', shape: ['batch', 4] });
    g.nodes.forEach((n, i) => (n.name = `my_${n.opType.toLowerCase()}_${i}`));
    return { graph: g, irVersion: 8, producerName: 'test', otherOpsets: [], source: new Uint8Array() };
  };
  const buildError = (model: OnnxModel): unknown => {
    try {
      buildGradientGraph(model, { wrt: ['x'], head: { kind: 'projection' } });
    } catch (e) {
      return e;
    }
    return undefined;
  };

  test('ops without a backward rule fail while building: every op listed with its node count', () => {
    const err = buildError(chain());
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect(err).toBeInstanceOf(ModelError);
    const e = err as UnsupportedOpError;
    expect(e.code).toBe('unsupported-op');
    expect(e.ops).toEqual([
      { op: 'Sin', count: 3, nodes: ['my_sin_1', 'my_sin_3', 'my_sin_4'] },
      { op: 'Hardmax', count: 2, nodes: ['my_hardmax_0', 'my_hardmax_2'] },
    ]);
    expect(e.message).toMatch(/these 2 ops: Sin \(3 nodes: "my_sin_1", "my_sin_3", "my_sin_4"\), Hardmax \(2 nodes: "my_hardmax_0", "my_hardmax_2"\)/);
  });

  test('a single unsupported node is named with its op', () => {
    const err = buildError(chain(['Exp', 'Hardmax', 'Tanh']));
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect((err as UnsupportedOpError).ops).toEqual([{ op: 'Hardmax', count: 1, nodes: ['my_hardmax_1'] }]);
    expect((err as Error).message).toMatch(/this op: Hardmax \(1 node: "my_hardmax_1"\)/);
  });

  test('a rule that breaks an invariant is an InternalError naming node and op', () => {
    const exp = vjpRules.Exp;
    vjpRules.Exp = () => {
      throw new TypeError('Cannot read properties of undefined');
    };
    try {
      const err = buildError(chain(['Tanh', 'Exp', 'Tanh']));
      expect(err).toBeInstanceOf(InternalError);
      expect(err).toMatchObject({ code: 'internal', node: 'my_exp_1', op: 'Exp' });
      expect((err as Error).message).toMatch(/at node "my_exp_1" \(Exp\).*Cannot read properties of undefined/);
      expect((err as Error).cause).toBeInstanceOf(TypeError);
    } finally {
      vjpRules.Exp = exp;
    }
    // With the real rule back the same graph builds.
    expect(buildError(chain(['Tanh', 'Exp', 'Tanh']))).toBeUndefined();
  });

});
