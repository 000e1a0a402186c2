/**
 * The text-generation benchmark case, shared by Node and the Chromium page (no Node or DOM
 * imports): a prompt of `tokens` tokens, `newTokens` greedy tokens, explained with `nSteps`
 * steps and with 'auto'. Times, model runs and rows per run of the last explanation.
 */
import { TextGenerationExplainer } from '../src/explainers/text/generation/explainer.js';
import { CAUSAL_LM_HEAD } from '../src/explainers/text/generation/attribute.js';
import type { Device } from '../src/runtime/ort.js';
import { linearFlops } from './flops.js';

/** One generation case. */
export interface GenerationCaseSpec {
  model: string;
  /** Prompt tokens. */
  tokens: number;
  newTokens: number;
  nSteps: number;
  runs: number;
  /** Also time `nSteps: 'auto'` (runs times). */
  auto: boolean;
  warmupSteps: number;
}

/** What the generation case measured. */
export interface GenerationCaseResult {
  /** Wall time of each timed `nSteps` explanation, ms. */
  times: number[];
  autoTimes: number[];
  /** Gauss-Legendre nodes 'auto' settled on, and the evaluations it spent per target. */
  autoNSteps?: number;
  autoEvaluations?: number;
  promptTokens: number;
  generated: number;
  /** Model runs of the last `nSteps` explanation: generation forward runs, attribution runs. */
  modelRuns: { generation: number; attribution: number };
  /** Rows of each integration run of the last `nSteps` explanation. */
  chunkRows: number[];
  loadMs: number;
  warmupMs: number;
  /** FLOPs of the gradient graph per row at this prompt + continuation length (from the graph's shapes). */
  flopsPerRow: number;
}

/**
 * Runs the case on `device`, then disposes the explainer.
 *
 * @example
 * const r = await runGenerationCase({ model: 'bench/.cache/models/gpt2-small-random', tokens: 32, newTokens: 8, nSteps: 50, runs: 1, auto: true, warmupSteps: 2 }, 'cpu');
 */
export async function runGenerationCase(spec: GenerationCaseSpec, device: Device, externalData?: boolean): Promise<GenerationCaseResult> {
  const t0 = performance.now();
  const ex = await TextGenerationExplainer.fromPretrained(spec.model, { device, localOnly: true, ...(externalData !== undefined ? { externalData } : {}) });
  const loadMs = performance.now() - t0;
  try {
    const tok = ex.text.tokenizer;
    let prompt = 'The movie was great because';
    while (tok.encode(prompt, { addSpecialTokens: true }).ids.length < spec.tokens) prompt += ' the story';
    const ids = tok.encode(prompt, { addSpecialTokens: true }).ids.slice(0, spec.tokens);
    prompt = tok.decode?.(ids) ?? prompt;
    const t1 = performance.now();
    // Warm-up: sessions created and the chunk shapes run once.
    await ex.explain(prompt, { maxNewTokens: spec.newTokens, nSteps: spec.warmupSteps });
    const warmupMs = performance.now() - t1;
    const times: number[] = [];
    let rows: number[] = [];
    let last;
    for (let i = 0; i < spec.runs; i++) {
      const rec: number[] = [];
      let done = 0;
      const s = performance.now();
      last = await ex.explain(prompt, { maxNewTokens: spec.newTokens, nSteps: spec.nSteps, onProgress: (d) => { if (d > done) rec.push(d - done); done = d; } });
      times.push(performance.now() - s);
      rows = rec;
    }
    const autoTimes: number[] = [];
    let auto;
    if (spec.auto) {
      for (let i = 0; i < spec.runs; i++) {
        const s = performance.now();
        auto = await ex.explain(prompt, { maxNewTokens: spec.newTokens, nSteps: 'auto' });
        autoTimes.push(performance.now() - s);
      }
    }
    // Every row runs the whole sequence; FLOPs counted on the graph the explainer ran.
    const L = (last?.promptIds.length ?? 0) + (last?.targetIds.length ?? 0);
    const env = (b: number): Record<string, number> => ({ batch_size: b, sequence_length: L, past_sequence_length: 0, total_sequence_length: L, input_rows: 1, baseline_rows: 1, vocab_size: ex.vocabSize });
    const flopsPerRow = linearFlops(ex.text.model.igGraph('word', CAUSAL_LM_HEAD, 'sum-last-axis').model.graph, env).perRow;
    return {
      flopsPerRow,
      times,
      autoTimes,
      ...(auto?.autoSteps ? { autoNSteps: auto.autoSteps.nSteps, autoEvaluations: auto.autoSteps.evaluations } : {}),
      promptTokens: last?.promptIds.length ?? 0,
      generated: last?.targetIds.length ?? 0,
      modelRuns: last?.modelRuns ?? { generation: 0, attribution: 0 },
      chunkRows: rows,
      loadMs,
      warmupMs,
    };
  } finally {
    await ex.dispose();
  }
}
