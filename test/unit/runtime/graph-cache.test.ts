/**
 * The graph cache's pure parts: key derivation (everything that changes a graph's bytes is in
 * its key) and least-recently-used eviction under the size cap. IndexedDB itself is exercised
 * in Chromium (test/browser/graph-cache.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/onnx/model-io.js';
import { GRAPH_CACHE_MAX_BYTES, GRAPH_CACHE_VERSION, bigWeightSpans, clearGraphCache, withoutSpans, graphKey, graphKeyPrefix, graphKeyTail, hashModelFiles, planEviction, type GraphKeyParts, type StoredGraphInfo } from '../../../src/runtime/graph-cache.js';

const base: GraphKeyParts = { modelHash: 'ab'.repeat(32), dtype: 'fp32', explained: 'as-shipped', cut: 'word', head: { kind: 'classification', activation: 'softmax' }, reduction: 'sum-last-axis' };

describe('graph cache keys', () => {
  it('the version is package.json\'s', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(GRAPH_CACHE_VERSION).toBe(pkg.version);
  });

  it('every part changes the key; the prefix is shared by one model file\'s graphs', () => {
    const k = graphKey(base);
    expect(k).toBe(graphKeyPrefix(base) + graphKeyTail(base));
    expect(k.startsWith(graphKeyPrefix(base))).toBe(true);
    const variants: Partial<GraphKeyParts>[] = [
      { modelHash: 'cd'.repeat(32) },
      { dtype: 'q8' },
      { explained: 'dequantized' },
      { cut: 'embeddings' },
      { head: { kind: 'classification', activation: 'sigmoid' } },
      { reduction: 'per-row' },
    ];
    const keys = new Set([k, ...variants.map((v) => graphKey({ ...base, ...v }))]);
    expect(keys.size).toBe(variants.length + 1);
    expect(graphKey(base, '0.2.0')).not.toBe(k);
    // Graphs of another model never fall in this model's range read.
    expect(graphKey({ ...base, modelHash: 'cd'.repeat(32) }).startsWith(graphKeyPrefix(base))).toBe(false);
  });
});

describe('graph cache eviction', () => {
  const e = (key: string, size: number, usedAt: number): StoredGraphInfo => ({ key, size, usedAt, hits: 0 });

  it('nothing is evicted while everything fits', () => {
    expect(planEviction([e('a', 300, 1), e('b', 300, 2)], 400, 1000)).toEqual([]);
  });

  it('the least recently used go first, only as many as needed', () => {
    const all = [e('new', 200, 30), e('old', 300, 10), e('mid', 300, 20)];
    expect(planEviction(all, 300, 1000)).toEqual(['old']);
    expect(planEviction(all, 700, 1000)).toEqual(['old', 'mid']);
    expect(planEviction(all, 1000, 1000)).toEqual(['old', 'mid', 'new']);
  });

  it('a graph over the cap alone is not stored; one replacing itself does not count twice', () => {
    expect(planEviction([], GRAPH_CACHE_MAX_BYTES + 1, GRAPH_CACHE_MAX_BYTES)).toBeUndefined();
    expect(planEviction([e('a', 600, 1), e('b', 300, 2)], 600, 1000, 'a')).toEqual([]);
  });
});

describe('what the digest sees', () => {
  const file = new Uint8Array(readFileSync(new URL('../../fixtures/models/distilbert-sst2/onnx/model.onnx', import.meta.url)));

  it('spans are replaced by their place: values inside them do not count, bytes outside do', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const cut = withoutSpans(bytes, [{ offset: 1, length: 2 }, { offset: 4, length: 1 }]);
    expect(cut.length).toBe(6 - 3 + 2 * 16);
    const changedInside = withoutSpans(Uint8Array.from([1, 9, 9, 4, 9, 6]), [{ offset: 1, length: 2 }, { offset: 4, length: 1 }]);
    expect(changedInside).toEqual(cut);
    expect(withoutSpans(Uint8Array.from([1, 2, 3, 7, 5, 6]), [{ offset: 1, length: 2 }, { offset: 4, length: 1 }])).not.toEqual(cut);
    // The same bytes with a span elsewhere: a different model layout, a different digest input.
    expect(withoutSpans(bytes, [{ offset: 2, length: 2 }, { offset: 4, length: 1 }])).not.toEqual(cut);
  });

  it('a model file: its big weights are left out, everything else is kept', () => {
    const model = decodeModel(file);
    const spans = bigWeightSpans(model);
    expect(spans.length).toBeGreaterThan(0);
    const inSpans = spans.reduce((n, s) => n + s.length, 0);
    const cut = withoutSpans(file, spans);
    expect(cut.length).toBe(file.length - inSpans + 16 * spans.length);
    const first = spans[0];
    const edited = file.slice();
    edited[(first?.offset ?? 0) + 1] ^= 0xff; // a value of a big weight: the built graph only points at it
    expect(withoutSpans(edited, bigWeightSpans(decodeModel(edited)))).toEqual(cut);
    const structure = file.slice();
    structure[3] ^= 0x01; // the file's header / structure
    expect(withoutSpans(structure, spans)).not.toEqual(cut);
  });
});

describe('graph cache in Node', () => {
  it('no IndexedDB: no hash, nothing to clear (every graph is built)', async () => {
    expect(await hashModelFiles(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(await clearGraphCache()).toBe(false);
  });
});
