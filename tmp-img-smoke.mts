import { ImageClassificationExplainer } from './src/explainers/image-classification.js';
import { readFileSync } from 'node:fs';
const f32 = (p: string) => new Float32Array(readFileSync(p).buffer.slice(0));
for (const m of (process.argv[2] ?? 'vit,swin,resnet').split(',')) {
  const ex = await ImageClassificationExplainer.fromPretrained(`/work/main/test/fixtures/models/${m}`, { device: 'cpu', localOnly: true });
  const pv = f32(`test/fixtures/reference/${m}/pixel_values.f32.bin`);
  const ref = f32(`test/fixtures/reference/${m}/ig.attributions.f32.bin`);
  const refJson = JSON.parse(readFileSync(`test/fixtures/reference/${m}/ig.json`, 'utf8'));
  try {
    for (const ibs of [undefined, 50]) {
      const t0 = performance.now();
      const r = await ex.explain({ pixelValues: pv }, { attributionType: 'IG', internalBatchSize: ibs });
      let mx = 0, mr = 0; for (let i = 0; i < ref.length; i++) { mx = Math.max(mx, Math.abs(r.attributions[i] - ref[i])); mr = Math.max(mr, Math.abs(ref[i])); }
      console.log(m, ibs, r.predictedClassName, refJson.prediction.predicted_label, 'delta', r.delta, refJson.convergence_delta[0], 'rel', mx / mr, 'ms', (performance.now() - t0).toFixed(0));
    }
  } catch (e) { console.log('ERR', (e as Error).name, (e as Error).message.slice(0, 300)); }
}
