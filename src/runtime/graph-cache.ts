/**
 * Built gradient graphs kept in IndexedDB, so a second visit skips building them: the
 * serialized ONNX bytes of each IG graph, keyed by the gradscope version, a SHA-256 of the
 * model's file and what the graph was built for (cut, head, reduction, dtype, decomposition).
 *
 * Browser only (Node builds every time). Bounded by {@link GRAPH_CACHE_MAX_BYTES}, oldest use
 * evicted first. Every storage failure (IndexedDB missing, private mode, quota, a blocked
 * database) leaves the cache out: graphs are then built as without it, and nothing reaches
 * the caller.
 *
 * @module
 */
import { MAX_FOLD } from '../onnx/fold.js';
import type { ValueInfo } from '../onnx/ir.js';
import type { OnnxModel } from '../onnx/model-io.js';
import { sizeOf } from '../onnx/tensor.js';

/**
 * The library version in every key: graphs built by another gradscope are never reused.
 * Kept equal to package.json's version (a unit test checks it).
 */
export const GRAPH_CACHE_VERSION = '0.1.0';

/** The IndexedDB database (one per origin, shared by the page and its workers). */
export const GRAPH_DB = 'gradscope-graphs';

/**
 * Most bytes the stored graphs may take (1 GiB). An fp32 model's IG graph is small (its
 * weights stay in the model file: 67 kB for distilbert-sst2, 180 kB for distilbert-base);
 * graphs of quantized files hold their dequantized weights and are larger. Past the cap,
 * the least recently used graphs are deleted; a graph larger than the cap is not stored.
 */
export const GRAPH_CACHE_MAX_BYTES = 2 ** 30;

/** How long opening or reading the database may take before the cache is left out. */
const IDB_TIMEOUT_MS = 3000;

/** What a graph was built from: everything that changes its bytes. */
export interface GraphKeyParts {
  /** Hex SHA-256 identifying the model (see {@link modelDigest}). */
  modelHash: string;
  dtype: string;
  /** The explained function (`as-shipped`, `dequantized`, `float32`). */
  explained: string;
  cut: string;
  head: unknown;
  reduction: string;
}

/** The prefix shared by every graph of one model file (one range read at load). */
export function graphKeyPrefix(p: Pick<GraphKeyParts, 'modelHash' | 'dtype' | 'explained'>, version = GRAPH_CACHE_VERSION): string {
  return `gradscope@${version}|${p.modelHash}|${p.dtype}|${p.explained}|`;
}

/**
 * The key of one graph.
 *
 * @example
 * graphKey({ modelHash: 'ab12…', dtype: 'fp32', explained: 'as-shipped', cut: 'word', head: { kind: 'classification' }, reduction: 'sum-last-axis' });
 * // 'gradscope@0.1.0|ab12…|fp32|as-shipped|word|{"kind":"classification"}|sum-last-axis'
 */
export function graphKey(p: GraphKeyParts, version = GRAPH_CACHE_VERSION): string {
  return graphKeyPrefix(p, version) + graphKeyTail(p);
}

/** The part of a graph's key after {@link graphKeyPrefix}: what the graph explains. */
export function graphKeyTail(p: Pick<GraphKeyParts, 'cut' | 'head' | 'reduction'>): string {
  return `${p.cut}|${JSON.stringify(p.head)}|${p.reduction}`;
}

/** Size and last use of one stored graph (the eviction's view of it). */
export interface StoredGraphInfo {
  key: string;
  size: number;
  usedAt: number;
  /** Times the graph was read back instead of built. */
  hits: number;
}

/**
 * Which stored graphs to delete so that `incoming` more bytes fit under `capBytes`: the least
 * recently used first. `undefined` when the incoming graph alone is over the cap (not stored).
 *
 * @example
 * planEviction([{ key: 'a', size: 600, usedAt: 1, hits: 0 }, { key: 'b', size: 300, usedAt: 2, hits: 0 }], 200, 1000); // ['a']
 */
export function planEviction(entries: readonly StoredGraphInfo[], incoming: number, capBytes: number, replacing?: string): string[] | undefined {
  if (incoming > capBytes) return undefined;
  const others = entries.filter((e) => e.key !== replacing);
  let total = others.reduce((s, e) => s + e.size, 0) + incoming;
  const evict: string[] = [];
  for (const e of [...others].sort((a, b) => a.usedAt - b.usedAt)) {
    if (total <= capBytes) break;
    evict.push(e.key);
    total -= e.size;
  }
  return evict;
}

