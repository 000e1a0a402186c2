/**
 * Benchmark cases, shared by Node (bench/run.ts, in a child process per backend) and the
 * Chromium page (bench/page/bench.ts): no Node or DOM imports here.
 *
 * A case loads its explainer, times a cached second load, warms up (session creation and the
 * first runs), then times `runs` explanations. It also records the rows of every model run of
 * the last explanation (from `onProgress`), so the parent can count FLOPs of exactly the runs
 * that happened.
 */
import { buildSingleTextInputs } from '../src/explainers/text/inputs.js';
import { ImageClassificationExplainer } from '../src/explainers/image/image-classification.js';
import { SequenceClassificationExplainer } from '../src/explainers/text/sequence-classification.js';
import { TokenClassificationExplainer } from '../src/explainers/text/token-classification.js';
import type { TextModel } from '../src/explainers/text/text-model.js';
import { maxAbsChange } from '../src/attribution/auto-steps.js';
import type { AutoStepsInfo, ImageClassificationResult } from '../src/types.js';
import { Graph } from '../src/onnx/ir.js';
import { encodeModel } from '../src/onnx/model-io.js';
import { f32 } from '../src/onnx/tensor.js';
import type { Device } from '../src/runtime/ort.js';
import { createSession } from '../src/runtime/session.js';

/** The case kinds. */
export type CaseKind = 'sequence' | 'token' | 'image' | 'auto' | 'auto-image';

/** One benchmark case. */
export interface CaseSpec {
  id: string;
  kind: CaseKind;
  /** Model folder (a path in Node, a URL path in the browser). */
  model: string;
  /** Tokens of the text (text cases). */
  tokens?: number;
  /** Integration steps (for 'auto': of the reference answer). */
  nSteps: number;
  /** Timed explanations after the warm-up. */
  runs: number;
  /** Steps of the warm-up explanation (fewer for the slow cases: it only creates sessions and warms the arena). */
  warmupSteps?: number;
}

/** What one case measured. */
export interface CaseResult {
  id: string;
  device: string;
  /** Wall time of each timed explanation, ms. */
  times: number[];
  medianMs: number;
  /** Path points integrated per explanation (steps x targets; for 'auto' the evaluations it used). */
  evaluations: number;
  /** Rows of every IG-graph run of the last explanation (the end-point run included). */
  chunkRows: number[];
  /** Tokens (text) and targets explained. */
  tokens: number;
  targets: number;
  loadMs: number;
  cachedLoadMs: number;
  warmupMs: number;
  /** 'auto' cases: node count accepted, convergence, and the max abs difference to the nSteps answer. */
  auto?: { nSteps: number; evaluations: number; converged: boolean; stoppedBy: string; maxDiff: number; referenceMs: number };
}

const WORDS = 'the film was a quiet and careful study of people who live far from the city and work the land every day'.split(' ');

/** A text of exactly `n` tokens (special tokens included) for this tokenizer. */
export function textOfLength(text: TextModel, n: number): string {
  const count = (t: string): number => buildSingleTextInputs(text.tokenizer, t).inputIds.length;
  const words: string[] = [];
  for (let i = 0; count(words.join(' ')) < n; i++) {
    words.push(WORDS[i % WORDS.length]);
    if (count(words.join(' ')) > n) {
      // Overshot by a multi-token word: back off and fill with one-token words.
      words.pop();
      while (count(words.join(' ')) < n) words.push('a');
      break;
    }
  }
  const t = words.join(' ');
  if (count(t) !== n) throw new Error(`could not build a text of ${n} tokens (got ${count(t)})`);
  return t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Records the rows of each chunk from `onProgress(done, total)`. */
function chunkRecorder(): { rows: number[]; onProgress: (done: number, total: number) => void } {
  const rows: number[] = [];
  let last = 0;
  return {
    rows,
    onProgress: (done) => {
      if (done === 0) last = 0;
      else {
        rows.push(done - last);
        last = done;
      }
    },
  };
}

/** Deterministic pixel values in [-1, 1] (the ViT processor's range), [1, 3, 224, 224]. */
export function benchPixels(): Float32Array {
  const x = new Float32Array(3 * 224 * 224);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 4294967296) * 2 - 1;
  }
  return x;
}

async function timeIt<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

