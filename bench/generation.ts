/**
 * `npm run bench:generation -- [--backends=node-cpu,node-wasm] [--runs=N] [--steps=50] [--auto=0] [--size=small|tiny]`:
 * text-generation explanations on a GPT-2-small-sized model (test/support/causal-lm-builder.ts,
 * weights generated into the gitignored bench/.cache): 32 prompt tokens, 8 greedy tokens, 50
 * steps and 'auto'. Prints a markdown table: time per explanation (median), peak RSS of the
 * process, model runs (generation / attribution), rows per run. `npm run bench -- --cases=gen`
 * runs the same case per backend, Chromium included.
 */
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeModel } from '../src/onnx/model-io.js';
import type { Device } from '../src/runtime/ort.js';
import { buildCausalLm, GPT2_SMALL, type LmSpec } from '../test/support/causal-lm-builder.js';
import { runGenerationCase } from './generation-case.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TOKENIZER = join(HERE, '..', 'test', 'fixtures', 'models', 'gpt2-tiny');

/** The model sizes: GPT-2 small (124M) and a 2-layer, 64-wide one with the same vocabulary (SwiftShader). */
export const GENERATION_MODELS = {
  small: { name: 'gpt2-small-random', spec: GPT2_SMALL },
  tiny: { name: 'gpt2-bench-tiny', spec: { ...GPT2_SMALL, layers: 2, heads: 4, hidden: 64 } },
} as const satisfies Record<string, { name: string; spec: LmSpec }>;

/** Writes the model (random weights, seed 7) and the fixture tokenizer into bench/.cache/models unless there. */
export async function ensureGenerationModel(size: keyof typeof GENERATION_MODELS, log: (line: string) => void = console.log): Promise<{ dir: string; name: string }> {
  const { name, spec } = GENERATION_MODELS[size];
  const dir = join(HERE, '.cache', 'models', name);
  const file = join(dir, 'onnx', 'model.onnx');
  if (await stat(file).then(() => true, () => false)) return { dir, name };
  log(`building ${name}`);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const { model, config } = buildCausalLm(spec, 7);
  await writeFile(file, encodeModel(model).bytes);
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt']) await copyFile(join(TOKENIZER, f), join(dir, f));
  return { dir, name };
}

function flag(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const size = flag('size') === 'tiny' ? 'tiny' : 'small';
  const backends = (flag('backends') ?? 'node-cpu').split(',');
  const runs = Number(flag('runs') ?? 1);
  const nSteps = Number(flag('steps') ?? 50);
  const { dir } = await ensureGenerationModel(size, (l) => void process.stderr.write(`${l}\n`));
  const rows: string[] = [];
  for (const backend of backends) {
    const device: Device = backend === 'node-wasm' ? 'wasm' : 'cpu';
    const r = await runGenerationCase({ model: dir, tokens: 32, newTokens: 8, nSteps, runs, auto: flag('auto') !== '0', warmupSteps: 1 }, device);
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const rss = process.resourceUsage().maxRSS / 1024;
    const gflop = ((r.chunkRows.reduce((a, b) => a + b, 0) + 2 * r.generated) * r.flopsPerRow) / 1e9;
    rows.push(`| ${backend} | ${r.promptTokens} + ${r.generated} | ${(med(r.times) / 1000).toFixed(1)} s | ${gflop.toFixed(0)} | ${(gflop / (med(r.times) / 1000)).toFixed(1)} | ${r.autoTimes.length ? `${(med(r.autoTimes) / 1000).toFixed(1)} s (${r.autoNSteps} nodes, ${r.autoEvaluations} evaluations)` : '-'} | ${rss.toFixed(0)} MiB | ${r.modelRuns.generation} / ${r.modelRuns.attribution} | ${r.chunkRows.join(', ')} |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  process.stdout.write(`\nGPT-2 ${size} skeleton (random weights), ${nSteps} steps, ${runs} timed run(s) each\n\n`);
  process.stdout.write(`| backend | prompt + generated | ${nSteps} steps | GFLOP/expl. | GFLOP/s | 'auto' | peak RSS | model runs (gen / attr) | rows per run |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n`);
  process.stdout.write(`${rows.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