/** What a stored graph carries besides its bytes: enough to run it without building it. */
export interface GraphMeta {
  inputs: ValueInfo[];
  modelOutputs: string[];
  scalar: string;
  attribution: string;
  cutInfo: ValueInfo;
  /** The external-data name under which the model's own bytes are given, when the graph points into them. */
  weightsPath: string | undefined;
}

/** One graph read back. */
export interface CachedGraph {
  bytes: Uint8Array;
  meta: GraphMeta;
}

interface GraphRecord extends CachedGraph {
  key: string;
}

const hasIdb = (): boolean => typeof indexedDB !== 'undefined' && typeof crypto !== 'undefined' && typeof crypto.subtle?.digest === 'function';

/**
 * Hex SHA-256 identifying a model: of its file and of `extra` files (external data that the
 * graphs depend on), each digested off the calling thread by WebCrypto. Undefined when the
 * cache is unavailable (Node, no IndexedDB) or digesting fails.
 */
export async function hashModelFiles(model: Uint8Array, extra: readonly Uint8Array[] = []): Promise<string | undefined> {
  if (!hasIdb()) return undefined;
  try {
    const digests = await Promise.all([model, ...extra].map((b) => crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)));
    const one = digests.length === 1 ? digests[0] : await crypto.subtle.digest('SHA-256', concat(digests.map((d) => new Uint8Array(d))));
    return Array.from(new Uint8Array(one ?? new ArrayBuffer(0)), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return undefined;
  }
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Event('error'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Event('abort'));
  });
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Event('timeout')), IDB_TIMEOUT_MS))]);
}

/** Runs `fn` on a short-lived connection (closed after, so clearing is never blocked by it). */
async function withDb<T>(fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const open = indexedDB.open(GRAPH_DB, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('graphs', { keyPath: 'key' });
    open.result.createObjectStore('info', { keyPath: 'key' });
  };
  const db = await withTimeout(req(open));
  db.onversionchange = () => db.close();
  try {
    return await withTimeout(fn(db));
  } finally {
    db.close();
  }
}

/**
 * The stored graphs of one model file, read at load so that lookups are synchronous; writes go
 * to IndexedDB in the background.
 */
export class GraphStore {
  /** Keys already recorded as used (or saved) by this load: one write each. */
  private readonly used = new Set<string>();
  private readonly writes: Promise<unknown>[] = [];

  private constructor(private readonly found: Map<string, CachedGraph>) {}