/** Runs one case on one device, then disposes its explainer (one process runs every case, and wasm has a 4 GiB heap). */
export async function runCase(spec: CaseSpec, device: Device, externalData?: boolean): Promise<CaseResult> {
  // The browser loads external data only when asked (Node does it by default for local folders).
  const init = { device, localOnly: true, ...(externalData !== undefined ? { externalData } : {}) };
  const times: number[] = [];
  let rec = chunkRecorder();
  if (spec.kind === 'auto-image') {
    const [ex, loadMs] = await timeIt(() => ImageClassificationExplainer.fromPretrained(spec.model, init));
    const [, cachedLoadMs] = await timeIt(() => ImageClassificationExplainer.fromPretrained(spec.model, init));
    const input = { pixelValues: benchPixels(), shape: [1, 3, 224, 224] };
    const explain = (nSteps: number | 'auto'): Promise<ImageClassificationResult> => ex.explain(input, { attributionType: 'IG', nSteps, index: 0, tolerance: 1e-3 });
    const [, warmupMs] = await timeIt(() => explain(spec.warmupSteps ?? spec.nSteps));
    const [ref, referenceMs] = await timeIt(() => explain(spec.nSteps));
    let last = ref;
    for (let i = 0; i < spec.runs; i++) {
      const [r, ms] = await timeIt(() => explain('auto'));
      times.push(ms);
      last = r;
    }
    await ex.dispose();
    return autoCaseResult(spec, device, times, last.autoSteps, maxAbsChange(maxScaled(last.attributions), maxScaled(ref.attributions)), referenceMs, { tokens: 197, loadMs, cachedLoadMs, warmupMs });
  }
  if (spec.kind === 'image') {
    const [ex, loadMs] = await timeIt(() => ImageClassificationExplainer.fromPretrained(spec.model, init));
    const [, cachedLoadMs] = await timeIt(() => ImageClassificationExplainer.fromPretrained(spec.model, init));
    const input = { pixelValues: benchPixels(), shape: [1, 3, 224, 224] };
    const explain = (nSteps: number, onProgress?: (d: number, t: number) => void): Promise<unknown> =>
      ex.explain(input, { attributionType: 'IG', nSteps, index: 0, ...(onProgress ? { onProgress } : {}) });
    const [, warmupMs] = await timeIt(() => explain(spec.warmupSteps ?? spec.nSteps));
    for (let i = 0; i < spec.runs; i++) {
      rec = chunkRecorder();
      times.push((await timeIt(() => explain(spec.nSteps, rec.onProgress)))[1]);
    }
    await ex.dispose();
    return { id: spec.id, device, times, medianMs: median(times), evaluations: spec.nSteps, chunkRows: rec.rows, tokens: 197, targets: 1, loadMs, cachedLoadMs, warmupMs };
  }
  if (spec.kind === 'token') {
    const [ex, loadMs] = await timeIt(() => TokenClassificationExplainer.fromPretrained(spec.model, init));
    const [, cachedLoadMs] = await timeIt(() => TokenClassificationExplainer.fromPretrained(spec.model, init));
    const text = textOfLength(ex.text, spec.tokens ?? 16);
    const explain = (nSteps: number, onProgress?: (d: number, t: number) => void): Promise<unknown> => ex.explain(text, { nSteps, ...(onProgress ? { onProgress } : {}) });
    const [, warmupMs] = await timeIt(() => explain(spec.warmupSteps ?? spec.nSteps));
    for (let i = 0; i < spec.runs; i++) {
      rec = chunkRecorder();
      times.push((await timeIt(() => explain(spec.nSteps, rec.onProgress)))[1]);
    }
    const T = spec.tokens ?? 16;
    const targets = ex.lastResult?.wordAttributions.length ?? T;
    await ex.dispose();
    return { id: spec.id, device, times, medianMs: median(times), evaluations: spec.nSteps * targets, chunkRows: [2 * targets, ...rec.rows], tokens: T, targets, loadMs, cachedLoadMs, warmupMs };
  }
  const [ex, loadMs] = await timeIt(() => SequenceClassificationExplainer.fromPretrained(spec.model, init));
  const [, cachedLoadMs] = await timeIt(() => SequenceClassificationExplainer.fromPretrained(spec.model, init));
  const T = spec.tokens ?? 9;
  const text = textOfLength(ex.text, T);
  if (spec.kind === 'auto') {
    const [, warmupMs] = await timeIt(() => ex.explain(text, { nSteps: spec.warmupSteps ?? spec.nSteps }));
    const [ref, referenceMs] = await timeIt(() => ex.explain(text, { nSteps: spec.nSteps }));
    let last = ref;
    for (let i = 0; i < spec.runs; i++) {
      const [r, ms] = await timeIt(() => ex.explain(text, { nSteps: 'auto', tolerance: 1e-3 }));
      times.push(ms);
      last = r;
    }
    const maxDiff = maxAbsChange(last.wordAttributions.map((w) => w[1]), ref.wordAttributions.map((w) => w[1]));
    await ex.dispose();
    return autoCaseResult(spec, device, times, last.autoSteps, maxDiff, referenceMs, { tokens: T, loadMs, cachedLoadMs, warmupMs });
  }
  const explain = (nSteps: number, onProgress?: (d: number, t: number) => void): Promise<unknown> => ex.explain(text, { nSteps, ...(onProgress ? { onProgress } : {}) });
  const [, warmupMs] = await timeIt(() => explain(spec.warmupSteps ?? spec.nSteps));
  for (let i = 0; i < spec.runs; i++) {
    rec = chunkRecorder();
    times.push((await timeIt(() => explain(spec.nSteps, rec.onProgress)))[1]);
  }
  await ex.dispose();
  return { id: spec.id, device, times, medianMs: median(times), evaluations: spec.nSteps, chunkRows: [2, ...rec.rows], tokens: T, targets: 1, loadMs, cachedLoadMs, warmupMs };
}

