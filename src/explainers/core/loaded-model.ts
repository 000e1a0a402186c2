/**
 * A model ready to explain: tokenizer or processor, config, the decoded ONNX graph, and the
 * sessions built from it (the plain forward, baseline-activation graphs and IG graphs), each
 * built once per model and reused for every call.
 */
import { UnsupportedOpError } from '../../autodiff/build.js';
import { buildIntegratedGradientsGraph, type AttributionReduction, type IgGraph } from '../../autodiff/ig-graph.js';
import { freeBatchAxis } from '../../autodiff/decompose/batch.js';
import { decomposeModel, type ExplainedFunction } from '../../autodiff/decompose/index.js';
import { findCut, findEmbeddingGathers, type CutKind, type CutPoint } from '../../autodiff/cut-points.js';
import type { HeadSpec } from '../../autodiff/spec.js';
import { subgraph } from '../../autodiff/surgery.js';
import { InputError, ModelError } from '../../errors.js';
import { decodeModel, encodeModel, type EncodedModel, type OnnxModel } from '../../onnx/model-io.js';
import { graphKeyTail, modelDigest, openGraphStore, type CachedGraph, type GraphStore } from '../../runtime/graph-cache.js';
import { dtypesWorthTrying, localDtypes, parseDtype, type ModelDtype } from '../../runtime/model-files.js';
import { assertDevice, type Device } from '../../runtime/ort.js';
import { float16Device } from '../../runtime/float16.js';
import { createSession, type ExternalDataFile, type Session } from '../../runtime/session.js';
import { isRobertaLike } from '../text/inputs.js';
import { loadConfig, loadModelBytes, type PretrainedConfig } from '../../runtime/transformers.js';

/** Options for loading a model. */
export interface LoadModelOptions {
  /** Where to run: 'auto' (WebGPU in browsers that have it, else wasm; onnxruntime-node in Node), 'webgpu', 'wasm' or 'cpu' (onnxruntime-node). */
  device?: Device;
  /** Never touch the network (local folders, or Hub ids already under transformers.js's localModelPath). */
  localOnly?: boolean;
  /** Download / build progress, 0..1 per stage. */
  onProgress?: (stage: 'load' | 'build', fraction: number) => void;
  /**
   * Load `onnx/model.onnx_data` as external data. Default: in Node for local folders; pass
   * true in the browser for models whose weights are stored outside the graph.
   */
  externalData?: boolean;
  /**
   * Weight format to load, with transformers.js's names (`fp32`, `fp16`, `q8`, `int8`, `uint8`,
   * `q4`, `q4f16`, `bnb4`). Default `'fp32'`. Quantized and fp16 files are explained through
   * their dequantized / float32 function (see {@link LoadedModel.explained}).
   */
  dtype?: ModelDtype;
}

/**
 * Throws unless `modelIdOrPath` is a non-empty string (a Hub id or a folder).
 *
 * @throws {InputError} (`code: 'bad-model-id'`).
 */
export function checkModelId(modelIdOrPath: unknown): asserts modelIdOrPath is string {
  if (typeof modelIdOrPath !== 'string' || modelIdOrPath.trim() === '') {
    const got = typeof modelIdOrPath === 'string' ? 'an empty string' : modelIdOrPath === null ? 'null' : typeof modelIdOrPath;
    throw new InputError(`The model must be a Hub id (e.g. "Xenova/distilbert-base-uncased-finetuned-sst-2-english") or a local folder, got ${got}.`, { code: 'bad-model-id' });
  }
}

/**
 * A config.json that is not a model's config (`null`, a list, a number, or an object without
 * `model_type`) would silently turn a classifier into something else (no labels: one sigmoid).
 *
 * @throws {ModelError} (`code: 'invalid-config'`).
 */
function checkConfig(config: unknown, id: string): void {
  const type = typeof config === 'object' && config !== null ? (config as { model_type?: unknown }).model_type : undefined;
  if (typeof type !== 'string' || type === '') {
    throw new ModelError(`The config.json of "${id}" is not a model config (it has no "model_type"; is its content null or not an object?). Restore the model's own config.json.`, { code: 'invalid-config' });
  }
}

/** Model types whose forward takes no position ids. */
const NO_POSITION_IDS = new Set(['distilbert']);

