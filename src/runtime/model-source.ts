/**
 * Where a model comes from (a local folder, a URL or a Hugging Face Hub id) and how to read
 * one of its files, in Node (fs) and in the browser (fetch).
 *
 * @module
 */
import { AbortError, BackendError, InputError, isAbortError } from '../errors.js';
import { assertModelFileSize, assertModelFileStat, maxModelFileBytes, type FileStat } from './model-file.js';
import { isNode, nodeImport } from './platform.js';

/** A model's location, resolved from what the user typed. */
export type ModelSource =
  /** A folder: an absolute file-system path in Node, a same-origin URL path in the browser. */
  | { kind: 'local'; location: string; input: string }
  /** A folder on another origin (browser) or an http(s) URL given explicitly. */
  | { kind: 'url'; location: string; input: string }
  /** A Hugging Face Hub repository id such as `org/name`. */
  | { kind: 'hub'; id: string; input: string };

/** Where the Hub lives and where Hub ids are looked up locally (transformers.js's `env`). */
export interface HubSettings {
  remoteHost: string;
  remotePathTemplate: string;
  localModelPath: string;
  allowLocalModels: boolean;
}

/** Same rule as transformers.js: `name` or `org/name`. */
const HUB_ID = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;

interface NodeFs {
  stat(path: string): Promise<FileStat>;
  readFile(path: string): Promise<Uint8Array>;
}
interface NodePath {
  resolve(...parts: string[]): string;
  join(...parts: string[]): string;
}

const fs = (): Promise<NodeFs> => nodeImport<NodeFs>('node:fs/promises');
const nodePath = (): Promise<NodePath> => nodeImport<NodePath>('node:path');

/** Whether `p` names something that exists on the file system (Node only). */
async function exists(p: string, kind: 'dir' | 'file' | 'any' = 'any'): Promise<boolean> {
  try {
    const st = await (await fs()).stat(p);
    return kind === 'any' || (kind === 'dir' ? st.isDirectory() : st.isFile());
  } catch {
    return false;
  }
}

const looksLikePath = (s: string): boolean =>
  s.startsWith('/') || s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..' || /^[A-Za-z]:[\\/]/.test(s) || s.includes('\\');

/**
 * Decide whether `input` is a local folder, a URL or a Hub id.
 *
 * - `http(s):` URLs are `'url'` (`file:` URLs are local paths in Node).
 * - Absolute and `./`/`../` paths are local. In Node, anything that exists on disk is local.
 * - Otherwise a valid Hub id (`name`, `org/name`) is `'hub'`, and anything else (e.g.
 *   `models/a/b`) is a local path.
 *
 * @throws {InputError} for an empty string.
 */
export async function resolveModelSource(input: string): Promise<ModelSource> {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InputError('No model given: pass a local model folder (e.g. "./models/my-model") or a Hugging Face Hub id (e.g. "org/name").', {
      code: 'model-not-found',
    });
  }
  const s = input.trim();
  if (isNode()) {
    const path = await nodePath();
    if (s.startsWith('file:')) return { kind: 'local', location: path.resolve(new URL(s).pathname), input };
    if (/^https?:/i.test(s)) return { kind: 'url', location: s.replace(/\/+$/, ''), input };
    if (looksLikePath(s) || !HUB_ID.test(s) || (await exists(path.resolve(s)))) {
      return { kind: 'local', location: path.resolve(s), input };
    }
    return { kind: 'hub', id: s, input };
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s) && !looksLikePath(s) && HUB_ID.test(s)) return { kind: 'hub', id: s, input };
  const base = (globalThis as { document?: { baseURI: string } }).document?.baseURI ?? (globalThis as { location?: { href: string } }).location?.href;
  const url = new URL(s, base);
  const origin = (globalThis as { location?: { origin: string } }).location?.origin;
  if (url.origin === origin) return { kind: 'local', location: url.pathname.replace(/\/+$/, '') || '/', input };
  return { kind: 'url', location: url.href.replace(/\/+$/, ''), input };
}

