/**
 * `npm run bench:trust`: time of each attribution algorithm and of `evaluate` on
 * distilbert-base (random weights, bench/weights.ts) beside integrated gradients, on Node's CPU
 * backend, printed as a markdown table.
 *
 * Flags: --runs=N (timed explanations per row after one warm-up, default 3),
 *        --tokens=9,64 (text lengths, special tokens included),
 *        --auto-max-tokens=16 (the nSteps 'auto' row only up to this length).
 *
 * `evaluate` is timed on its own (the forwards of the faithfulness checks: 2 per kept rationale
 * plus one per token for leave-one-out, batched), from the IG result's scores.
 */
import { evaluateTextFaithfulness } from '../src/explainers/text/text-faithfulness.js';
import { oneHot } from '../src/explainers/core/math.js';
import { SequenceClassificationExplainer } from '../src/explainers/text/sequence-classification.js';
import { buildSingleTextInputs } from '../src/explainers/text/inputs.js';
import type { SequenceExplainOptions } from '../src/explainers/text/sequence-classification.js';
import { textOfLength } from './core.js';
import { ensureModel } from './weights.js';

const get = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(get('runs') ?? 3);
const lengths = (get('tokens') ?? '9,64').split(',').map(Number);
// 'auto' on random weights runs the whole node schedule (139 evaluations): only for short texts.
const autoMaxTokens = Number(get('auto-max-tokens') ?? 16);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: sessions, arena
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) ts.push(await time(fn));
  ts.sort((a, b) => a - b);
  return ts[Math.floor((ts.length - 1) / 2)];
}

const ROWS: [string, SequenceExplainOptions][] = [
  ['integrated-gradients, 50 steps', { nSteps: 50 }],
  ["integrated-gradients, nSteps 'auto'", { nSteps: 'auto' }],
  ['gradient-x-input', { algorithm: 'gradient-x-input' }],
  ['saliency', { algorithm: 'saliency' }],
  ['smoothgrad, 10 samples', { algorithm: 'smoothgrad', smoothGradSamples: 10, seed: 1 }],
];

async function main(): Promise<void> {
  const dir = await ensureModel('distilbert-base-random', (l) => process.stderr.write(`${l}\n`));
  const ex = await SequenceClassificationExplainer.fromPretrained(dir, { device: 'cpu', localOnly: true });
  const lines = ['| case (distilbert-base, node-cpu) | tokens | median ms | vs IG 50 steps |', '|---|---:|---:|---:|'];
  for (const T of lengths) {
    const text = textOfLength(ex.text, T);
    let ig = NaN;
    for (const [name, opts] of ROWS) {
      if (opts.nSteps === 'auto' && T > autoMaxTokens) continue;
      const ms = await median(() => ex.explain(text, opts));
      if (Number.isNaN(ig)) ig = ms;
      lines.push(`| ${name} | ${T} | ${ms.toFixed(0)} | ${(ms / ig).toFixed(3)}x |`);
      process.stderr.write(`  ${name} T=${T}: ${ms.toFixed(0)} ms\n`);
    }
    const r = await ex.explain(text, { nSteps: 8 });
    const rows = buildSingleTextInputs(ex.text.tokenizer, text);
    let forwards = 0;
    const ms = await median(async () => {
      const [f] = await evaluateTextFaithfulness(ex.text.model, rows, { kind: 'classification', activation: 'softmax' }, [{ mask: oneHot(ex.labels.length || 2, r.attributionClassIndex), scores: r.rawAttributions }]);
      forwards = 1 + 2 * f.curve.length + (T - 2);
    });
    lines.push(`| evaluate (faithfulness only, ≤ ${forwards} forward rows) | ${T} | ${ms.toFixed(0)} | ${(ms / ig).toFixed(3)}x |`);
  }
  await ex.dispose();
  process.stdout.write(`${lines.join('\n')}\n\n${runs} timed runs per row after one warm-up; median.\n`);
}

void main();
