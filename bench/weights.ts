/**
 * Benchmark model folders with deterministic random weights.
 *
 * `bench/models/<name>/` holds only the graph (`onnx/model.onnx`, every initializer stored as
 * external data in `model.onnx_data`) plus config and tokenizer / preprocessor. Weights are never
 * committed: this module regenerates them into the gitignored `bench/.cache/models/<name>/`
 * (a copy of the folder with `onnx/model.onnx_data` next to the graph, which is where
 * `LoadedModel` looks for external data), and skips the work when the file is already there
 * with the right size.
 *
 * Values: for each initializer, `length / 4` float32 draws of normal(0, 0.02) written at its
 * offset, initializers in file order, one seeded stream per model (seed from
 * `bench/models/summary.json`). LayerNorm scales (names like `*LayerNorm.weight`,
 * `*layer_norm.weight`, `*layernorm_before.weight`) are set to 1 and LayerNorm shifts to 0, as
 * a freshly initialised transformer has them: with a 0.02 scale every LayerNorm would shrink
 * activations 50x per layer and the benchmark would run on near-zero tensors (speed is the
 * same; the attribution numbers used by the 'auto' check would be degenerate).
 *
 * Also derives `distilbert-base-token-random`: the same DistilBERT body with a token
 * classification head (last hidden state -> MatMul [768, 9] + bias -> logits [B, T, 9]), for
 * the token-classification case, since the skeletons hold no token classifier.
 *
 * Run directly: `npx tsx bench/weights.ts`.
 */
import { chmod, copyFile, link, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModel, encodeModel } from '../src/onnx/model-io.js';
import type { TensorProto } from '../src/onnx/proto.js';
import { f32 } from '../src/onnx/tensor.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where the graph-only skeletons live (read-only, committed). */
export const SKELETONS = join(HERE, 'models');
/** Where the runnable folders are written (gitignored). */
export const CACHE = join(HERE, '.cache', 'models');

/** The benchmark models: skeleton name and the external-data size its graph declares. */
export const BENCH_MODELS = {
  'distilbert-base-random': { bytes: 267_589_640 },
  'vit-base-random': { bytes: 345_800_608 },
} as const;
export type BenchModelName = keyof typeof BENCH_MODELS;
/** The derived token classifier (see the module docs). */
export const TOKEN_MODEL = 'distilbert-base-token-random';

const STD = 0.02;
const TOKEN_LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];

/**
 * sfc32: a small, fast 32-bit generator with a 128-bit state; Math.random cannot be seeded
 * and the weights must be identical on every machine.
 */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs: they still depend simply on the seed.
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** Fills `out` with normal(0, std) draws (Box-Muller, both values of each pair used). */
function fillNormal(out: Float32Array, std: number, rand: () => number): void {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = 1 - rand(); // (0, 1]: log stays finite
    const u2 = rand();
    const r = std * Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
}

type LayerNormPart = 'scale' | 'shift' | undefined;

/** Whether an initializer is a LayerNorm scale or shift, judged by its (PyTorch) name. */
export function layerNormPart(name: string): LayerNormPart {
  if (!/layer_?norm/i.test(name)) return undefined;
  if (name.endsWith('.weight')) return 'scale';
  if (name.endsWith('.bias')) return 'shift';
  return undefined;
}

interface ExternalSlot {
  name: string;
  offset: number;
  length: number;
}

function externalSlots(initializers: Iterable<[string, { proto?: TensorProto }]>): ExternalSlot[] {
  const slots: ExternalSlot[] = [];
  for (const [name, t] of initializers) {
    const ed = t.proto?.externalData;
    if (!ed) continue;
    const get = (k: string): string | undefined => ed.find((e) => e.key === k)?.value ?? undefined;
    slots.push({ name, offset: Number(get('offset') ?? 0), length: Number(get('length') ?? 0) });
  }
  return slots;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** Generates the external data of one skeleton graph (whole file in memory: ~350 MB at most). */
export function generateWeights(modelBytes: Uint8Array, seed: number, expectedBytes: number): Uint8Array {
  const model = decodeModel(modelBytes);
  const slots = externalSlots(model.graph.initializers);
  const total = slots.reduce((m, s) => Math.max(m, s.offset + s.length), 0);
  if (total !== expectedBytes) throw new Error(`the graph's external data spans ${total} bytes, expected ${expectedBytes}`);
  const buf = new ArrayBuffer(total);
  const rand = sfc32(seed);
  for (const s of slots) {
    if (s.offset % 4 !== 0 || s.length % 4 !== 0) throw new Error(`initializer ${s.name} is not float32-aligned`);
    const view = new Float32Array(buf, s.offset, s.length / 4);
    const part = layerNormPart(s.name);
    if (part === 'scale') view.fill(1);
    else if (part === 'shift') view.fill(0);
    else fillNormal(view, STD, rand);
  }
  return new Uint8Array(buf);
}

async function copyFolder(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    if (e.isDirectory()) await copyFolder(join(from, e.name), join(to, e.name));
    else if (!e.name.endsWith('.onnx_data')) {
      await copyFile(join(from, e.name), join(to, e.name));
      // The skeletons are read-only; the copies must stay writable for the next refresh.
      await chmod(join(to, e.name), 0o644);
    }
  }
}

