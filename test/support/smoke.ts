/**
 * The issue-2 smoke check, shared by the Node (vitest) and the Chromium (Playwright) tests:
 * tokenize the reference text of distilbert-sst2 with transformers.js, run the ONNX forward
 * graph, compare with the Python reference.
 */
import { createSession, type CreateSessionOptions, type Session } from '../../src/runtime/session.js';
import { loadConfig, loadModelBytes, loadTokenizer } from '../../src/runtime/transformers.js';
import type { Placement } from '../../src/runtime/placement.js';

/** The fields of `test/fixtures/reference/<model>/<case>.json` the smoke test reads. */
export interface SmokeReference {
  call: { text: string };
  cleaned_text?: string;
  input_ids: number[];
  attention_mask: number[];
  tokens: string[];
  prediction: { predicted_class_index: number; probs_input_ids_only: number[]; probs_attribution_forward: number[] };
}

export interface SmokeResult {
  device: string;
  flavour: string;
  executionProviders: string[];
  ids: number[];
  referenceIds: number[];
  logits: number[];
  probs: number[];
  referenceProbs: number[];
  maxAbsDiff: number;
  predictedClass: string;
  placement: Placement | undefined;
}

export function softmax(logits: ArrayLike<number>): number[] {
  const xs = Array.from(logits);
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] as number))), 0);
}

const int64 = (session: Session, values: readonly number[]) =>
  session.tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);

/** Run the forward graph once; returns the logits. */
export async function forwardLogits(session: Session, ids: readonly number[], mask: readonly number[]): Promise<number[]> {
  const out = await session.run({ input_ids: int64(session, ids), attention_mask: int64(session, mask) }, ['logits']);
  const logits = out.logits;
  if (!logits) throw new Error('no logits output');
  return Array.from((await logits.getData()) as Float32Array);
}

/** Run the forward graph once; returns softmax probabilities. */
export async function forwardProbs(session: Session, ids: readonly number[], mask: readonly number[]): Promise<number[]> {
  return softmax(await forwardLogits(session, ids, mask));
}

/**
 * @param modelDir the fixture folder (Node: relative to the repo root; browser: a URL path).
 * @param reference the parsed reference JSON.
 */
export async function runSmoke(modelDir: string, reference: SmokeReference, options: CreateSessionOptions = {}): Promise<SmokeResult & { session: Session }> {
  const tokenizer = await loadTokenizer(modelDir, { localOnly: true });
  const config = await loadConfig(modelDir, { localOnly: true });
  const text = reference.cleaned_text ?? reference.call.text;
  const enc = tokenizer(text);
  const ids = Array.from(enc.input_ids.data as BigInt64Array, Number);
  const mask = Array.from(enc.attention_mask.data as BigInt64Array, Number);
  const { model } = await loadModelBytes(modelDir, { localOnly: true });
  const session = await createSession(model, options);
  const logits = await forwardLogits(session, ids, mask);
  const probs = softmax(logits);
  const referenceProbs = reference.prediction.probs_input_ids_only;
  const best = probs.indexOf(Math.max(...probs));
  const id2label = (config as unknown as { id2label: Record<string, string> }).id2label;
  return {
    session,
    device: session.device,
    flavour: session.flavour,
    executionProviders: [...session.executionProviders],
    ids,
    logits,
    referenceIds: reference.input_ids,
    probs,
    referenceProbs,
    maxAbsDiff: maxAbsDiff(probs, referenceProbs),
    predictedClass: id2label[String(best)] ?? String(best),
    placement: session.placement,
  };
}
