/**
 * Layer integrated gradients for text, on a {@link LoadedModel}: activations of the chosen
 * embedding layer for the real and the baseline ids, then the fused IG graph run chunk by
 * chunk, many targets sharing one batch. Returns per-token sums over the hidden axis, F at the
 * path's ends and the convergence delta, per target.
 */
import type { CutKind } from '../../autodiff/cut-points.js';
import type { HeadSpec } from '../../autodiff/spec.js';
import { GS } from '../../autodiff/spec.js';
import { integratedGradients, sumRowsByTarget } from '../../attribution/ig.js';
import type { IntegrationMethod } from '../../attribution/quadrature.js';
import { throwIfAborted } from '../../errors.js';
import type { Session, Tensor } from '../../runtime/session.js';
import { EXPOSED, type LoadedModel } from '../core/loaded-model.js';
import { evaluateHead, type OutputArrays } from '../core/head-eval.js';
import { defaultPositions, forwardOutputs } from './forward.js';
import { rowsPerRun } from '../core/memory.js';

/** The id rows of one explained input (all of length T). */
export interface TextRows {
  inputIds: readonly number[];
  refInputIds: readonly number[];
  tokenTypeIds: readonly number[];
  refTokenTypeIds: readonly number[];
  positionIds: readonly number[];
  refPositionIds: readonly number[];
  attentionMask: readonly number[];
}

/** One IG request over one input, with one or more targets. */
export interface TextIgRequest {
  rows: TextRows;
  cut: CutKind;
  head: HeadSpec;
  /** One selection mask per target, each of `maskShape` (without the batch axis). */
  targets: Float32Array[];
  maskShape: number[];
  nSteps?: number;
  method?: IntegrationMethod;
  internalBatchSize?: number | null;
  /** transformers-interpret's delta: F(baseline) from a plain forward on the baseline rows. */
  compatDelta?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Per-target outcome. */
export interface TextIgTarget {
  /** Sum over the hidden axis of the attributions, per token. */
  tokenSums: Float64Array;
  /** F at the real input. */
  fInput: number;
  /** F at the baseline used for the delta. */
  fBaseline: number;
  delta: number;
}

/** Outcome of {@link textIntegratedGradients}. */
export interface TextIgResult {
  targets: TextIgTarget[];
  /** Model outputs at the real input (alpha = 1), first row. */
  outputsAtInput: OutputArrays;
}

function int64(session: Session, rows: readonly (readonly number[])[]): Tensor {
  const t = rows[0].length;
  const data = new BigInt64Array(rows.length * t);
  rows.forEach((r, i) => r.forEach((v, j) => (data[i * t + j] = BigInt(v))));
  return session.tensor('int64', data, [rows.length, t]);
}

/** Feeds for every input the session asks for, rows repeated `repeat` times. */
export function idFeeds(session: Session, available: Record<string, readonly (readonly number[])[]>): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const name of session.inputNames) {
    const rows = available[name];
    if (rows) feeds[name] = int64(session, rows);
  }
  return feeds;
}

export function repeatRows<T>(row: T, n: number): T[] {
  return Array.from({ length: n }, () => row);
}

export async function readOutputs(out: Record<string, Tensor>, names: readonly string[]): Promise<OutputArrays> {
  const res: OutputArrays = {};
  for (const n of names) {
    const t = out[n];
    if (t) res[n] = { data: (await t.getData()) as Float32Array, dims: [...t.dims] };
  }
  return res;
}

/**
 * Runs layer integrated gradients for one text input.
 *
 * @example
 * const r = await textIntegratedGradients(model, { rows, cut: 'word', head, targets: [oneHot], maskShape: [2] });
 */
