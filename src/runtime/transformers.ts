/**
 * transformers.js, configured for gradscope: tokenizers, configs and model bytes, from local
 * folders (offline) or from the Hugging Face Hub.
 *
 * - It shares gradscope's onnxruntime-web module in the browser
 *   (`globalThis[Symbol.for('onnxruntime')]` is set before transformers is imported), so one
 *   copy of ORT serves both.
 * - Importing transformers points ORT's `env.wasm.wasmPaths` at a CDN; that is undone at once, so
 *   ORT keeps loading its wasm from where the app serves it (offline-safe). Its `logLevel`
 *   change is undone too.
 * - In the browser local folders need `allowLocalModels = true` and, so that edited local files
 *   are not served stale, `useBrowserCache = false` (both set on the first local load).
 *
 * @module
 */
import type { PreTrainedTokenizer, PretrainedConfig } from '@huggingface/transformers';
import { InputError, ModelError, GradscopeError, throwIfAborted } from '../errors.js';
import { assertOnnxModelBytes } from './model-file.js';
import { availableDtypes, DTYPES, missingDtypeError, modelFileFor, parseDtype, type ModelDtype } from './model-files.js';
import { assertLocalModel, assertLocalModelFiles, describeSource, readModelFile, resolveModelSource, type HubSettings, type ModelSource } from './model-source.js';
import { importOrt } from './ort.js';
import { isNode } from './platform.js';
import type { ExternalDataFile } from './session.js';

/** The `@huggingface/transformers` module. */
export type TransformersModule = typeof import('@huggingface/transformers');
export type { PreTrainedTokenizer, PretrainedConfig };

/** Options shared by the loaders. */
export interface LoadOptions {
  /**
   * Stay offline: transformers.js's `env.allowRemoteModels` is set to false (for every later
   * load too, until {@link configureTransformers} turns it back on) and nothing is fetched from
   * the Hub. Hub ids are then looked up under `env.localModelPath`.
   */
  localOnly?: boolean;
  /** Hub revision. Default `'main'`. */
  revision?: string;
  signal?: AbortSignal;
}

/** Options of {@link loadModelBytes}. */
export interface LoadModelBytesOptions extends LoadOptions {
  /** File inside the model folder. Default: the file of `dtype` (`'onnx/model.onnx'` for fp32). */
  file?: string;
  /** Weight format to load, with transformers.js's names and file mapping. Default `'fp32'`. */
  dtype?: ModelDtype;
  /**
   * Load `<file>_data` as external data. Default: in Node, when that file exists next to a
   * local model; elsewhere no.
   */
  externalData?: boolean;
}

/** The bytes of a model's ONNX file. */
export interface ModelBytes {
  model: Uint8Array;
  /** External-data files (weights outside the .onnx file); empty when none. */
  externalData: ExternalDataFile[];
  source: ModelSource;
}

/** Global settings of transformers.js that gradscope exposes. */
export interface TransformersSettings {
  /** Allow fetching from the Hub. */
  allowRemoteModels?: boolean;
  /** Folder (Node) or URL path (browser) under which Hub ids are looked up locally. */
  localModelPath?: string;
  /** Hub host, e.g. a mirror. */
  remoteHost?: string;
}

let transformers: Promise<TransformersModule> | undefined;
const ORT_SYMBOL = Symbol.for('onnxruntime');

async function importTransformers(): Promise<TransformersModule> {
  if (isNode()) {
    // Node: transformers uses onnxruntime-node (for its own sessions only; gradscope uses it
    // just for tokenizers and configs). Nothing to share or undo.
    return import('@huggingface/transformers');
  }
  const ort = await importOrt('onnxruntime-web/webgpu');
  const holder = globalThis as { [ORT_SYMBOL]?: unknown };
  holder[ORT_SYMBOL] ??= ort;
  const wasmPaths = ort.env.wasm.wasmPaths;
  const logLevel = ort.env.logLevel;
  const tf = await import('@huggingface/transformers');
  // Undo the import's side effects on the shared ORT env (it points wasmPaths at jsdelivr).
  ort.env.wasm.wasmPaths = wasmPaths;
  if (logLevel !== undefined) ort.env.logLevel = logLevel;
  return tf;
}

/** Import transformers.js once, with gradscope's settings applied. */
export function loadTransformers(): Promise<TransformersModule> {
  transformers ??= importTransformers().catch((cause: unknown) => {
    transformers = undefined;
    throw new GradscopeError(`Could not load @huggingface/transformers (${String(cause)}). Install it with npm install @huggingface/transformers.`, {
      code: 'backend-unavailable',
      cause,
    });
  });
  return transformers;
}

