import { test } from 'vitest';
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';
import { buildIntegratedGradientsGraph } from '../../src/autodiff/ig-graph.js';
import { findCut } from '../../src/autodiff/cut-points.js';

test('scratch', async () => {
  for (const name of ['distilbert-sst2', 'bert-3class', 'distilroberta-emotion', 'deberta-nli', 'bert-squad', 'bert-ner', 'minilm-cross-encoder', 'bert-nli']) {
    const bytes = new Uint8Array(fs.readFileSync(`test/fixtures/models/${name}/onnx/model.onnx`));
    const m = decodeModel(bytes);
    const cut = findCut(m.graph, 'word');
    const t0 = performance.now();
    try {
      const head = name === 'bert-squad' ? { kind: 'span-max' as const, outputs: ['start_logits', 'end_logits'] as [string, string] } : name === 'bert-ner' ? { kind: 'token-classification' as const } : { kind: 'classification' as const, activation: 'softmax' as const };
      const ig = buildIntegratedGradientsGraph(m, { cut: cut.tensor, head, reduction: 'sum-last-axis' });
      const enc = encodeModel(ig.model, { externalizeAbove: 1024 });
      const s = await ort.InferenceSession.create(enc.bytes, { externalData: enc.externalData } as never);
      console.log(name, 'ok', (performance.now() - t0).toFixed(0), 'ms', ig.model.graph.nodes.length, s.inputNames);
    } catch (e) { console.log(name, 'FAIL', String(e).slice(0, 400)); }
  }
});
