import { ImageClassificationExplainer } from './src/explainers/image-classification.js';
import { readFileSync } from 'node:fs';
const f32 = (p: string) => new Float32Array(readFileSync(p).buffer.slice(0));
const pearson = (a: ArrayLike<number>, b: ArrayLike<number>) => { let ma=0,mb=0; const n=a.length; for (let i=0;i<n;i++){ma+=a[i];mb+=b[i];} ma/=n; mb/=n; let sab=0,saa=0,sbb=0; for (let i=0;i<n;i++){const x=a[i]-ma,y=b[i]-mb; sab+=x*y; saa+=x*x; sbb+=y*y;} return sab/Math.sqrt(saa*sbb); };
const patches = (a: ArrayLike<number>) => { const out = new Float64Array(196); for (let c=0;c<3;c++) for (let y=0;y<224;y++) for (let x=0;x<224;x++) out[Math.floor(y/16)*14+Math.floor(x/16)] += a[c*50176+y*224+x]; return out; };
const ex = await ImageClassificationExplainer.fromPretrained(`/work/main/test/fixtures/models/vit`, { device: 'cpu', localOnly: true });
const pv = f32(`test/fixtures/reference/vit/pixel_values.f32.bin`);
const ig = f32(`test/fixtures/reference/vit/ig.attributions.f32.bin`);
const nt = f32(`test/fixtures/reference/vit/ignt_smoothgrad.attributions.f32.bin`);
const refJ = JSON.parse(readFileSync('test/fixtures/reference/vit/ignt_smoothgrad.json','utf8')).attribution_summary;
const stats = (a: ArrayLike<number>) => { let s=0, as=0, ss=0; for (let i=0;i<a.length;i++){s+=a[i]; as+=Math.abs(a[i]); ss+=a[i]*a[i];} return {sum:s, abs:as, std: Math.sqrt(ss/a.length - (s/a.length)**2)}; };
console.log('ref', stats(nt), 'r(ig)', pearson(nt, ig), 'patch r(ig)', pearson(patches(nt), patches(ig)));
for (const seed of [1, 2, 3, 4, 1234]) {
  const t0 = performance.now();
  const r = await ex.explain({ pixelValues: pv }, { attributionType: 'IGNT', seed, internalBatchSize: 50 });
  console.log(seed, (performance.now()-t0).toFixed(0), stats(r.attributions), 'r(ig)', pearson(r.attributions, ig).toFixed(3), 'r(nt)', pearson(r.attributions, nt).toFixed(3), 'patch r(ig)', pearson(patches(r.attributions), patches(ig)).toFixed(3), 'patch r(nt)', pearson(patches(r.attributions), patches(nt)).toFixed(3));
}