/** Change transformers.js's global settings. */
export async function configureTransformers(settings: TransformersSettings): Promise<void> {
  const { env } = await loadTransformers();
  if (settings.allowRemoteModels !== undefined) env.allowRemoteModels = settings.allowRemoteModels;
  if (settings.localModelPath !== undefined) {
    env.localModelPath = settings.localModelPath;
    env.allowLocalModels = true;
  }
  if (settings.remoteHost !== undefined) env.remoteHost = settings.remoteHost;
}

function hubSettings(tf: TransformersModule): HubSettings {
  const { env } = tf;
  return { remoteHost: env.remoteHost, remotePathTemplate: env.remotePathTemplate, localModelPath: env.localModelPath, allowLocalModels: env.allowLocalModels };
}

/** Resolve the source, apply the env switches it needs, return transformers' options. */
async function prepare(
  modelIdOrPath: string,
  options: LoadOptions,
): Promise<{ tf: TransformersModule; source: ModelSource; name: string; pretrained: { local_files_only?: boolean; revision?: string } }> {
  throwIfAborted(options.signal);
  const tf = await loadTransformers();
  const source = await resolveModelSource(modelIdOrPath);
  throwIfAborted(options.signal);
  const pretrained: { local_files_only?: boolean; revision?: string } = {};
  if (options.revision) pretrained.revision = options.revision;
  if (options.localOnly) {
    tf.env.allowRemoteModels = false;
    pretrained.local_files_only = true;
  }
  if (source.kind === 'local') {
    tf.env.allowLocalModels = true;
    if (!isNode()) tf.env.useBrowserCache = false;
    pretrained.local_files_only = true;
  }
  const name = source.kind === 'hub' ? source.id : source.location;
  return { tf, source, name, pretrained };
}

function wrapLoadError(cause: unknown, source: ModelSource, what: string): Error {
  if (cause instanceof GradscopeError) return cause;
  const text = cause instanceof Error ? cause.message : String(cause);
  if (/tokenizer_class|model_type|Could not locate file|not found locally|file was not found|Local file missing|ModelFileNotFound/i.test(text)) {
    return new InputError(
      `Could not load the ${what} of ${describeSource(source)}: ${text}. Check the path or Hub id; offline, the folder must hold config.json, tokenizer.json and tokenizer_config.json.`,
      { code: 'model-not-found', cause },
    );
  }
  if (/allowRemoteModels=false|local_files_only/i.test(text)) {
    return new InputError(`The ${what} of ${describeSource(source)} is not available locally and remote loading is off. Download the model into a folder and pass its path, or allow remote models.`, {
      code: 'model-not-found',
      cause,
    });
  }
  return new ModelError(`Could not load the ${what} of ${describeSource(source)}: ${text}`, { code: 'model-load-failed', cause });
}

/**
 * Files transformers.js may read for a tokenizer: each one of a local folder that exists is
 * checked to be a regular file under its size cap before the tokenizer loads.
 */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'config.json'];

/**
 * `config.json` of a local model must be a JSON object: `null`, an array or a number would
 * otherwise load as an empty config and give answers for a model that does not exist.
 *
 * @throws {ModelError} `code: 'invalid-config'`.
 */
