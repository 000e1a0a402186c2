/**
 * One gradient-graph run, shared by the Node and the Chromium tests so both compute exactly the
 * same thing: build the IG graph of a fixture model, feed fixed ids and a fixed path, and read
 * the per-token attribution, F, and where ORT placed each node.
 */
import { findCut, type CutKind } from '../../src/autodiff/cut-points.js';
import { buildIntegratedGradientsGraph, type IgGraph } from '../../src/autodiff/ig-graph.js';
import type { HeadSpec } from '../../src/autodiff/spec.js';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';
import type { Device } from '../../src/runtime/ort.js';
import { createSession, type Tensor } from '../../src/runtime/session.js';

/** Which fixture and cut a probe uses. */
export interface ProbeSpec {
  model: string;
  cut: CutKind;
  head: HeadSpec;
  classes: number;
}

export const PROBES: Record<string, ProbeSpec> = {
  'distilbert-sst2': { model: 'distilbert-sst2', cut: 'word', head: { kind: 'classification', activation: 'softmax' }, classes: 2 },
  'bert-3class': { model: 'bert-3class', cut: 'word', head: { kind: 'classification', activation: 'softmax' }, classes: 3 },
  vit: { model: 'vit', cut: 'pixel_values', head: { kind: 'classification', activation: 'identity' }, classes: 5 },
};

export interface ProbeResult {
  device: string;
  attribution: number[];
  scalars: number[];
  /** Nodes ORT put on the CPU EP that touch a tensor of at least `bigElements` elements per row. */
  bigCpuNodes: string[];
  cpuNodes: number;
  gpuNodes: number;
}

const IDS = [2, 51, 454, 784, 16, 51, 441, 784, 3];

function bigTensors(ig: IgGraph, minPerRow: number): Set<string> {
  const big = new Set<string>();
  for (const [name, t] of ig.model.graph.valueInfo) {
    const shape = t.shape;
    if (!shape || shape.length < 2 || t.dtype !== 'float32') continue;
    // Per row: the static dims after the batch axis; symbolic ones (the sequence) count as 9.
    const perRow = shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 9), 1);
    if (perRow >= minPerRow) big.add(name);
  }
  return big;
}

/**
 * Builds the IG graph of `spec` from `modelBytes`, runs 4 path points on `device`, and reports.
 * Graph optimisations are off so the placement log names our own nodes.
 */
export async function runProbe(modelBytes: Uint8Array, spec: ProbeSpec, device: Device, reportPlacement: boolean): Promise<ProbeResult> {
  const model = decodeModel(modelBytes);
  const ig = buildIntegratedGradientsGraph(model, { cut: findCut(model.graph, spec.cut).tensor, head: spec.head, reduction: spec.cut === 'pixel_values' ? 'sum-batch' : 'sum-last-axis' });
  const enc = encodeModel(ig.model, { externalizeAbove: 1024 });
  const session = await createSession(enc.bytes, { device, externalData: enc.externalData, graphOptimizationLevel: 'disabled', reportPlacement });
  const B = 4;
  const T = IDS.length;
  const rowShape = spec.cut === 'pixel_values' ? [3, 224, 224] : [T, 32];
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: rowSize }, (_, i) => 0.1 * Math.sin(i * 0.37));
  const base = Float32Array.from({ length: rowSize }, (_, i) => 0.02 * Math.cos(i * 0.11));
  const mask = new Float32Array(B * spec.classes);
  for (let b = 0; b < B; b++) mask[b * spec.classes + (b % spec.classes)] = 1;
  const i64 = (v: number[]): Tensor => session.tensor('int64', BigInt64Array.from(Array.from({ length: B }, () => v).flat().map((n) => BigInt(n))), [B, T]);
  const feeds: Record<string, Tensor> = {
    gs_input: session.tensor('float32', x, [1, ...rowShape]),
    gs_baseline: session.tensor('float32', base, [1, ...rowShape]),
    gs_alphas: session.tensor('float32', Float32Array.of(0.1, 0.4, 0.7, 1), [B]),
    gs_weights: session.tensor('float32', Float32Array.of(0.25, 0.25, 0.25, 0.25), [B]),
    gs_target_mask: session.tensor('float32', mask, [B, spec.classes]),
  };
  if (session.inputNames.includes('input_ids')) feeds.input_ids = i64(IDS);
  if (session.inputNames.includes('attention_mask')) feeds.attention_mask = i64(IDS.map(() => 1));
  if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = i64(IDS.map((_, i) => (i > 4 ? 1 : 0)));
  const out = await session.run(feeds);
  const attribution = Array.from((await out[ig.attribution].getData()) as Float32Array);
  const scalars = Array.from((await out[ig.scalar].getData()) as Float32Array);
  const cpu = session.placement?.byProvider.CPUExecutionProvider;
  const big = bigTensors(ig, spec.cut === 'pixel_values' ? 3 * 16 * 16 : 32);
  const nodesByName = new Map(ig.model.graph.nodes.map((n) => [n.name, n]));
  const bigCpuNodes = (cpu?.nodes ?? [])
    .filter((p) => {
      const n = nodesByName.get(p.name);
      return n !== undefined && [...n.inputs, ...n.outputs].some((t) => big.has(t));
    })
    .map((p) => `${p.opType} ${p.name}`);
  await session.release();
  return {
    device: session.device,
    attribution,
    scalars,
    bigCpuNodes,
    cpuNodes: cpu?.count ?? 0,
    gpuNodes: session.placement?.byProvider.WebGpuExecutionProvider?.count ?? 0,
  };
}
