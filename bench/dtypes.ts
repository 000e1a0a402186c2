/**
 * Per dtype on distilbert-base (fp32, fp16, q8, q4; files from bench/dtype-files.ts): bytes to
 * download, load time, peak memory and explanation time, on onnxruntime-node's CPU EP.
 *
 * Each dtype runs in its own child process (`--dtype-child=<dtype>`), so its peak RSS
 * (`process.resourceUsage().maxRSS`) is its own. In the child: load (fromPretrained: read,
 * decompose / dequantize, build nothing yet), one warm-up explanation (creates the sessions),
 * then `runs` timed 50-step explanations of a 9-token text (the seq9 case of run.ts).
 *
 * Run alone: `npx tsx bench/dtypes.ts [--runs=N]`; `npm run bench` prints it after its tables
 * when node-cpu is among its backends.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SequenceClassificationExplainer } from '../src/explainers/text/sequence-classification.js';
import { modelFileFor, type ModelDtype } from '../src/runtime/model-files.js';
import { DTYPE_MODEL, ensureDtypeFiles } from './dtype-files.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const BENCH_DTYPES: ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];
const TEXT = 'the film was a quiet and careful study';

/** What one dtype measured. */
export interface DtypeResult {
  dtype: ModelDtype;
  bytes: number;
  loadMs: number;
  warmupMs: number;
  medianMs: number;
  runs: number;
  peakRssMb: number;
  predicted: number;
  explained: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function sizeOf(p: string): Promise<number> {
  return stat(p).then(
    (s) => s.size,
    () => 0,
  );
}

async function child(dtype: ModelDtype, runs: number): Promise<void> {
  const t0 = performance.now();
  const ex = await SequenceClassificationExplainer.fromPretrained(DTYPE_MODEL, { device: 'cpu', localOnly: true, dtype });
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const first = await ex.explain(TEXT, { nSteps: 50 });
  const warmupMs = performance.now() - t1;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await ex.explain(TEXT, { nSteps: 50 });
    times.push(performance.now() - t);
  }
  const file = join(DTYPE_MODEL, modelFileFor(dtype));
  const bytes = (await sizeOf(file)) + (await sizeOf(`${file}_data`));
  const result: DtypeResult = {
    dtype,
    bytes,
    loadMs,
    warmupMs,
    medianMs: median(times),
    runs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    predicted: first.predictedClassIndex,
    explained: ex.text.model.explained,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await ex.dispose();
}

function runChild(dtype: ModelDtype, runs: number): Promise<DtypeResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'dtypes.ts'), `--dtype-child=${dtype}`, `--runs=${runs}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as DtypeResult);
      else reject(new Error(`dtype ${dtype}: child exited with ${String(code)}`));
    });
  });
}

/** Runs every dtype and returns the markdown table. */
export async function dtypeTable(log: (line: string) => void, runs = 3): Promise<string> {
  await ensureDtypeFiles(log);
  const rows: DtypeResult[] = [];
  for (const d of BENCH_DTYPES) {
    log(`dtype ${d}`);
    rows.push(await runChild(d, runs));
  }
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  const lines = [
    `### dtypes: distilbert-base (random weights), node-cpu, 9 tokens, 50 steps, median of ${runs} runs after a warm-up`,
    '',
    '| dtype | file | MB to download | load ms | first explanation ms | explanation ms | peak RSS MB | explained function | predicted class |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.dtype} | ${modelFileFor(r.dtype)} | ${mb(r.bytes)} | ${r.loadMs.toFixed(0)} | ${r.warmupMs.toFixed(0)} | ${r.medianMs.toFixed(0)} | ${r.peakRssMb.toFixed(0)} | ${r.explained} | ${r.predicted} |`),
  ];
  return lines.join('\n');
}

const argv = process.argv.slice(2);
const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(get('runs') ?? 3);
const childDtype = get('dtype-child');
if (childDtype) await child(childDtype as ModelDtype, runs);
else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(await dtypeTable((s) => void process.stderr.write(`${s}\n`), runs));