async function assertConfigObject(source: ModelSource, hub: HubSettings, options: LoadOptions): Promise<void> {
  const bytes = await readModelFile(source, 'config.json', hub, options.signal ? { signal: options.signal } : {});
  if (!bytes) return;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new ModelError(`config.json of ${describeSource(source)} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}). Download or export it again.`, {
      code: 'invalid-config',
      cause,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new ModelError(`config.json of ${describeSource(source)} is ${kind}, not a JSON object with the model's settings (model_type, id2label, ...). Download or export it again.`, {
      code: 'invalid-config',
    });
  }
}

/**
 * Load a model's tokenizer with transformers.js.
 *
 * @param modelIdOrPath a local folder (absolute, `./relative`) or a Hub id (`org/name`).
 * @throws {InputError} (`code: 'model-not-found'`) when the folder or its tokenizer files are missing.
 */
export async function loadTokenizer(modelIdOrPath: string, options: LoadOptions = {}): Promise<PreTrainedTokenizer> {
  const { tf, source, name, pretrained } = await prepare(modelIdOrPath, options);
  await assertLocalModel(source, ['tokenizer_config.json', 'tokenizer.json'], hubSettings(tf));
  await assertLocalModelFiles(source, TOKENIZER_FILES);
  try {
    return await tf.AutoTokenizer.from_pretrained(name, pretrained);
  } catch (cause) {
    throw wrapLoadError(cause, source, 'tokenizer');
  }
}

/**
 * Load a model's `config.json` with transformers.js.
 *
 * @param modelIdOrPath a local folder (absolute, `./relative`) or a Hub id (`org/name`).
 * @throws {InputError} (`code: 'model-not-found'`) when the folder or its config.json is missing.
 */
export async function loadConfig(modelIdOrPath: string, options: LoadOptions = {}): Promise<PretrainedConfig> {
  const { tf, source, name, pretrained } = await prepare(modelIdOrPath, options);
  const hub = hubSettings(tf);
  await assertLocalModel(source, ['config.json'], hub);
  if (source.kind === 'local') await assertConfigObject(source, hub, options);
  try {
    return await tf.AutoConfig.from_pretrained(name, pretrained);
  } catch (cause) {
    throw wrapLoadError(cause, source, 'config');
  }
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Read a model's ONNX file (default `onnx/model.onnx`): from a local folder with `fs` in Node,
 * with `fetch` in the browser, or from the Hub (when remote models are allowed).
 *
 * @throws {InputError} (`code: 'model-not-found'`) when the folder has no model file;
 *   (`code: 'dtype-not-found'`) when the file of the requested dtype is missing (the message
 *   lists the dtypes the model has).
 */
export async function loadModelBytes(modelIdOrPath: string, options: LoadModelBytesOptions = {}): Promise<ModelBytes> {
  const { tf, source } = await prepare(modelIdOrPath, options);
  const hub = hubSettings(tf);
  const dtype = parseDtype(options.dtype);
  const file = options.file ?? modelFileFor(dtype);
  const read = { localOnly: options.localOnly === true || !tf.env.allowRemoteModels, ...(options.revision ? { revision: options.revision } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  // The wanted file first: in a browser each candidate is fetched until one exists.
  await assertLocalModel(source, options.file === undefined ? [file, ...DTYPES.map((d) => modelFileFor(d)).filter((f) => f !== file)] : [file], hub);
  const model = await readModelFile(source, file, hub, read);
  throwIfAborted(options.signal);
  if (!model && options.file === undefined) {
    // Say which dtypes exist, so a q4-only repository is one flag away from working.
    const available = await availableDtypes(source, hub, read);
    if (available.length > 0) throw missingDtypeError(source, dtype, available);
  }
  if (!model) {
    throw new InputError(
      `${describeSource(source)} has no ${file}${read.localOnly ? ' locally (remote loading is off)' : ''}. gradscope needs the model exported to ONNX (e.g. with optimum: optimum-cli export onnx --model <id> <folder>).`,
      { code: 'model-not-found' },
    );
  }
  assertOnnxModelBytes(model, file, describeSource(source));
  const externalData: ExternalDataFile[] = [];
  const dataFile = `${file}_data`;
  const wantData = options.externalData ?? (isNode() && source.kind === 'local');
  if (wantData) {
    const data = await readModelFile(source, dataFile, hub, read);
    if (data) externalData.push({ path: basename(dataFile), data });
    else if (options.externalData) {
      throw new InputError(`${describeSource(source)} has no ${dataFile} (external data was requested).`, { code: 'model-not-found' });
    }
  }
  return { model, externalData, source };
}

/**
 * Load a model's processor (`preprocessor_config.json`) with transformers.js's `AutoProcessor`.
 * Image-specific handling lives in `processor.ts`.
 *
 * @param modelIdOrPath a local folder (absolute, `./relative`) or a Hub id (`org/name`).
 * @throws {InputError} (`code: 'model-not-found'`) when the folder or its preprocessor_config.json is missing.
 *
 * @example
 * const processor = await loadAutoProcessor('./models/vit', { localOnly: true });
 */
export async function loadAutoProcessor(modelIdOrPath: string, options: LoadOptions = {}): Promise<unknown> {
  const { tf, source, name, pretrained } = await prepare(modelIdOrPath, options);
  await assertLocalModel(source, ['preprocessor_config.json'], hubSettings(tf));
  await assertLocalModelFiles(source, ['preprocessor_config.json', 'processor_config.json', 'config.json']);
  try {
    return await tf.AutoProcessor.from_pretrained(name, pretrained);
  } catch (cause) {
    throw wrapLoadError(cause, source, 'image processor (preprocessor_config.json)');
  }
}
