/**
 * Exports differ: some ONNX files take `position_ids` as a graph input. The same model exported
 * that way must give the same explanation (the reference numbers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { findEmbeddingGathers } from '../../src/autodiff/cut-points.js';
import { exposeGatherIndices } from '../../src/autodiff/surgery.js';
import { SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';
import { loadTextReferences, MODELS_DIR } from './text-reference-fixtures.js';

test('a bert export that takes position_ids as an input explains the same', async () => {
  const src = path.join(MODELS_DIR, 'bert-3class');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-posids-'));
  fs.cpSync(src, dir, { recursive: true });
  const model = decodeModel(new Uint8Array(fs.readFileSync(path.join(src, 'onnx/model.onnx'))));
  const pos = findEmbeddingGathers(model.graph).find((e) => e.role === 'position');
  expect(pos).toBeDefined();
  exposeGatherIndices(model.graph, [{ node: pos?.node.name ?? '', input: 'position_ids' }]);
  model.graph.removeDeadCode();
  fs.writeFileSync(path.join(dir, 'onnx/model.onnx'), encodeModel(model).bytes);

  const ex = await SequenceClassificationExplainer.fromPretrained(dir, { device: 'cpu', localOnly: true });
  expect(ex.text.model.inputNames).toContain('position_ids');
  for (const c of loadTextReferences().filter((x) => x.ref.model === 'bert-3class')) {
    const call = c.ref.call as { text: string; index?: number; embedding_type?: number };
    const r = await ex.explain(call.text, {
      compat: 'transformers-interpret',
      ...(call.index !== undefined ? { index: call.index } : {}),
      ...(call.embedding_type !== undefined ? { embeddingType: call.embedding_type as 0 | 1 } : {}),
    });
    const expected = c.ref.word_attributions as [string, number][];
    expect(Math.max(...r.wordAttributions.map((w, i) => Math.abs(w[1] - expected[i][1]))), c.name).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(r.delta - c.ref.attributions[0].convergence_delta[0]), c.name).toBeLessThanOrEqual(1e-3);
  }
});