/** Names of the extra index inputs of activation and forward graphs. */
export const EXPOSED = { position: 'gs_position_ids', tokenType: 'gs_token_type_ids' } as const;

/** A loaded model and its cached sessions. */
export class LoadedModel {
  private sessions = new Map<string, Promise<Session>>();
  private disposed = false;
  private igGraphs = new Map<string, IgGraph>();
  /** Built IG graphs stored in the browser (see runtime/graph-cache.ts); undefined in Node. */
  private stored?: { store: GraphStore; prefix: string };

  private constructor(
    readonly id: string,
    readonly config: PretrainedConfig,
    readonly onnx: OnnxModel,
    readonly externalData: ExternalDataFile[],
    readonly device: Device,
    /**
     * Which function attributions and deltas describe: the file's own (`'as-shipped'`), the
     * float network with the file's dequantized weights (`'dequantized'`, quantized dtypes)
     * or the fp16 network computed in float32 (`'float32'`). Predictions are always the
     * file's own: {@link forward} runs it as shipped.
     */
    readonly explained: ExplainedFunction = 'as-shipped',
    /** The shipped graph with its batch axis freed, when the file fixed it to 1. */
    private readonly shippedFreed?: OnnxModel,
    /** The loaded dtype and, where cheap to know, the dtypes the model has (for error hints). */
    private readonly files: { dtype: ModelDtype; available: ModelDtype[] | undefined; float16?: boolean } = { dtype: 'fp32', available: undefined },
  ) {}

  /**
   * Loads config and ONNX graph of a model (a local folder or a Hub id).
   *
   * @example
   * const m = await LoadedModel.load('./models/distilbert-sst2', { device: 'wasm', localOnly: true });
   */
  static async load(modelIdOrPath: string, opts: LoadModelOptions = {}): Promise<LoadedModel> {
    checkModelId(modelIdOrPath);
    if (opts.device !== undefined) assertDevice(opts.device);
    const lo = opts.localOnly === undefined ? {} : { localOnly: opts.localOnly };
    opts.onProgress?.('load', 0);
    const bytesOpts = { ...lo, ...(opts.externalData === undefined ? {} : { externalData: opts.externalData }), ...(opts.dtype === undefined ? {} : { dtype: opts.dtype }) };
    const [config, bytes] = await Promise.all([loadConfig(modelIdOrPath, lo), loadModelBytes(modelIdOrPath, bytesOpts)]);
    opts.onProgress?.('load', 1);
    checkConfig(config, modelIdOrPath);
    const decoded = decodeModel(bytes.model);
    // A batch fixed to 1 at export is freed (exactly): every run feeds several rows.
    const shipped = freeBatchAxis(decoded);
    // Quantized / fp16 / fused patterns become standard float ops once, here (never per step).
    const d = decomposeModel(shipped, { externalData: bytes.externalData });
    const files = { dtype: parseDtype(opts.dtype), available: await localDtypes(bytes.source), float16: 'float16' in d.rewritten };
    const m = new LoadedModel(modelIdOrPath, config, d.model, bytes.externalData, opts.device ?? 'auto', d.explained, shipped === decoded ? undefined : shipped, files);
    // A decomposition may copy weight values into its graphs: then every weight byte is digested.
    const digest = modelDigest(decoded, d.model === shipped ? undefined : bytes.externalData.map((f) => f.data));
    m.stored = await openGraphStore(digest, { dtype: files.dtype, explained: d.explained });
    return m;
  }

  /** Model type from config.json (`bert`, `roberta`, ...). */
  get modelType(): string {
    return String((this.config as unknown as { model_type?: string }).model_type ?? '');
  }

  /** RoBERTa-family models: positions derived from the ids, double separator in pairs. */
  get isRobertaLike(): boolean {
    return isRobertaLike(this.modelType);
  }

  /**
   * Whether the model's forward takes position ids, as transformers-interpret decides it: the
   * model has a position-embedding table, is not RoBERTa-like (positions derived from the ids)
   * and is not DistilBERT (its forward has no position_ids argument).
   */
  get acceptsPositionIds(): boolean {
    return this.hasEmbedding('position') && !this.isRobertaLike && !NO_POSITION_IDS.has(this.modelType);
  }