function maxScaled(a: Float32Array): Float64Array {
  const m = a.reduce((x, v) => Math.max(x, Math.abs(v)), 0);
  return Float64Array.from(a, (v) => v / m);
}

function autoCaseResult(
  spec: CaseSpec,
  device: Device,
  times: number[],
  info: AutoStepsInfo | undefined,
  maxDiff: number,
  referenceMs: number,
  rest: Pick<CaseResult, 'tokens' | 'loadMs' | 'cachedLoadMs' | 'warmupMs'>,
): CaseResult {
  // A missing autoSteps would be a bug in the explainer: report it as not converged, loudly.
  const i = info ?? { nSteps: spec.nSteps, evaluations: spec.nSteps, converged: false, stoppedBy: 'missing' };
  return {
    id: spec.id, device, times, medianMs: median(times), evaluations: i.evaluations, chunkRows: [], targets: 1, ...rest,
    auto: { nSteps: i.nSteps, evaluations: i.evaluations, converged: i.converged, stoppedBy: i.stoppedBy, maxDiff, referenceMs },
  };
}

/** Shape of the peak MatMul: [M, K] x [K, N]. */
export const PEAK_SHAPE = { m: 256, k: 768, n: 3072 } as const;

/**
 * Peak GFLOP/s of one plain MatMul `[256, 768] x [768, 3072]` (B a weight, as in the models) on
 * `device`, created through the same session path as the explainers (same ORT module, EP and
 * thread settings). Median of `runs` runs after 3 warm-ups.
 */
export async function matmulPeak(device: Device, runs = 20): Promise<{ medianMs: number; gflops: number }> {
  const { m, k, n } = PEAK_SHAPE;
  const g = new Graph();
  g.opset = 17;
  g.inputs = [{ name: 'A', dtype: 'float32', shape: [m, k] }];
  const w = new Float32Array(k * n);
  for (let i = 0; i < w.length; i++) w[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  g.initializers.set('B', f32(w, [k, n]));
  g.nodes.push({ opType: 'MatMul', domain: '', name: 'mm', inputs: ['A', 'B'], outputs: ['Y'], attrs: {} });
  g.outputs = [{ name: 'Y', dtype: 'float32', shape: [m, n] }];
  const { bytes } = encodeModel({ graph: g, irVersion: 8, producerName: 'gradscope-bench', otherOpsets: [], source: new Uint8Array(0) });
  const session = await createSession(bytes, { device });
  const a = new Float32Array(m * k).fill(0.5);
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    const out = await session.run({ A: session.tensor('float32', a, [m, k]) });
    await out.Y.getData();
    if (i >= 3) times.push(performance.now() - t0);
  }
  await session.release();
  const medianMs = median(times);
  return { medianMs, gflops: (2 * m * k * n) / (medianMs * 1e6) };
}