/** A human-readable name of a source, for messages. */
export function describeSource(source: ModelSource): string {
  return source.kind === 'hub' ? `Hub model "${source.id}"` : `model folder "${source.location}"`;
}

function join(a: string, b: string): string {
  return `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}`;
}

/** The abort of a fetch, as gradscope's {@link AbortError}. */
function fetchAborted(url: string, cause: unknown): AbortError {
  return cause instanceof AbortError ? cause : new AbortError(`Fetching ${url} was aborted.`, { cause });
}

async function fetchBytes(url: string, file: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (cause) {
    if (isAbortError(cause)) throw fetchAborted(url, cause);
    throw new BackendError(`Could not fetch ${url} (${cause instanceof Error ? cause.message : String(cause)}). Check the network, or use a local model folder.`, {
      code: 'fetch-failed',
      cause,
    });
  }
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new BackendError(`Fetching ${url} failed with HTTP ${response.status}. Check the URL and access rights (private Hub models cannot be fetched from a browser).`, {
      code: 'fetch-failed',
    });
  }
  const type = response.headers.get('content-type') ?? '';
  // Dev servers answer unknown paths with their HTML index page: treat it as missing.
  if (type.includes('text/html') && !url.endsWith('.html')) return undefined;
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(length)) assertModelFileSize(length, file, url);
  try {
    return await readCapped(response, file, url);
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    if (isAbortError(cause)) throw fetchAborted(url, cause);
    throw new BackendError(`Reading ${url} failed (${cause instanceof Error ? cause.message : String(cause)}). Check the network, or use a local model folder.`, { code: 'fetch-failed', cause });
  }
}

/**
 * The body of `response`, read in chunks and given up (the stream cancelled) as soon as it
 * passes the file's size cap: a server that sends no length, or lies about it, cannot make the
 * page hold more than the cap.
 */
