/**
 * Valid random feeds for any fixture model's own inputs (ids, masks with padding in later rows,
 * token types, or pixel values), for tests that run whole models.
 */
import * as ort from 'onnxruntime-node';
import { mulberry32 } from '../../../src/attribution/noise-tunnel.js';
import type { OnnxModel } from '../../../src/onnx/model-io.js';

export function modelFeeds(model: OnnxModel, batch: number, seq: number, seed = 7): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const rand = mulberry32(seed);
  for (const v of model.graph.inputs) {
    if (v.name === 'pixel_values') {
      const n = batch * 3 * 224 * 224;
      feeds[v.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => rand() * 2 - 1), [batch, 3, 224, 224]);
      continue;
    }
    const data = new BigInt64Array(batch * seq);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < seq; t++) {
        const i = b * seq + t;
        if (v.name === 'input_ids') data[i] = BigInt(t === 0 ? 0 : 3 + Math.floor(rand() * 700));
        else if (v.name === 'attention_mask') data[i] = b > 0 && t >= seq - 2 ? 0n : 1n;
        else data[i] = t >= Math.floor(seq / 2) ? 1n : 0n;
      }
    }
    feeds[v.name] = new ort.Tensor('int64', data, [batch, seq]);
  }
  return feeds;
}
