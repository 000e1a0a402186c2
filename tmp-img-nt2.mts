import { ImageClassificationExplainer } from './src/explainers/image-classification.js';
import { readFileSync } from 'node:fs';
const f32 = (p: string) => new Float32Array(readFileSync(p).buffer.slice(0));
const ex = await ImageClassificationExplainer.fromPretrained(`/work/main/test/fixtures/models/vit`, { device: 'cpu', localOnly: true });
const pv = f32(`test/fixtures/reference/vit/pixel_values.f32.bin`);
const abs = (a: ArrayLike<number>) => { let s=0; for (let i=0;i<a.length;i++) s+=Math.abs(a[i]); return s; };
const res: number[] = [];
for (let seed = 10; seed < 30; seed++) { const r = await ex.explain({ pixelValues: pv }, { attributionType: 'IGNT', seed, internalBatchSize: 50 }); res.push(abs(r.attributions)); }
console.log(res.map(v=>v.toFixed(2)).join(' '));
const m = res.reduce((a,b)=>a+b)/res.length; console.log('mean', m, 'sd', Math.sqrt(res.reduce((a,b)=>a+(b-m)**2,0)/(res.length-1)));
// stdev sensitivity
for (const s of [0.9, 1.1]) { const r = await ex.explain({ pixelValues: pv }, { attributionType: 'IGNT', seed: 5, stdevs: s, internalBatchSize: 50 }); console.log('stdev', s, abs(r.attributions)); }
