/**
 * Gradient x input, saliency and SmoothGrad for text on the fused IG graph (one path point per
 * row, see `attribution/gradient-methods.ts`), with the same outcome shape as integrated
 * gradients so every explainer can switch algorithm in one place.
 */
import { gradientPlan, type AlgorithmChoice } from '../../attribution/gradient-methods.js';
import { tokenScores } from '../../attribution/gradient-methods.js';
import { GS } from '../../autodiff/spec.js';
import { throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../runtime/session.js';
import { defaultPositions } from './forward.js';
import { EXPOSED, type LoadedModel } from '../core/loaded-model.js';
import { rowsPerRun } from '../core/memory.js';
import { idFeeds, oneRowShapes, readOutputs, repeatRows, type TextIgRequest, type TextIgResult } from './text-attribution.js';
import type { OutputArrays } from '../core/head-eval.js';

/** The cut layer's output on the real rows: x, one row (exported for the finite-difference tests). */
export async function cutActivation(model: LoadedModel, req: TextIgRequest, positions: readonly number[]): Promise<{ x: Float32Array; rowShape: number[] }> {
  const { rows } = req;
  const act = await model.activation(req.cut);
  const out = await act.run(
    idFeeds(act, {
      input_ids: [rows.inputIds],
      token_type_ids: [rows.tokenTypeIds],
      attention_mask: [rows.attentionMask],
      position_ids: [positions],
      [EXPOSED.position]: [positions],
      [EXPOSED.tokenType]: [rows.tokenTypeIds],
    }),
  );
  const t = out[act.outputNames[0]];
  return { x: Float32Array.from((await t.getData()) as Float32Array), rowShape: t.dims.slice(1) };
}

/**
 * Runs a gradient method for one text input and every target of `req`. `delta` and `fBaseline`
 * are NaN: only integrated gradients has a completeness gap.
 *
 * @example
 * const r = await textGradientMethod(model, { rows, cut: 'word', head, targets: [oneHot], maskShape: [2] }, checkAlgorithm({ algorithm: 'saliency' }));
 */
export async function textGradientMethod(model: LoadedModel, req: TextIgRequest, choice: AlgorithmChoice): Promise<TextIgResult> {
  const { rows } = req;
  const T = rows.inputIds.length;
  const positions = model.isRobertaLike ? defaultPositions(model, rows.inputIds) : rows.positionIds;
  const { x, rowShape } = await cutActivation(model, req, positions);
  throwIfAborted(req.signal);
  let plan = gradientPlan(choice, x);
  const hidden = rowShape[rowShape.length - 1];
  const ig = model.igGraph(req.cut, req.head, plan.reduction);
  const session = await model.igSession(req.cut, req.head, plan.reduction);
  const maskSize = req.maskShape.reduce((a, b) => a * b, 1);
  const perRun = req.internalBatchSize ?? rowsPerRun(ig.model.graph, oneRowShapes(session.inputNames, T, rowShape, req.maskShape), plan.rows);
  const outSize = plan.reduction === 'per-row' ? T * hidden : T;

  const targets: TextIgResult['targets'] = [];
  let outputsAtInput: OutputArrays = {};
  const total = req.targets.length * plan.rows;
  let done = 0;
  req.onProgress?.(0, total);
  for (let k = 0; k < req.targets.length; k++) {
    // A fresh plan per target: with a seed, every target sees the same noise.
    if (k > 0) plan = gradientPlan(choice, x);
    const out = new Float32Array(plan.rows * outSize);
    let fInput = NaN;
    for (let start = 0; start < plan.rows; start += perRun) {
      const end = Math.min(plan.rows, start + perRun);
      const B = end - start;
      const mask = new Float32Array(B * maskSize);
      for (let b = 0; b < B; b++) mask.set(req.targets[k], b * maskSize);
      const rowsIn = plan.rowsOf(start, end);
      const feeds: Record<string, Tensor> = {
        ...idFeeds(session, {
          input_ids: repeatRows(rows.inputIds, B),
          attention_mask: repeatRows(rows.attentionMask, B),
          token_type_ids: repeatRows(rows.tokenTypeIds, B),
          position_ids: repeatRows(positions, B),
        }),
        [GS.input]: session.tensor('float32', rowsIn.input, [B, ...rowShape]),
        [GS.baseline]: session.tensor('float32', rowsIn.baseline, [B, ...rowShape]),
        [GS.alphas]: session.tensor('float32', plan.alphas.slice(start, end), [B]),
        [GS.weights]: session.tensor('float32', plan.weights.slice(start, end), [B]),
        [GS.targetMask]: session.tensor('float32', mask, [B, ...req.maskShape]),
      };
      const res = await session.run(feeds, undefined, req.signal ? { signal: req.signal } : {});
      throwIfAborted(req.signal);
      out.set((await res[ig.attribution].getData()) as Float32Array, start * outSize);
      if (plan.inputRow >= start && plan.inputRow < end) {
        const i = plan.inputRow - start;
        fInput = ((await res[ig.scalar].getData()) as Float32Array)[i];
        if (k === 0) outputsAtInput = rowOf(await readOutputs(res, ig.modelOutputs), i);
      }
      done += B;
      req.onProgress?.(done, total);
    }
    targets.push({ tokenSums: tokenScores(plan, out, T, hidden), fInput, fBaseline: NaN, delta: NaN });
  }
  return { targets, outputsAtInput };
}

function rowOf(outputs: OutputArrays, row: number): OutputArrays {
  const res: OutputArrays = {};
  for (const [k, v] of Object.entries(outputs)) {
    const per = v.data.length / v.dims[0];
    res[k] = { data: v.data.slice(row * per, (row + 1) * per), dims: [1, ...v.dims.slice(1)] };
  }
  return res;
}