  /**
   * Reads every stored graph whose key starts with `prefix`. Undefined when IndexedDB is
   * missing or fails (the caller builds its graphs).
   */
  static async open(prefix: string): Promise<GraphStore | undefined> {
    if (!hasIdb()) return undefined;
    try {
      const records = await withDb(async (db) => {
        const tx = db.transaction('graphs', 'readonly');
        return req(tx.objectStore('graphs').getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`))) as Promise<GraphRecord[]>;
      });
      return new GraphStore(new Map(records.map((r) => [r.key, { bytes: r.bytes, meta: r.meta }])));
    } catch {
      return undefined;
    }
  }

  /** The stored graph of `key`, recorded as used (its last use and hit count, in the background). */
  get(key: string): CachedGraph | undefined {
    const hit = this.found.get(key);
    if (hit && !this.used.has(key)) {
      this.used.add(key);
      this.writes.push(withDb(async (db) => {
        const tx = db.transaction('info', 'readwrite');
        const store = tx.objectStore('info');
        const info = (await req(store.get(key))) as StoredGraphInfo | undefined;
        if (info) store.put({ ...info, usedAt: Date.now(), hits: info.hits + 1 });
        await done(tx);
      }).catch(() => undefined));
    }
    return hit;
  }

  /** Stores a built graph in the background, evicting the least recently used past the cap. */
  save(key: string, graph: CachedGraph): void {
    // A copy: the session keeps the built bytes, IndexedDB stores its own.
    const bytes = graph.bytes.slice();
    this.found.set(key, { bytes, meta: graph.meta });
    this.used.add(key);
    this.writes.push(withDb(async (db) => {
      const tx = db.transaction(['graphs', 'info'], 'readwrite');
      const graphs = tx.objectStore('graphs');
      const infos = tx.objectStore('info');
      const all = (await req(infos.getAll())) as StoredGraphInfo[];
      const evict = planEviction(all, bytes.byteLength, GRAPH_CACHE_MAX_BYTES, key);
      if (!evict) {
        tx.abort();
        return;
      }
      for (const k of evict) {
        graphs.delete(k);
        infos.delete(k);
      }
      graphs.put({ key, bytes, meta: graph.meta } satisfies GraphRecord);
      infos.put({ key, size: bytes.byteLength, usedAt: Date.now(), hits: 0 } satisfies StoredGraphInfo);
      await done(tx);
    }).catch(() => undefined));
  }

  /**
   * Settles when this load's writes have (a worker may be ended right after a call, which
   * would lose a write still in flight). Never rejects.
   */
  async settled(): Promise<void> {
    await Promise.all(this.writes);
  }
}

/**
 * Size, last use and hit count of every stored graph (empty where IndexedDB is missing).
 *
 * @example
 * const graphs = await storedGraphs(); // [{ key, size, usedAt, hits }, ...]
 */
export async function storedGraphs(): Promise<StoredGraphInfo[]> {
  if (!hasIdb()) return [];
  try {
    return await withDb(async (db) => req(db.transaction('info', 'readonly').objectStore('info').getAll()) as Promise<StoredGraphInfo[]>);
  } catch {
    return [];
  }
}

/**
 * Deletes every stored graph (the whole `gradscope-graphs` database). Resolves with whether
 * there were any.
 *
 * @example
 * await clearGraphCache(); // the next load builds its graphs again
 */
export async function clearGraphCache(): Promise<boolean> {
  if (!hasIdb()) return false;
  const had = (await storedGraphs()).length > 0;
  try {
    await withTimeout(req(indexedDB.deleteDatabase(GRAPH_DB)));
  } catch {
    return false;
  }
  return had;
}

/** A byte range of a model file. */
export interface Span {
  offset: number;
  length: number;
}

/**
 * The byte ranges of `model.source` holding the values of its big weights: initializers over
 * {@link MAX_FOLD} elements, which neither constant folding nor any rule reads, so a built
 * graph only points at them (by offset, as external data) and never holds their values.
 */
export function bigWeightSpans(model: OnnxModel): Span[] {
  const src = model.source;
  const spans: Span[] = [];
  for (const t of model.graph.initializers.values()) {
    const raw = t.proto?.rawData;
    if (!raw || sizeOf(t.dims) <= MAX_FOLD || raw.buffer !== src.buffer) continue;
    const offset = raw.byteOffset - src.byteOffset;
    if (offset >= 0 && offset + raw.byteLength <= src.byteLength) spans.push({ offset, length: raw.byteLength });
  }
  return spans;
}

/**
 * `bytes` with each span's contents replaced by its offset and length (16 bytes): what a
 * digest must see when only the spans' places, not their values, decide the result.
 *
 * @example
 * withoutSpans(new Uint8Array([1, 2, 3, 4]), [{ offset: 1, length: 2 }]); // 1, <offset 1, length 2>, 4
 */
export function withoutSpans(bytes: Uint8Array, spans: readonly Span[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.offset - b.offset)) {
    if (s.offset < at) continue; // overlapping views of the same bytes: the first covers them
    parts.push(bytes.subarray(at, s.offset));
    const rec = new DataView(new ArrayBuffer(16));
    rec.setFloat64(0, s.offset, true);
    rec.setFloat64(8, s.length, true);
    parts.push(new Uint8Array(rec.buffer));
    at = s.offset + s.length;
  }
  parts.push(bytes.subarray(at));
  return concat(parts);
}

/**
 * The digest that keys a model's graphs. Graphs of the file as shipped only point at its big
 * weights, so those are left out of the digest (hashing a 268 MB file takes 650 to 800 ms in
 * Chromium, ten times the building it would save); decomposed graphs (quantized, fp16) hold
 * weight values, so then the whole file and its external data (`weights`) are digested.
 *
 * @example
 * const hash = await modelDigest(decodeModel(bytes)); // 64 hex digits, or undefined in Node
 */
export function modelDigest(model: OnnxModel, weights?: readonly Uint8Array[]): Promise<string | undefined> {
  if (!hasIdb()) return Promise.resolve(undefined);
  if (weights === undefined) return hashModelFiles(withoutSpans(model.source, bigWeightSpans(model)));
  return hashModelFiles(model.source, weights);
}

/**
 * The stored graphs of a model being loaded, under the key prefix of its digest.
 *
 * @example
 * const stored = await openGraphStore(modelDigest(decoded), { dtype: 'fp32', explained: 'as-shipped' });
 */
export async function openGraphStore(digest: Promise<string | undefined>, p: { dtype: string; explained: string }): Promise<{ store: GraphStore; prefix: string } | undefined> {
  const hash = await digest;
  if (hash === undefined) return undefined;
  const prefix = graphKeyPrefix({ modelHash: hash, dtype: p.dtype, explained: p.explained });
  const store = await GraphStore.open(prefix);
  return store ? { store, prefix } : undefined;
}
