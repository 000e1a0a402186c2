/**
 * Placement of every fixture's IG graph on the native WebGPU EP (issue 3): no node that touches
 * a [batch, sequence, hidden]-sized float tensor (or, for images, a float tensor of at least one
 * 16x16 patch per channel) may fall back to the CPU. int64 index math (DeBERTa's relative
 * positions) runs on the CPU by design of the EP and is not counted.
 *
 * onnxruntime-node's WebGPU EP is the same C++ EP as onnxruntime-web's (runtime-facts §8) and
 * runs on the SwiftShader Vulkan driver that Debian's chromium package ships; ORT prints the
 * placement to stderr, so each session is created in a child process. Skipped where that
 * driver is absent.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { findCut, type CutKind } from '../../src/autodiff/cut-points.js';
import { buildIntegratedGradientsGraph } from '../../src/autodiff/ig-graph.js';
import type { HeadSpec } from '../../src/autodiff/spec.js';
import { decodeModel, encodeModel } from '../../src/onnx/model-io.js';
import { parsePlacement } from '../../src/runtime/placement.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHILD = path.resolve('test/unit/helpers/webgpu-placement-child.mjs');

const cls = (activation: 'softmax' | 'sigmoid' | 'identity'): HeadSpec => ({ kind: 'classification', activation });
const CASES: [string, CutKind, HeadSpec][] = [
  ['distilbert-sst2', 'word', cls('softmax')],
  ['bert-3class', 'position', cls('softmax')],
  ['minilm-cross-encoder', 'word', cls('sigmoid')],
  ['distilroberta-emotion', 'word', cls('sigmoid')],
  ['bert-nli', 'word', cls('softmax')],
  ['deberta-nli', 'word', cls('softmax')],
  ['bert-squad', 'embeddings', { kind: 'span-max', outputs: ['start_logits', 'end_logits'] }],
  ['bert-ner', 'word', { kind: 'token-classification' }],
  ['vit', 'pixel_values', cls('identity')],
  ['swin', 'pixel_values', cls('identity')],
  ['resnet', 'pixel_values', cls('identity')],
];

describe.skipIf(!fs.existsSync(ICD))('IG graphs keep big tensors on the WebGPU EP', () => {
  test.each(CASES)('%s (%s cut)', (name, cutKind, head) => {
    const model = decodeModel(new Uint8Array(fs.readFileSync(path.join(MODELS_DIR, name, 'onnx/model.onnx'))));
    const image = cutKind === 'pixel_values';
    const ig = buildIntegratedGradientsGraph(model, { cut: findCut(model.graph, cutKind).tensor, head, reduction: image ? 'sum-batch' : 'sum-last-axis' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gs-placement-')), 'ig.onnx');
    fs.writeFileSync(file, encodeModel(ig.model).bytes);
    const child = spawnSync(process.execPath, [CHILD, file], {
      env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: ICD },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.status, child.stderr.slice(-2000)).toBe(0);
    const placement = parsePlacement(child.stderr.split('\n'));
    expect(placement?.byProvider.WebGpuExecutionProvider?.count ?? 0).toBeGreaterThan(10);
    const minPerRow = image ? 3 * 16 * 16 : 32;
    const big = new Set<string>();
    for (const [tensor, t] of ig.model.graph.valueInfo) {
      const dims = t.shape?.slice(1) ?? [];
      if (t.dtype === 'float32' && dims.length >= 1 && dims.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 9), 1) >= minPerRow) big.add(tensor);
    }
    const nodes = new Map(ig.model.graph.nodes.map((n) => [n.name, n]));
    const offenders = (placement?.byProvider.CPUExecutionProvider?.nodes ?? [])
      .filter((p) => {
        const n = nodes.get(p.name);
        return n !== undefined && [...n.inputs, ...n.outputs].some((x) => big.has(x));
      })
      .map((p) => `${p.opType} ${p.name}`);
    expect(offenders).toEqual([]);
  });
});
