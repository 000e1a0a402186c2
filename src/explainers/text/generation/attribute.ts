/**
 * Integrated gradients of every target token of one continuation in shared runs. The whole
 * sequence (prompt + targets) is fed in every row; causal attention means the logits at
 * position P+i-1 see only positions before it, so one row per (target, path point), with its
 * own position and token masks, serves every target of the same gradient graph.
 *
 * @module
 */
import { integratedGradients, sumRowsByTarget } from '../../../attribution/ig.js';
import type { IntegrationMethod } from '../../../attribution/quadrature.js';
import type { HeadSpec } from '../../../autodiff/spec.js';
import { GS } from '../../../autodiff/spec.js';
import { throwIfAborted } from '../../../errors.js';
import type { Session, Tensor } from '../../../runtime/session.js';
import type { LoadedModel } from '../../core/loaded-model.js';
import { rowsPerRun } from '../../core/memory.js';
import type { TextIgResult } from '../text-attribution.js';
import { lmFeeds, type KvLayout } from './lm-feeds.js';

/** The explained scalar: log p(token | position) of the selected row. */
export const CAUSAL_LM_HEAD: HeadSpec = { kind: 'causal-lm', output: 'logits' };

/** One batched attribution request. */
export interface LmIgRequest {
  layout: KvLayout;
  promptIds: readonly number[];
  targetIds: readonly number[];
  vocabSize: number;
  /** Token id whose embedding starts the path. */
  baselineId: number;
  /** Integrate the prompt positions only, earlier targets kept real (captum's LLMGradientAttribution). */
  promptOnly: boolean;
  nSteps: number;
  method: IntegrationMethod;
  internalBatchSize?: number | null;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Per-target attributions (prompt positions, then earlier targets unless prompt-only) and the runs taken. */
export interface LmIgResult extends TextIgResult {
  runs: number;
}

/**
 * Runs the batched integration.
 *
 * @example
 * const r = await lmIntegratedGradients(model, { layout, promptIds, targetIds, vocabSize: 50257, baselineId: 0, promptOnly: true, nSteps: 50, method: 'gausslegendre' });
 */
export async function lmIntegratedGradients(model: LoadedModel, req: LmIgRequest): Promise<LmIgResult> {
  const ids = [...req.promptIds, ...req.targetIds];
  const L = ids.length;
  const P = req.promptIds.length;
  const N = req.targetIds.length;
  const V = req.vocabSize;

  // x and x': the token embeddings of the sequence and of the baseline id, in one run.
  const act = await model.activation('word');
  throwIfAborted(req.signal);
  const actOut = await act.run({ input_ids: act.tensor('int64', BigInt64Array.from([...ids, ...ids.map(() => req.baselineId)], (v) => BigInt(v)), [2, L]) });
  const actTensor = actOut[act.outputNames[0]];
  const actData = (await actTensor.getData()) as Float32Array;
  const H = actTensor.dims[2];
  const x = actData.slice(0, L * H);
  const xBase = actData.slice(L * H);
  // Targets keep their real embeddings on the prompt-only path: x - x' is 0 there.
  if (req.promptOnly) xBase.set(x.subarray(P * H), P * H);

  const ig = model.igGraph('word', CAUSAL_LM_HEAD, 'sum-last-axis');
  const session = await model.igSession('word', CAUSAL_LM_HEAD, 'sum-last-axis');
  const fixed: Record<string, Tensor> = {
    [GS.input]: session.tensor('float32', x, [1, L, H]),
    [GS.baseline]: session.tensor('float32', xBase, [1, L, H]),
  };
  let runs = 1;
  const runRows = async (alphas: ArrayLike<number>, weights: ArrayLike<number>, rowTargets: ArrayLike<number>): Promise<{ scalars: Float32Array; attribution: Float32Array }> => {
    const B = alphas.length;
    const position = new Float32Array(B * L);
    const token = new Float32Array(B * V);
    for (let b = 0; b < B; b++) {
      const k = rowTargets[b];
      position[b * L + P + k - 1] = 1;
      token[b * V + req.targetIds[k]] = 1;
    }
    const feeds: Record<string, Tensor> = {
      ...lmFeeds(session, req.layout, ids, B),
      ...fixed,
      [GS.alphas]: session.tensor('float32', Float32Array.from(alphas), [B]),
      [GS.weights]: session.tensor('float32', Float32Array.from(weights), [B]),
      [GS.positionMask]: session.tensor('float32', position, [B, L]),
      [GS.targetMask]: session.tensor('float32', token, [B, V]),
    };
    const out = await session.run(feeds, [ig.scalar, ig.attribution], req.signal ? { signal: req.signal } : {});
    runs++;
    return { scalars: (await out[ig.scalar].getData()) as Float32Array, attribution: (await out[ig.attribution].getData()) as Float32Array };
  };

  // The path's ends (weight 0): F(x) = log p of each target, and F(x') for the deltas.
  const keys = Array.from({ length: N }, (_, k) => k);
  const ends = await runRows([...keys.map(() => 1), ...keys.map(() => 0)], new Array<number>(2 * N).fill(0), [...keys, ...keys]);

  const maxRows = N * req.nSteps;
  const batch = req.internalBatchSize ?? rowsPerRun(ig.model.graph, oneRowShapes(session, req.layout, L, H, V), maxRows);
  const result = await integratedGradients(
    async (chunk) => {
      const r = await runRows(chunk.alphas, chunk.weights, chunk.rowTargets);
      return { rowScalars: r.scalars, attributionPart: sumRowsByTarget(chunk, r.attribution, L) };
    },
    {
      size: L,
      numTargets: N,
      nSteps: req.nSteps,
      method: req.method,
      internalBatchSize: batch,
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    },
  );

  const targets = result.attributions.map((full, k) => {
    const tokenSums = full.slice(0, req.promptOnly ? P : P + k);
    const total = tokenSums.reduce((a, b) => a + b, 0);
    const fInput = ends.scalars[k];
    const fBaseline = ends.scalars[N + k];
    return { tokenSums, fInput, fBaseline, delta: total - (fInput - fBaseline) };
  });
  return { targets, outputsAtInput: {}, runs };
}

/** Shapes of one row of the gradient graph's inputs, for the memory estimate. */
function oneRowShapes(s: Session, layout: KvLayout, L: number, H: number, V: number): Record<string, number[]> {
  const shapes: Record<string, number[]> = {
    [GS.input]: [1, L, H],
    [GS.baseline]: [1, L, H],
    [GS.alphas]: [1],
    [GS.weights]: [1],
    [GS.positionMask]: [1, L],
    [GS.targetMask]: [1, V],
  };
  for (const p of layout.pairs) shapes[p.input] = [1, p.heads, 0, p.headDim];
  for (const n of s.inputNames) if (!shapes[n]) shapes[n] = n === 'num_logits_to_keep' ? [] : [1, L];
  return shapes;
}