  /** `pad_token_id` from config.json (0 when absent). */
  get padTokenId(): number {
    return Number((this.config as unknown as { pad_token_id?: number }).pad_token_id ?? 0);
  }

  /** Names of the original graph's inputs. */
  get inputNames(): string[] {
    return this.onnx.graph.inputs.map((v) => v.name);
  }

  /** Names of the original graph's outputs. */
  get outputNames(): string[] {
    return this.onnx.graph.outputs.map((v) => v.name);
  }

  /** Class count of the first output (its last axis) when the graph declares it; undefined otherwise. */
  get outputWidth(): number | undefined {
    const d = this.onnx.graph.outputs[0]?.shape?.at(-1);
    return typeof d === 'number' && d > 0 ? d : undefined;
  }

  /** Finds a cut point (typed error when the model has none of that kind). */
  cut(kind: CutKind): CutPoint {
    return findCut(this.onnx.graph, kind);
  }

  /** Whether the model has an embedding lookup of this role. */
  hasEmbedding(role: 'word' | 'position' | 'token_type'): boolean {
    return findEmbeddingGathers(this.onnx.graph).some((e) => e.role === role);
  }

  /**
   * Releases every onnxruntime session of this model (their native or wasm memory); later
   * explanations fail with a clear error. Safe to call twice.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    // A session that failed to be created has nothing to release.
    await Promise.all(all.map((s) => s.then((x) => x.release(), () => undefined)));
  }

  private session(key: string, make: () => OnnxModel | Uint8Array | EncodedModel, device: Device | Promise<Device> = this.device): Promise<Session> {
    if (this.disposed) {
      return Promise.reject(new InputError('This explainer was disposed. Create a new one with fromPretrained().', { code: 'disposed' }));
    }
    let s = this.sessions.get(key);
    if (!s) {
      const built = make();
      let bytes: Uint8Array;
      let external: ExternalDataFile[] = this.externalData;
      if (built instanceof Uint8Array) bytes = built;
      else if ('bytes' in built) {
        bytes = built.bytes;
        external = [...this.externalData, ...built.externalData];
      } else {
        const enc = encodeModel(built, { externalizeAbove: 1024 });
        bytes = enc.bytes;
        external = [...this.externalData, ...enc.externalData];
      }
      s = Promise.resolve(device).then((d) => createSession(bytes, { device: d, externalData: external }));
      s.catch(() => this.sessions.delete(key));
      this.sessions.set(key, s);
    }
    return s;
  }

  /**
   * The model's own forward graph, as shipped (quantized files run quantized, fp16 files in
   * float16): predictions. A float16 graph leaves a WebGPU adapter without `shader-f16` for
   * the CPU kernels (see {@link float16Device}).
   */
  forward(): Promise<Session> {
    return this.session('forward', () => this.shippedFreed ?? this.onnx.source, this.files.float16 ? float16Device(this.device) : this.device);
  }

  /**
   * The forward of the explained function (see {@link explained}): F(x) and F(x') for the
   * convergence delta. The shipped forward when the two are the same.
   */
  explainedForward(): Promise<Session> {
    if (this.explained === 'as-shipped') return this.forward();
    return this.session('forward-explained', () => this.onnx);
  }

  /**
   * The forward graph with position (and token-type) embedding lookups reading explicit ids,
   * for forwards at baselines whose positions are not 0..T-1 (transformers-interpret's
   * baseline forward uses position 0 everywhere).
   */
  forwardWithIds(): Promise<Session> {
    return this.session('forward-ids', () => {
      const expose = this.exposedGathers(['position']);
      return { ...this.onnx, graph: subgraph(this.onnx.graph, this.outputNames, expose) };
    });
  }

  private exposedGathers(roles: ('position' | 'token_type')[]): { node: string; input: string }[] {
    return findEmbeddingGathers(this.onnx.graph)
      .filter((e) => (roles as string[]).includes(e.role))
      .map((e) => ({ node: e.node.name, input: e.role === 'position' ? EXPOSED.position : EXPOSED.tokenType }));
  }

