/**
 * `npx tsx bench/generation.ts [--backends=node-cpu,node-wasm] [--runs=N] [--steps=50,auto] [--size=small|tiny]`:
 * text-generation explanations on a GPT-2-small-sized model (test/support/causal-lm-builder.ts, weights
 * regenerated each time into the gitignored bench/.cache): 32 prompt tokens, 8 greedy tokens,
 * 50 steps and 'auto'. Prints a markdown table: time per explanation (median), peak RSS of the
 * process, model runs (generation / attribution), rows per run.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeModel } from '../src/onnx/model-io.js';
import { TextGenerationExplainer } from '../src/explainers/text/generation/explainer.js';
import type { Device } from '../src/runtime/ort.js';
import { buildCausalLm, GPT2_SMALL, type LmSpec } from '../test/support/causal-lm-builder.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TOKENIZER = join(HERE, '..', 'test', 'fixtures', 'models', 'gpt2-tiny');

function flag(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function writeModel(size: LmSpec, name: string): Promise<{ dir: string; parameters: number }> {
  const dir = join(HERE, '.cache', 'models', name);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const { model, config, parameters } = buildCausalLm(size, 7);
  await writeFile(join(dir, 'onnx', 'model.onnx'), encodeModel(model).bytes);
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt']) await copyFile(join(TOKENIZER, f), join(dir, f));
  return { dir, parameters };
}

async function main(): Promise<void> {
  const tiny = flag('size') === 'tiny';
  const size: LmSpec = tiny ? { ...GPT2_SMALL, layers: 2, heads: 4, hidden: 64 } : GPT2_SMALL;
  const backends = (flag('backends') ?? 'node-cpu').split(',');
  const runs = Number(flag('runs') ?? 2);
  const { dir, parameters } = await writeModel(size, tiny ? 'gpt2-bench-tiny' : 'gpt2-small-random');
  const rows: string[] = [];
  for (const backend of backends) {
    const device: Device = backend === 'node-wasm' ? 'wasm' : 'cpu';
    const ex = await TextGenerationExplainer.fromPretrained(dir, { device, localOnly: true });
    // 32 prompt tokens from the fixture tokenizer.
    let prompt = 'The movie was great because';
    while (ex.text.tokenizer.encode(prompt, { addSpecialTokens: true }).ids.length < 32) prompt += ' the story';
    const ids = ex.text.tokenizer.encode(prompt, { addSpecialTokens: true }).ids.slice(0, 32);
    prompt = ex.text.tokenizer.decode?.(ids) ?? prompt;
    const stepList = (flag('steps') ?? '50,auto').split(',').map((x) => (x === 'auto' ? ('auto' as const) : Number(x)));
    for (const nSteps of stepList) {
      // Warm-up: sessions created, the same chunk shapes run once.
      await ex.explain(prompt, { maxNewTokens: 8, nSteps: nSteps === 'auto' ? 3 : 4 });
      const times: number[] = [];
      let last;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        last = await ex.explain(prompt, { maxNewTokens: 8, nSteps });
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      const rss = process.resourceUsage().maxRSS / 1024;
      rows.push(`| ${backend} | ${last?.promptIds.length} + ${last?.targetIds.length} | ${nSteps}${last?.autoSteps ? ` (-> ${last.autoSteps.nSteps})` : ''} | ${(median / 1000).toFixed(1)} s | ${rss.toFixed(0)} MiB | ${last?.modelRuns.generation} / ${last?.modelRuns.attribution} |`);
      process.stderr.write(`${rows.at(-1)}\n`);
    }
    await ex.dispose();
  }
  process.stdout.write(`\nGPT-2 ${tiny ? 'bench-tiny' : 'small'} skeleton (${(parameters / 1e6).toFixed(0)}M parameters, random weights), ${runs} timed runs each\n\n`);
  process.stdout.write('| backend | prompt + generated | steps | time (median) | peak RSS | model runs (gen / attr) |\n| --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

await main();
