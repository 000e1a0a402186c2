/**
 * Whole-model gradients of every fixture model against central finite differences along
 * random directions (issue 3): relative error <= 1e-3.
 *
 * The finite differences use the built graph's own F output in float32: central differences
 * at steps h and h/2 (|h d| = 2e-3 |x|) combined by Richardson extrapolation, so truncation
 * error is O(h^4) while float32 rounding in F stays small. The error is measured relative to
 * the largest directional derivative of that size, |grad| |d| (a plain ratio to grad . d would
 * blow up for directions nearly orthogonal to the gradient). Seeds are fixed.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { gaussian } from '../../src/attribution/noise-tunnel.js';
import { buildGradientGraph } from '../../src/autodiff/build.js';
import { findCut, type CutKind } from '../../src/autodiff/cut-points.js';
import type { HeadSpec } from '../../src/autodiff/spec.js';
import { GS } from '../../src/autodiff/spec.js';
import { subgraph } from '../../src/autodiff/surgery.js';
import { decodeModel, encodeModel, type OnnxModel } from '../../src/onnx/model-io.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

async function session(m: OnnxModel): Promise<ort.InferenceSession> {
  const enc = encodeModel(m, { externalizeAbove: 1024 });
  return ort.InferenceSession.create(enc.bytes, { externalData: enc.externalData } as ort.InferenceSession.SessionOptions);
}

interface Case { model: string; cut: CutKind; head: HeadSpec; mask: (dims: readonly number[]) => Float32Array }
const cls = (activation: 'softmax' | 'identity'): HeadSpec => ({ kind: 'classification', activation });
const firstClass = (dims: readonly number[]): Float32Array => { const m = new Float32Array(dims.reduce((a, b) => a * b, 1)); m[dims.length > 2 ? 3 * dims[2] + 1 : 0] = 1; return m; };
const CASES: Case[] = [
  ...['distilbert-sst2', 'bert-3class', 'distilroberta-emotion', 'bert-nli', 'deberta-nli'].map((model) => ({ model, cut: 'word' as const, head: cls('softmax'), mask: firstClass })),
  { model: 'minilm-cross-encoder', cut: 'word', head: { kind: 'classification', activation: 'sigmoid' }, mask: firstClass },
  { model: 'bert-squad', cut: 'embeddings', head: { kind: 'span-max', outputs: ['start_logits', 'end_logits'] }, mask: () => Float32Array.of(1, 1) },
  { model: 'bert-ner', cut: 'word', head: { kind: 'token-classification' }, mask: firstClass },
  ...['vit', 'swin', 'resnet'].map((model) => ({ model, cut: 'pixel_values' as const, head: cls('identity'), mask: firstClass })),
];

const T = 9;
const ids = [2, 51, 454, 784, 16, 51, 441, 784, 3];

describe('whole-model gradients match finite differences', () => {
  test.each(CASES.map((c) => [c.model, c] as const))('%s', async (_name, c) => {
    const model = decodeModel(new Uint8Array(fs.readFileSync(path.join(MODELS_DIR, c.model, 'onnx/model.onnx'))));
    const cut = findCut(model.graph, c.cut);
    const gg = buildGradientGraph(model, { wrt: [cut.tensor], head: c.head });
    const s = await session(gg.model);
    const big = (v: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), [1, v.length]);
    const known: Record<string, ort.Tensor> = { input_ids: big(ids), attention_mask: big(ids.map(() => 1)), token_type_ids: big(ids.map((_, i) => (i > 4 ? 1 : 0))) };
    const idFeeds: Record<string, ort.Tensor> = {};
    for (const name of s.inputNames) if (known[name]) idFeeds[name] = known[name];
    let x: Float32Array;
    let dims: number[];
    if (c.cut === 'pixel_values') {
      dims = [1, 3, 224, 224];
      const g = gaussian(7);
      x = Float32Array.from({ length: 3 * 224 * 224 }, () => g());
    } else {
      const act = await session({ ...model, graph: subgraph(model.graph, [cut.tensor]) });
      const feeds: Record<string, ort.Tensor> = {};
      for (const n of act.inputNames) feeds[n] = known[n];
      const out = (await act.run(feeds))[act.outputNames[0]];
      x = out.data as Float32Array;
      dims = [...out.dims];
    }
    const run = async (v: Float32Array): Promise<{ f: number; grad: Float32Array; outDims: readonly number[] }> => {
      const feeds: Record<string, ort.Tensor> = { ...idFeeds, [cut.tensor]: new ort.Tensor('float32', v, dims) };
      const outDims = c.head.kind === 'span-max' ? [1, 2] : c.head.kind === 'token-classification' ? [1, T, 9] : c.cut === 'pixel_values' ? [1, 5] : [1, model.graph.outputs[0].shape?.[1] as number];
      const r = await s.run({ ...feeds, [GS.targetMask]: new ort.Tensor('float32', c.mask(outDims), outDims) });
      return { f: (r[gg.scalar].data as Float32Array)[0], grad: r[gg.grads[cut.tensor]].data as Float32Array, outDims };
    };
    const base = await run(x);
    const norm = Math.sqrt(x.reduce((a, v) => a + v * v, 0));
    for (const seed of [1, 2, 3]) {
      const g = gaussian(seed);
      const d = Float32Array.from(x, () => g());
      const dn = Math.sqrt(d.reduce((a, v) => a + v * v, 0));
      const h = (2e-3 * norm) / dn;
      const central = async (step: number): Promise<number> => {
        const plus = Float32Array.from(x, (v, i) => v + step * d[i]);
        const minus = Float32Array.from(x, (v, i) => v - step * d[i]);
        return ((await run(plus)).f - (await run(minus)).f) / (2 * step);
      };
      const fd = (4 * (await central(h / 2)) - (await central(h))) / 3;
      let analytic = 0;
      let gn = 0;
      for (let i = 0; i < d.length; i++) {
        analytic += base.grad[i] * d[i];
        gn += base.grad[i] * base.grad[i];
      }
      expect(gn).toBeGreaterThan(0);
      const rel = Math.abs(fd - analytic) / (Math.sqrt(gn) * dn);
      expect(rel).toBeLessThanOrEqual(1e-3);
    }
  });
});