async function readCapped(response: Response, file: string, url: string): Promise<Uint8Array> {
  const cap = maxModelFileBytes(file);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      assertModelFileSize(total, file, url);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Read a local file (Node) after checking that it is a regular file under its size cap.
 * Returns `undefined` when it does not exist.
 */
async function readLocalFile(p: string, file: string, where: string): Promise<Uint8Array | undefined> {
  const nfs = await fs();
  let stat: FileStat;
  try {
    stat = await nfs.stat(p);
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ENOENT' || (cause as { code?: string }).code === 'ENOTDIR') return undefined;
    throw new BackendError(`Could not read ${file} of ${where}: ${String(cause)}`, { code: 'read-failed', cause });
  }
  assertModelFileStat(stat, file, where);
  try {
    return new Uint8Array(await nfs.readFile(p));
  } catch (cause) {
    throw new BackendError(`Could not read ${file} of ${where}: ${String(cause)}`, { code: 'read-failed', cause });
  }
}

/**
 * Check the files of a local model folder (Node) that a loader is about to read through
 * transformers.js: each one that exists must be a regular file under its size cap, so that a
 * link to a device cannot hang the loader or grow its memory. Missing files are left to the
 * loader. Does nothing for Hub ids, URLs and in the browser.
 *
 * @throws {InputError} `code: 'not-a-regular-file'` or `'model-file-too-large'`.
 */
export async function assertLocalModelFiles(source: ModelSource, files: readonly string[]): Promise<void> {
  if (source.kind !== 'local' || !isNode()) return;
  const [nfs, path] = await Promise.all([fs(), nodePath()]);
  for (const file of files) {
    let stat: FileStat;
    try {
      stat = await nfs.stat(path.join(source.location, file));
    } catch {
      continue;
    }
    assertModelFileStat(stat, file, describeSource(source));
  }
}

/** Options of {@link readModelFile}. */
export interface ReadFileOptions {
  /** Hub revision (branch, tag or commit). Default `'main'`. */
  revision?: string;
  /** Never touch the network: Hub ids are only looked up under `hub.localModelPath`. */
  localOnly?: boolean;
  signal?: AbortSignal;
}

/**
 * Read one file of a model. Returns `undefined` when the file does not exist.
 *
 * @param source from {@link resolveModelSource}.
 * @param file path inside the model folder, e.g. `onnx/model.onnx`.
 * @param hub where Hub ids are fetched from / looked up locally.
 */
export async function readModelFile(source: ModelSource, file: string, hub: HubSettings, options: ReadFileOptions = {}): Promise<Uint8Array | undefined> {
  if (source.kind === 'local') {
    if (isNode()) return readLocalFile((await nodePath()).join(source.location, file), file, describeSource(source));
    return fetchBytes(join(source.location, file), file, options.signal);
  }
  if (source.kind === 'url') {
    if (options.localOnly) return undefined;
    return fetchBytes(join(source.location, file), file, options.signal);
  }
  if (hub.allowLocalModels) {
    const local = join(join(hub.localModelPath, source.id), file);
    if (isNode()) {
      const bytes = await readLocalFile(local, file, describeSource(source));
      if (bytes) return bytes;
    } else {
      const bytes = await fetchBytes(local, file, options.signal);
      if (bytes) return bytes;
    }
  }
  if (options.localOnly) return undefined;
  return fetchBytes(hubFileUrl(source.id, file, hub, options.revision), file, options.signal);
}

function hubFileUrl(id: string, file: string, hub: HubSettings, revision = 'main'): string {
  const rev = encodeURIComponent(revision);
  return join(join(hub.remoteHost, hub.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', rev)), file);
}

async function headOk(url: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const r = await fetch(url, { method: 'HEAD', ...(signal ? { signal } : {}) });
    return r.ok && !((r.headers.get('content-type') ?? '').includes('text/html') && !url.endsWith('.html'));
  } catch {
    return false;
  }
}

/**
 * Whether a model file exists, without reading it (a stat in Node, a HEAD request
 * elsewhere), looked up where {@link readModelFile} would read it.
 */
export async function modelFileExists(source: ModelSource, file: string, hub: HubSettings, options: ReadFileOptions = {}): Promise<boolean> {
  if (source.kind === 'local' && isNode()) return exists((await nodePath()).join(source.location, file), 'file');
  if (source.kind !== 'hub') return !(source.kind === 'url' && options.localOnly) && headOk(join(source.location, file), options.signal);
  if (hub.allowLocalModels) {
    const local = join(join(hub.localModelPath, source.id), file);
    if (isNode() ? await exists(local, 'file') : await headOk(local, options.signal)) return true;
  }
  return !options.localOnly && headOk(hubFileUrl(source.id, file, hub, options.revision), options.signal);
}

/**
 * Check that a local folder exists and holds at least one of `files`.
 *
 * @throws {InputError} (`code: 'model-not-found'`) when it does not.
 */
export async function assertLocalModel(source: ModelSource, files: readonly string[], hub: HubSettings): Promise<void> {
  if (source.kind !== 'local') return;
  const hint =
    'Check the path (relative paths are resolved against the current directory in Node and the page URL in a browser), ' +
    'or pass a Hugging Face Hub id such as "org/name" and allow remote models.';
  if (isNode() && !(await exists(source.location, 'dir'))) {
    throw new InputError(`No model folder at "${source.location}" (from "${source.input}"). ${hint}`, { code: 'model-not-found' });
  }
  // A file that exists but is a folder or a device is named as such, not as missing.
  if (isNode()) await assertLocalModelFiles(source, files);
  for (const f of files) {
    if (isNode()) {
      if (await exists((await nodePath()).join(source.location, f), 'file')) return;
    } else if (await readModelFile(source, f, hub)) {
      return;
    }
  }
  throw new InputError(`The model folder "${source.location}" has none of ${files.join(', ')}. ${hint}`, { code: 'model-not-found' });
}