  /**
   * The graph computing a cut tensor from ids (word ids, and explicit position / token-type
   * ids), used for the input and baseline activations x and x'.
   */
  activation(kind: CutKind): Promise<Session> {
    return this.session(`act-${kind}`, () => {
      const cut = this.cut(kind);
      const roles: ('position' | 'token_type')[] = kind === 'position' ? ['position'] : kind === 'token_type' ? ['token_type'] : kind === 'embeddings' ? ['position', 'token_type'] : [];
      const expose = this.exposedGathers(roles);
      return { ...this.onnx, graph: subgraph(this.onnx.graph, [cut.tensor], expose) };
    });
  }

  /** The IG graph for a cut, head and reduction (built once). */
  igGraph(kind: CutKind, head: HeadSpec, reduction: AttributionReduction): IgGraph {
    const key = `${kind}|${JSON.stringify(head)}|${reduction}`;
    let gr = this.igGraphs.get(key);
    const hit = gr ? undefined : this.storedGraph(kind, head, reduction);
    if (hit) {
      gr = graphFromStore(hit);
      this.igGraphs.set(key, gr);
    }
    if (!gr) {
      // autodiff's UnsupportedOpError is a ModelError (code 'unsupported-op', with .ops): it passes
      // through as is, with the dtypes worth trying added to its message.
      try {
        // A language model's logits and key/value caches are never read back from IG runs.
        gr = buildIntegratedGradientsGraph(this.onnx, { cut: this.cut(kind).tensor, head, reduction, ...(head.kind === 'causal-lm' ? { keepModelOutputs: false } : {}) });
      } catch (cause) {
        const others = cause instanceof UnsupportedOpError ? dtypesWorthTrying(this.files.dtype, this.files.available) : [];
        if (cause instanceof UnsupportedOpError && others.length > 0) cause.message += ` Other files of this model may export these ops differently: dtypes worth trying: ${others.join(', ')}.`;
        throw cause;
      }
      this.igGraphs.set(key, gr);
    }
    return gr;
  }

  /** Session of {@link igGraph}. */
  igSession(kind: CutKind, head: HeadSpec, reduction: AttributionReduction): Promise<Session> {
    const key = `ig-${kind}|${JSON.stringify(head)}|${reduction}`;
    const session = this.session(key, () => {
      const hit = this.storedGraph(kind, head, reduction);
      if (hit) return { bytes: hit.bytes, externalData: hit.meta.weightsPath === undefined ? [] : [{ path: hit.meta.weightsPath, data: this.onnx.source }] };
      const ig = this.igGraph(kind, head, reduction);
      const enc = encodeModel(ig.model, { externalizeAbove: 1024 });
      // Stored only when its external data is the model's own bytes, which the next load has too.
      if (this.stored && enc.externalData.every((e) => e.data === this.onnx.source)) {
        const { inputs, modelOutputs, scalar, attribution, cutInfo } = ig;
        this.stored.store.save(this.stored.prefix + graphKeyTail({ cut: kind, head, reduction }), { bytes: enc.bytes, meta: { inputs, modelOutputs, scalar, attribution, cutInfo, weightsPath: enc.externalData[0]?.path } });
      }
      return enc;
    });
    // Its store writes finish before the first run: a worker ended right after would lose them.
    const store = this.stored?.store;
    return store ? Promise.all([session, store.settled()]).then(([s]) => s) : session;
  }

  /** The IG graph stored by an earlier visit, if any. */
  private storedGraph(kind: CutKind, head: HeadSpec, reduction: AttributionReduction): CachedGraph | undefined {
    return this.stored?.store.get(this.stored.prefix + graphKeyTail({ cut: kind, head, reduction }));
  }
}

/** An IG graph read back from the store: its graph is decoded only when asked for (batch sizing). */
function graphFromStore(c: CachedGraph): IgGraph {
  const { inputs, modelOutputs, scalar, attribution, cutInfo } = c.meta;
  let model: OnnxModel | undefined;
  return {
    inputs, modelOutputs, scalar, attribution, cutInfo,
    get model() {
      return (model ??= decodeModel(c.bytes));
    },
  };
}

/**
 * Records on a result which function it explains, when that is not the file's own (see
 * {@link LoadedModel.explained}).
 *
 * @example
 * markExplained(result, model); // result.explained === 'dequantized' for a q8 file
 */
export function markExplained(result: { explained?: 'dequantized' | 'float32' }, model: LoadedModel): void {
  if (model.explained !== 'as-shipped') result.explained = model.explained;
}