export async function textIntegratedGradients(model: LoadedModel, req: TextIgRequest): Promise<TextIgResult> {
  const { rows } = req;
  const T = rows.inputIds.length;
  const positionsOf = (ids: readonly number[], given: readonly number[]): readonly number[] => (model.isRobertaLike ? defaultPositions(model, ids) : given);
  const positions = positionsOf(rows.inputIds, rows.positionIds);

  // x and x': the cut layer's output on the real and the baseline rows.
  const act = await model.activation(req.cut);
  throwIfAborted(req.signal);
  const actOut = await act.run(
    idFeeds(act, {
      input_ids: [rows.inputIds, rows.refInputIds],
      token_type_ids: [rows.tokenTypeIds, rows.tokenTypeIds],
      attention_mask: [rows.attentionMask, rows.attentionMask],
      position_ids: [positions, positions],
      [EXPOSED.position]: [positions, req.cut === 'embeddings' && model.isRobertaLike ? positionsOf(rows.refInputIds, rows.refPositionIds) : rows.refPositionIds],
      [EXPOSED.tokenType]: [rows.tokenTypeIds, rows.refTokenTypeIds],
    }),
  );
  const actTensor = actOut[act.outputNames[0]];
  const actData = (await actTensor.getData()) as Float32Array;
  const rowShape = actTensor.dims.slice(1);
  const rowSize = actData.length / 2;
  const x = actData.subarray(0, rowSize);
  const xBase = actData.subarray(rowSize);

  const ig = model.igGraph(req.cut, req.head, 'sum-last-axis');
  const session = await model.igSession(req.cut, req.head, 'sum-last-axis');
  const maskSize = req.maskShape.reduce((a, b) => a * b, 1);
  const fixed: Record<string, Tensor> = {
    [GS.input]: session.tensor('float32', x, [1, ...rowShape]),
    [GS.baseline]: session.tensor('float32', xBase, [1, ...rowShape]),
  };
  const runRows = async (alphas: ArrayLike<number>, weights: ArrayLike<number>, rowTargets: ArrayLike<number>): Promise<{ scalars: Float32Array; attribution: Float32Array; outputs: OutputArrays }> => {
    const B = alphas.length;
    const mask = new Float32Array(B * maskSize);
    for (let b = 0; b < B; b++) mask.set(req.targets[rowTargets[b]], b * maskSize);
    const feeds: Record<string, Tensor> = {
      ...fixed,
      ...idFeeds(session, {
        input_ids: repeatRows(rows.inputIds, B),
        attention_mask: repeatRows(rows.attentionMask, B),
        token_type_ids: repeatRows(rows.tokenTypeIds, B),
        position_ids: repeatRows(positions, B),
      }),
      [GS.alphas]: session.tensor('float32', Float32Array.from(alphas), [B]),
      [GS.weights]: session.tensor('float32', Float32Array.from(weights), [B]),
      [GS.targetMask]: session.tensor('float32', mask, [B, ...req.maskShape]),
    };
    const out = await session.run(feeds, undefined, req.signal ? { signal: req.signal } : {});
    return {
      scalars: (await out[ig.scalar].getData()) as Float32Array,
      attribution: (await out[ig.attribution].getData()) as Float32Array,
      outputs: await readOutputs(out, ig.modelOutputs),
    };
  };

  // The path's ends (weight 0, so they add nothing): F(x) and F(x') per target, and the outputs at x.
  const nT = req.targets.length;
  const ends = await runRows(
    [...repeatRows(1, nT), ...repeatRows(0, nT)],
    new Array<number>(2 * nT).fill(0),
    [...req.targets.keys(), ...req.targets.keys()],
  );
  let fBaselines = Array.from(ends.scalars.subarray(nT, 2 * nT));
  if (req.compatDelta) fBaselines = await compatBaselineForward(model, req);

  const result = await integratedGradients(
    async (chunk) => {
      const r = await runRows(chunk.alphas, chunk.weights, chunk.rowTargets);
      return { rowScalars: r.scalars, attributionPart: sumRowsByTarget(chunk, r.attribution, T) };
    },
    {
      size: T,
      numTargets: nT,
      nSteps: req.nSteps ?? 50,
      method: req.method ?? 'gausslegendre',
      internalBatchSize: req.internalBatchSize ?? rowsPerRun(ig.model.graph, oneRowShapes(session.inputNames, T, rowShape, req.maskShape), nT * (req.nSteps ?? 50)),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    },
  );

  const targets = result.attributions.map((tokenSums, k) => {
    const total = tokenSums.reduce((a, b) => a + b, 0);
    const fInput = ends.scalars[k];
    return { tokenSums, fInput, fBaseline: fBaselines[k], delta: total - (fInput - fBaselines[k]) };
  });
  // Outputs (predictions) are the file's own: a quantized file's, not its dequantized function's.
  const outputsAtInput =
    model.explained === 'as-shipped'
      ? firstRow(ends.outputs)
      : await forwardOutputs(model, { inputIds: rows.inputIds, attentionMask: rows.attentionMask, tokenTypeIds: rows.tokenTypeIds, positionIds: positions });
  return { targets, outputsAtInput };
}

function firstRow(outputs: OutputArrays): OutputArrays {
  const res: OutputArrays = {};
  for (const [k, v] of Object.entries(outputs)) {
    const per = v.data.length / v.dims[0];
    res[k] = { data: v.data.slice(0, per), dims: [1, ...v.dims.slice(1)] };
  }
  return res;
}

/** Shapes of one row of the IG graph's inputs, for the memory estimate. */
export function oneRowShapes(inputs: readonly string[], T: number, rowShape: readonly number[], maskShape: readonly number[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {
    [GS.input]: [1, ...rowShape],
    [GS.baseline]: [1, ...rowShape],
    [GS.alphas]: [1],
    [GS.weights]: [1],
    [GS.targetMask]: [1, ...maskShape],
  };
  for (const n of inputs) if (!shapes[n]) shapes[n] = [1, T];
  return shapes;
}

/** F on transformers-interpret's baseline rows: ref ids, token types 0, positions 0 (where the model takes positions). */
async function compatBaselineForward(model: LoadedModel, req: TextIgRequest): Promise<number[]> {
  const { rows } = req;
  const usePositions = model.acceptsPositionIds;
  // F(x') of the explained function (forwardWithIds is built from it too).
  const fwd = usePositions ? await model.forwardWithIds() : await model.explainedForward();
  const out = await fwd.run(
    idFeeds(fwd, {
      input_ids: [rows.refInputIds],
      attention_mask: [rows.attentionMask],
      token_type_ids: [rows.refTokenTypeIds],
      position_ids: [usePositions ? rows.refPositionIds : defaultPositions(model, rows.refInputIds)],
      [EXPOSED.position]: [rows.refPositionIds],
    }),
  );
  const outputs = await readOutputs(out, fwd.outputNames);
  return req.targets.map((mask) => evaluateHead(req.head, outputs, mask));
}