async function seedOf(name: string): Promise<number> {
  const summary = JSON.parse(await readFile(join(SKELETONS, 'summary.json'), 'utf8')) as { models?: Record<string, { seed?: number }> };
  return summary.models?.[name]?.seed ?? 1;
}

/**
 * Makes `bench/.cache/models/<name>/` runnable: copies the skeleton and writes
 * `onnx/model.onnx_data` unless a file of the right size is already there. Returns the folder.
 */
export async function ensureModel(name: BenchModelName, log: (line: string) => void = console.log): Promise<string> {
  const src = join(SKELETONS, name);
  const dst = join(CACHE, name);
  const dataPath = join(dst, 'onnx', 'model.onnx_data');
  const expected = BENCH_MODELS[name].bytes;
  await copyFolder(src, dst);
  if ((await sizeOf(dataPath)) === expected) return dst;
  const t0 = performance.now();
  const bytes = generateWeights(new Uint8Array(await readFile(join(src, 'onnx', 'model.onnx'))), await seedOf(name), expected);
  await writeFile(dataPath, bytes);
  log(`generated ${dataPath} (${expected} bytes) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dst;
}

/**
 * Makes the token-classification variant of DistilBERT (see the module docs). Its graph reads
 * the same `model.onnx_data` (hard-linked, or copied where links fail); the new head's weights
 * are small and stored inline.
 */
export async function ensureTokenModel(log: (line: string) => void = console.log): Promise<string> {
  const base = await ensureModel('distilbert-base-random', log);
  const dst = join(CACHE, TOKEN_MODEL);
  const graphPath = join(dst, 'onnx', 'model.onnx');
  const dataPath = join(dst, 'onnx', 'model.onnx_data');
  await copyFolder(base, dst);
  if ((await sizeOf(dataPath)) !== BENCH_MODELS['distilbert-base-random'].bytes) {
    await rm(dataPath, { force: true });
    await link(join(base, 'onnx', 'model.onnx_data'), dataPath).catch(() => copyFile(join(base, 'onnx', 'model.onnx_data'), dataPath));
  }

  const model = decodeModel(new Uint8Array(await readFile(join(base, 'onnx', 'model.onnx'))));
  const g = model.graph;
  // The head of DistilBertForSequenceClassification starts with Gather(hidden, 0) (the [CLS] row);
  // its input is the last hidden state [B, T, 768].
  const cls = g.nodes.find((n) => n.opType === 'Gather' && n.outputs[0] === '/model/Gather_output_0');
  if (!cls) throw new Error('could not find the [CLS] Gather of the DistilBERT head');
  const hidden = cls.inputs[0];
  const rand = sfc32(303);
  const w = new Float32Array(768 * TOKEN_LABELS.length);
  fillNormal(w, STD, rand);
  const W = g.constant(f32(w, [768, TOKEN_LABELS.length]), 'token_classifier_weight');
  const bias = g.constant(f32(new Float32Array(TOKEN_LABELS.length), [TOKEN_LABELS.length]), 'token_classifier_bias');
  const mm = g.op('MatMul', [hidden, W]);
  g.nodes.push({ opType: 'Add', domain: '', name: g.fresh('token_classifier'), inputs: [mm, bias], outputs: ['logits'], attrs: {} });
  g.nodes = g.nodes.filter((n) => !(n.outputs.includes('logits') && n.opType === 'Gemm'));
  g.outputs = [{ name: 'logits', dtype: 'float32', shape: ['batch_size', 'sequence_length', TOKEN_LABELS.length] }];
  g.removeDeadCode();
  g.topoSort();
  // No externalizeAbove: the original initializers keep their external-data records (location
  // model.onnx_data, same offsets), the new head is written inline.
  await writeFile(graphPath, encodeModel(model).bytes);

  const cfg = JSON.parse(await readFile(join(base, 'config.json'), 'utf8')) as Record<string, unknown>;
  cfg.architectures = ['DistilBertForTokenClassification'];
  cfg.id2label = Object.fromEntries(TOKEN_LABELS.map((l, i) => [String(i), l]));
  cfg.label2id = Object.fromEntries(TOKEN_LABELS.map((l, i) => [l, i]));
  await writeFile(join(dst, 'config.json'), JSON.stringify(cfg, null, 2));
  return dst;
}

/** Total bytes the graph's initializers reference (for a sanity check without decoding weights). */
export function declaredExternalBytes(modelBytes: Uint8Array): number {
  const slots = externalSlots(decodeModel(modelBytes).graph.initializers);
  return slots.reduce((m, s) => Math.max(m, s.offset + s.length), 0);
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  for (const name of Object.keys(BENCH_MODELS) as BenchModelName[]) console.log(await ensureModel(name));
  console.log(await ensureTokenModel());
}
