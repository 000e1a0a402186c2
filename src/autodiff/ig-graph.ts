/**
 * Integrated gradients fused into the gradient graph: the path points x' + a (x - x'), the
 * step weights and the reduction of gradient x (x - x') happen inside ONNX, so per chunk only
 * the alphas and weights go to the device and a small attribution tensor comes back.
 */
import type { ValueInfo } from '../onnx/ir.js';
import type { OnnxModel } from '../onnx/model-io.js';
import { buildGradientGraph } from './build.js';
import { reduce } from './emit.js';
import { GS, type HeadSpec } from './spec.js';
import { ModelError } from '../errors.js';

/** How the per-row attribution is reduced inside the graph. */
export type AttributionReduction =
  /** Sum over the last (hidden) axis: [rows, ...] -> one number per token and row, e.g. [B, T]. */
  | 'sum-last-axis'
  /** Sum over the batch axis: the whole attribution tensor of one target, e.g. [1, 3, H, W]. */
  | 'sum-batch'
  /**
   * No reduction: weight_b * grad_b * (x_b - x') per row, e.g. [B, 3, H, W]. With one
   * gs_input row per batch row, rows of different inputs (noise-tunnel samples) share a run
   * and the caller sums each input's rows itself.
   */
  | 'per-row';

/** Options of {@link buildIntegratedGradientsGraph}. */
export interface IgGraphOptions {
  /** The tensor integrated along the path (an embedding output, `pixel_values`, ...). */
  cut: string;
  head: HeadSpec;
  reduction: AttributionReduction;
  /** Keep the model's own outputs (default true); see `GradientGraphOptions.keepModelOutputs`. */
  keepModelOutputs?: boolean;
}

/** A built IG graph. Inputs: the model's remaining inputs plus gs_input, gs_baseline, gs_alphas, gs_weights and the head's selection. */
export interface IgGraph {
  model: OnnxModel;
  inputs: ValueInfo[];
  modelOutputs: string[];
  /** F per row. */
  scalar: string;
  /** Attribution output: weight_b * sum(grad_b * (x - x')) reduced as asked. */
  attribution: string;
  /** dtype and shape of the cut tensor. */
  cutInfo: ValueInfo;
}

/**
 * Builds the fused IG graph.
 *
 * @example
 * const ig = buildIntegratedGradientsGraph(model, {
 *   cut: wordEmbeddingOutput, head: { kind: 'classification', activation: 'softmax' }, reduction: 'sum-last-axis',
 * });
 */
export function buildIntegratedGradientsGraph(model: OnnxModel, opts: IgGraphOptions): IgGraph {
  const gg = buildGradientGraph(model, { wrt: [opts.cut], head: opts.head, batchAxis: true, ...(opts.keepModelOutputs === false ? { keepModelOutputs: false } : {}) });
  const g = gg.model.graph;
  const cutInfo = g.inputs.find((v) => v.name === opts.cut) ?? { name: opts.cut, dtype: 'float32' as const, shape: gg.info.types.get(opts.cut)?.shape };
  const rank = cutInfo.shape?.length;
  if (rank === undefined) throw new ModelError(`The rank of the cut tensor "${opts.cut}" could not be inferred; explain a tensor whose shape the model declares or that shape inference can follow.`, { code: 'unknown-shape' });
  g.inputs = g.inputs.filter((v) => v.name !== opts.cut);
  const rowShape = cutInfo.shape?.slice(1) ?? [];
  g.inputs.push(
    { name: GS.input, dtype: 'float32', shape: ['input_rows', ...rowShape] },
    { name: GS.baseline, dtype: 'float32', shape: ['baseline_rows', ...rowShape] },
    { name: GS.alphas, dtype: 'float32', shape: ['batch_size'] },
    { name: GS.weights, dtype: 'float32', shape: ['batch_size'] },
  );
  const perRow = g.constI64([-1, ...Array.from({ length: rank - 1 }, () => 1)]);
  const alpha = g.op('Reshape', [GS.alphas, perRow]);
  const weight = g.op('Reshape', [GS.weights, perRow]);
  const diff = g.op('Sub', [GS.input, GS.baseline]);
  const interpolated = g.op('Add', [GS.baseline, g.op('Mul', [alpha, diff])]);
  // The cut tensor keeps its name, so every consumer of the original tensor now reads the path point.
  g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('path_point'), inputs: [interpolated], outputs: [opts.cut], attrs: {} });

  const weighted = g.op('Mul', [gg.grads[opts.cut], weight]);
  const attr =
    opts.reduction === 'sum-last-axis'
      ? reduce(g, 'ReduceSum', g.op('Mul', [weighted, diff]), [rank - 1], false)
      : opts.reduction === 'per-row'
        ? g.op('Mul', [weighted, diff])
        : g.op('Mul', [reduce(g, 'ReduceSum', weighted, [0], true), diff]);
  g.nodes.push({ opType: 'Identity', domain: '', name: g.fresh('attribution'), inputs: [attr], outputs: [GS.attribution], attrs: {} });
  const attrShape =
    opts.reduction === 'sum-last-axis' ? ['batch_size', ...rowShape.slice(0, -1)] : opts.reduction === 'per-row' ? ['batch_size', ...rowShape] : [1, ...rowShape];
  g.outputs = [
    ...g.outputs.filter((o) => o.name !== gg.grads[opts.cut]),
    { name: GS.attribution, dtype: 'float32', shape: attrShape },
  ];
  g.removeDeadCode([GS.alphas, GS.weights]);
  g.topoSort();
  return { model: { ...gg.model, graph: g }, inputs: g.inputs, modelOutputs: gg.modelOutputs, scalar: gg.scalar, attribution: GS.attribution, cutInfo };
}
