/**
 * Batched targets vs one target per call, in Node (onnxruntime-node, cpu), on the fixture
 * models: NER with every token explained (bert-ner) and multi-label with every label
 * (distilroberta-emotion), 50 Gauss-Legendre steps.
 *
 * "batched" is one `textIntegratedGradients` call with all targets (what the explainers do);
 * "one by one" is one call per target (what transformers-interpret does: one IG run per label /
 * token). Both use the same rows, layer, head and sessions (built in a warm-up), so the table
 * shows only what sharing graph runs saves. Reported: median of `REPEATS` runs.
 *
 * Run: npx tsx bench/batched-targets.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeadSpec } from '../src/autodiff/spec.js';
import { textIntegratedGradients, type TextRows } from '../src/explainers/text/text-attribution.js';
import { TextModel } from '../src/explainers/text/text-model.js';
import { buildSingleTextInputs } from '../src/explainers/text/inputs.js';
import { oneHot } from '../src/explainers/core/math.js';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/models');
const REPEATS = 11;

interface Case {
  name: string;
  model: string;
  text: string;
  task: 'multi-label-classification' | 'token-classification';
  head: HeadSpec;
  /** Targets and mask shape for a model with `labels` classes and a `T`-token input. */
  targets(T: number, C: number): { targets: Float32Array[]; maskShape: number[] };
}

const CASES: Case[] = [
  {
    name: 'NER, every token',
    model: 'bert-ner',
    text: 'We visited Paris last weekend, where Emmanuel Macron lives.',
    task: 'token-classification',
    head: { kind: 'token-classification' },
    // Class 0 for every token: the target class does not change the cost.
    targets: (T, C) => ({
      targets: Array.from({ length: T }, (_, i) => {
        const m = new Float32Array(T * C);
        m[i * C] = 1;
        return m;
      }),
      maskShape: [T, C],
    }),
  },
  {
    name: 'multi-label, every label',
    model: 'distilroberta-emotion',
    text: 'There were many aspects of the film I liked, but it was frightening and gross in parts. My parents hated it.',
    task: 'multi-label-classification',
    head: { kind: 'classification', activation: 'sigmoid' },
    targets: (_T, C) => ({ targets: Array.from({ length: C }, (_, i) => oneHot(C, i)), maskShape: [C] }),
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median times of `a` and `b`, run alternately so that machine drift hits both alike. */
async function timePair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    for (const [fn, into] of [[a, ta], [b, tb]] as const) {
      const t0 = performance.now();
      await fn();
      into.push(performance.now() - t0);
    }
  }
  return [median(ta), median(tb)];
}

async function main(): Promise<void> {
  const rowsOut: string[][] = [];
  for (const c of CASES) {
    const text = await TextModel.load(path.join(MODELS, c.model), { device: 'cpu', localOnly: true });
    const rows: TextRows = buildSingleTextInputs(text.tokenizer, c.text, { compat: 'transformers-interpret', task: c.task });
    const T = rows.inputIds.length;
    const { targets, maskShape } = c.targets(T, text.labels.length);
    const cut = 'word' as const;
    for (const internalBatchSize of [undefined, 400]) {
      const run = (ts: Float32Array[]): Promise<unknown> => textIntegratedGradients(text.model, { rows, cut, head: c.head, targets: ts, maskShape, nSteps: 50, ...(internalBatchSize ? { internalBatchSize } : {}) });
      await run(targets.slice(0, 1)); // warm-up: builds the sessions
      const [batched, oneByOne] = await timePair(
        () => run(targets),
        async () => {
          for (const t of targets) await run([t]);
        },
      );
      rowsOut.push([c.name, String(targets.length), String(T), internalBatchSize ? String(internalBatchSize) : 'auto', batched.toFixed(0), oneByOne.toFixed(0), (oneByOne / batched).toFixed(2)]);
    }
  }
  const header = ['case', 'targets', 'tokens', 'rows/run', 'batched ms', 'one-by-one ms', 'speed-up'];
  const widths = header.map((h, i) => Math.max(h.length, ...rowsOut.map((r) => r[i].length)));
  const line = (r: string[]): string => `| ${r.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log(`Node ${process.version}, onnxruntime-node (cpu), 50 steps, median of ${REPEATS}`);
  console.log(line(header));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rowsOut) console.log(line(r));
}

await main();
