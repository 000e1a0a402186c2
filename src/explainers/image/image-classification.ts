/**
 * ImageClassificationExplainer: which pixels pushed an image classifier towards a class, as
 * transformers-interpret computes it: integrated gradients on `pixel_values` (the model input
 * after its image processor), baseline all zeros, F = the raw logit of the class (no
 * softmax); or captum's NoiseTunnel around IG ("IGNT"); or, with `algorithm`, gradient x input,
 * saliency or SmoothGrad on the same graph (see `image-gradient-methods.ts`).
 *
 * Fixed on purpose (see the parity spec): `index` 0 and `className` are honoured (the original
 * ignores both), and an unknown class name is an error.
 *
 * @module
 */
import { checkAlgorithm, type AlgorithmChoice } from '../../attribution/gradient-methods.js';
import { integratedGradients } from '../../attribution/ig.js';
import { NoiseTunnelAccumulator, noisySamples } from '../../attribution/noise-tunnel.js';
import type { AttributionReduction } from '../../autodiff/ig-graph.js';
import { GS, type HeadSpec } from '../../autodiff/spec.js';
import { BackendError, InputError, ModelError, throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../runtime/session.js';
import type { ImageClassificationResult } from '../../types.js';
import { Explainer } from '../core/explainer.js';
import { LoadedModel } from '../core/loaded-model.js';
import { argmax, softmax } from '../core/math.js';
import { rowsPerRun } from '../core/memory.js';
import { checkOneOf, checkOptionKeys, checkOptions } from '../core/options.js';
import { algorithmField, requireEvaluable } from '../core/evaluate.js';
import { evaluateImageFaithfulness } from './image-faithfulness.js';
import { withSteps, type StepsMeasure } from '../core/steps.js';
import { checkCustomLabels, checkLabelCount, labelName, modelLabels, resolveTarget, type LabelSource } from '../core/target.js';
import { checkNoiseTunnel, IMAGE_LOAD_OPTION_KEYS, IMAGE_OPTION_KEYS, type ImageExplainerInit, type ImageExplainOptions, type ImageInput, type NoiseTunnelSettings } from './image-options.js';
import { imageGradientMethod } from './image-gradient-methods.js';
import { expectedShape, toPixelValues } from './pixel-values.js';
import { IMAGE_RESIZES, loadImagePreprocessor, type ImagePreprocessor } from './preprocess.js';
import { markExplained } from '../core/loaded-model.js';

export type { ImageExplainerInit, ImageExplainOptions, ImageInput, PixelValuesInput } from './image-options.js';

/** The explained scalar: the raw logit of the class (transformers-interpret uses no softmax for images). */
const HEAD: HeadSpec = { kind: 'classification', activation: 'identity' };

/**
 * What 'auto' compares: attributions over their largest |value| (the scale heatmaps are read
 * at). The check is the completeness gap relative to the attributions' total mass: with ~150k
 * pixels the gap in max units adds up every pixel's error, so it is scaled to the L1 norm.
 */
function imageMeasure(a: Float64Array, fDiff: number): StepsMeasure {
  let m = 0;
  let l1 = 0;
  let sum = 0;
  for (const v of a) {
    m = Math.max(m, Math.abs(v));
    l1 += Math.abs(v);
    sum += v;
  }
  return { values: m > 0 ? a.map((v) => v / m) : a, check: l1 > 0 ? (sum - fDiff) / l1 : Infinity };
}

/**
 * Explains an image classifier (ViT, Swin, ResNet, ConvNeXt, ...).
 *
 * @example
 * ```ts
 * const explainer = await ImageClassificationExplainer.fromPretrained('Xenova/vit-base-patch16-224');
 * const r = await explainer.explain('https://example.com/cat.jpg', { attributionType: 'IG' });
 * console.log(r.predictedClassName, r.shape); // 'tabby, tabby cat', [1, 3, 224, 224]
 * const { image } = visualizeImageResult(r, { method: 'overlay', pixelNormalization: explainer.pixelNormalization });
 * ```
 */
export class ImageClassificationExplainer extends Explainer<ImageClassificationResult> {
  private readonly configLabels: string[];
  private readonly rowsPerRunCache = new Map<string, number>();

  /**
   * Wraps a loaded model and its image processor (optional: without one only
   * {@link PixelValuesInput} can be explained).
   *
   * @throws {ModelError} (`code: 'wrong-model-kind'`) when the model is not an image classifier.
   */
  constructor(
    readonly model: LoadedModel,
    readonly preprocessor: ImagePreprocessor | undefined,
    customLabels?: LabelSource,
  ) {
    super();
    const inputs = model.inputNames;
    if (!inputs.includes('pixel_values')) {
      throw new ModelError(
        `"${model.id}" is not an image classifier: its ONNX inputs are ${inputs.join(', ')}, with no pixel_values. Use an image-classification model, or the text explainers for text models.`,
        { code: 'wrong-model-kind' },
      );
    }
    const extra = inputs.filter((n) => n !== 'pixel_values');
    if (extra.length > 0) {
      throw new ModelError(`"${model.id}" takes inputs besides pixel_values (${extra.join(', ')}); the image explainer only explains plain image classifiers.`, { code: 'wrong-model-kind' });
    }
    const out = model.onnx.graph.outputs[0];
    if (!out || (out.shape !== undefined && out.shape.length !== 2)) {
      throw new ModelError(
        `"${model.id}"'s first output${out ? ` (${out.name}, rank ${out.shape?.length ?? '?'})` : ''} is not classification logits [batch, classes]; the image explainer needs an image classifier.`,
        { code: 'wrong-model-kind' },
      );
    }
    this.configLabels = modelLabels(model.config, customLabels, model.outputWidth);
  }

  /**
   * Loads a model (Hub id or local folder): config, ONNX graph and image processor.
   *
   * @example
   * ```ts
   * const ex = await ImageClassificationExplainer.fromPretrained('./models/vit', { device: 'cpu', localOnly: true });
   * const viaJs = await ImageClassificationExplainer.fromPretrained('./models/vit', { resize: 'transformers' });
   * ```
   */
  static async fromPretrained(modelIdOrPath: string, options?: ImageExplainerInit | null): Promise<ImageClassificationExplainer> {
    const init = checkOptionKeys(options, IMAGE_LOAD_OPTION_KEYS, 'load options');
    if (init.resize !== undefined) checkOneOf(init.resize, IMAGE_RESIZES, 'resize', 'bad-resize');
    const lo = { ...(init.localOnly === undefined ? {} : { localOnly: init.localOnly }), ...(init.resize === undefined ? {} : { resize: init.resize }) };
    const [model, pre] = await Promise.allSettled([LoadedModel.load(modelIdOrPath, init), loadImagePreprocessor(modelIdOrPath, lo)]);
    if (model.status === 'rejected') throw model.reason;
    let preprocessor: ImagePreprocessor | undefined;
    if (pre.status === 'fulfilled') preprocessor = pre.value;
    else {
      // No preprocessor_config.json (or no image part in it): ready pixel values can still be
      // explained, and a text model is reported as such by the constructor. Other failures are real.
      const missing = (pre.reason instanceof InputError && pre.reason.code === 'model-not-found') || (pre.reason instanceof ModelError && pre.reason.code === 'wrong-model-kind');
      if (!missing) throw pre.reason;
    }
    return new ImageClassificationExplainer(model.value, preprocessor, init.customLabels);
  }

  /** Class labels, in output order (config.json's id2label or the custom labels). */
  get labels(): string[] {
    return [...this.configLabels];
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }

  /** The processor's normalisation, to draw `pixelValues` as the image the model saw (see `visualizeImage`). */
  get pixelNormalization(): { mean: number[]; std: number[] } | undefined {
    return this.preprocessor?.normalization;
  }

  /** The last result's fields, as the Python explainer's properties. */
  get predictedClassIndex(): number | undefined { return this.last?.predictedClassIndex; }
  get predictedClassName(): string | undefined { return this.last?.predictedClassName; }
  get attributionClassIndex(): number | undefined { return this.last?.attributionClassIndex; }
  get attributionClassName(): string | undefined { return this.last?.attributionClassName; }

  /**
   * Explains one image.
   *
   * @throws {InputError} unreadable image, wrong channel count or size, bad options, unknown class.
   * @throws {ModelError} the model's output is not classification logits.
   *
   * @example
   * ```ts
   * const r = await explainer.explain('./cat.png', { attributionType: 'IGNT', ntSamples: 10, seed: 1 });
   * const fromTensor = await explainer.explain({ pixelValues, shape: [1, 3, 224, 224] }, { attributionType: 'IG', index: 0 });
   * ```
   */
  async explain(image: ImageInput, options?: ImageExplainOptions | null): Promise<ImageClassificationResult> {
    const opts = checkOptions(options, IMAGE_OPTION_KEYS);
    requireEvaluable('image-classification', opts);
    if (image === null || image === undefined) {
      throw new InputError(`There is no image to explain (got ${String(image)}): pass an image (path, URL, Blob, element, ...) or { pixelValues }.`, { code: 'bad-input' });
    }
    const algo = checkAlgorithm(opts);
    const gradientMethod = algo.algorithm !== 'integrated-gradients';
    // Another algorithm replaces integration, so an unset attributionType means 'IG' for it.
    const type = checkOneOf(opts.attributionType ?? (gradientMethod ? 'IG' : 'IGNT'), ['IG', 'IGNT'] as const, 'attributionType', 'bad-attribution-type');
    if (gradientMethod && type === 'IGNT') {
      throw new InputError(`algorithm ${JSON.stringify(algo.algorithm)} replaces integrated gradients, so it cannot run inside the IGNT noise tunnel. Use attributionType 'IG' (or leave it unset) with this algorithm, or drop algorithm for IGNT.`, { code: 'algorithm-unsupported' });
    }
    const nt = type === 'IGNT' ? checkNoiseTunnel(opts) : undefined;
    if (nt && opts.nSteps === 'auto') {
      throw new InputError("nSteps 'auto' applies to attributionType 'IG'; IGNT integrates each noisy copy with nStepsNoiseTunnel steps.", { code: 'bad-n-steps' });
    }
    throwIfAborted(opts.signal);

    const { data: x, shape } = await toPixelValues(image, this.model, this.preprocessor);
    throwIfAborted(opts.signal);
    const logits = await this.forward(x, shape);
    const nClasses = logits.length / 2;
    const atInput = logits.subarray(0, nClasses);
    const labels = opts.customLabels ? checkCustomLabels(opts.customLabels, nClasses) : this.configLabels;
    checkLabelCount(labels.length, nClasses);
    const name = (i: number): string => labelName(labels, i);
    const predicted = argmax(atInput);
    const target = resolveTarget(opts, labels, nClasses, predicted);

    const size = x.length;
    let attributions: Float64Array;
    let delta: number | undefined;
    let auto: ImageClassificationResult['autoSteps'];
    if (gradientMethod) {
      attributions = await this.gradientMethod(x, shape, nClasses, target, algo, opts);
      delta = NaN; // only integrated gradients has a completeness gap
    } else if (nt) {
      attributions = await this.noiseTunnel(x, shape, nClasses, target, nt, opts);
    } else {
      // F(x) - F(x'): the explained logit at the input and at the all-zero baseline (captum's delta).
      const fDiff = await this.explainedLogitDiff(x, shape, logits, nClasses, target);
      const ig = await withSteps(opts, (n) => this.integrate(x, shape, nClasses, target, n ?? 50, opts), (a) => imageMeasure(a, fDiff));
      attributions = ig.result;
      auto = ig.autoSteps;
      let total = 0;
      for (let i = 0; i < size; i++) total += attributions[i];
      delta = total - fDiff;
    }

    const probs = softmax(atInput);
    const result: ImageClassificationResult = {
      attributions: Float32Array.from(attributions),
      shape: [1, shape[1], shape[2], shape[3]],
      predictedClassIndex: predicted,
      predictedClassName: name(predicted),
      predictedProbability: probs[predicted],
      attributionClassIndex: target,
      attributionClassName: name(target),
      pixelValues: x,
    };
    if (delta !== undefined) result.delta = delta;
    Object.assign(result, algorithmField(opts));
    if (auto) result.autoSteps = auto;
    if (opts.evaluate === true) {
      result.faithfulness = await evaluateImageFaithfulness(this.model, x, result.shape, result.attributions, target, opts.signal ? { signal: opts.signal } : {});
    }
    markExplained(result, this.model);
    this.last = result;
    return result;
  }

  /**
   * F(x) - F(x') of the explained function: the shipped logits, or for a quantized / fp16
   * file those of its dequantized / float32 function (see `LoadedModel.explained`).
   */
  private async explainedLogitDiff(x: Float32Array, shape: readonly number[], shipped: Float32Array, nClasses: number, target: number): Promise<number> {
    if (this.model.explained === 'as-shipped') return shipped[target] - shipped[nClasses + target];
    const fwd = await this.model.explainedForward();
    const both = new Float32Array(2 * x.length);
    both.set(x);
    const out = await fwd.run({ pixel_values: fwd.tensor('float32', both, [2, shape[1], shape[2], shape[3]]) });
    const logits = (await out[fwd.outputNames[0]].getData()) as Float32Array;
    return logits[target] - logits[nClasses + target];
  }

  /** Logits at the input and at the zero baseline, one [2, C] run. */
  private async forward(x: Float32Array, shape: readonly number[]): Promise<Float32Array> {
    const fwd = await this.model.forward();
    const both = new Float32Array(2 * x.length);
    both.set(x);
    let out: Record<string, Tensor>;
    try {
      out = await fwd.run({ pixel_values: fwd.tensor('float32', both, [2, shape[1], shape[2], shape[3]]) });
    } catch (cause) {
      const want = expectedShape(this.model, this.preprocessor);
      if (cause instanceof BackendError && want.height !== undefined && want.width !== undefined && (want.height !== shape[2] || want.width !== shape[3])) {
        throw new InputError(`The model takes ${want.height}x${want.width} images but the pixel values are ${shape[2]}x${shape[3]}. Resize the image (or pass the image itself, so the processor resizes it).`, {
          code: 'bad-image-size',
          cause,
        });
      }
      throw cause;
    }
    const logits = out[fwd.outputNames[0]];
    if (!logits || logits.dims.length !== 2 || logits.dims[0] !== 2) {
      throw new ModelError(`The model's first output is not classification logits [batch, classes] (got dims ${logits ? JSON.stringify(logits.dims) : 'none'}). Use an image-classification model.`, {
        code: 'wrong-model-kind',
      });
    }
    return (await logits.getData()) as Float32Array;
  }

  /**
   * Rows per run when the caller gives no internalBatchSize: the IG graph's per-row float
   * tensors at this image size against the memory budget (see memory.ts), cached per graph and size.
   */
  private defaultBatch(reduction: AttributionReduction, shape: readonly number[], nClasses: number, maxRows: number): number {
    const key = `${reduction}|${shape.join('x')}|${nClasses}`;
    let perRun = this.rowsPerRunCache.get(key);
    if (perRun === undefined) {
      const row = [1, shape[1], shape[2], shape[3]];
      const graph = this.model.igGraph('pixel_values', HEAD, reduction).model.graph;
      perRun = rowsPerRun(graph, { [GS.input]: row, [GS.baseline]: row, [GS.alphas]: [1], [GS.weights]: [1], [GS.targetMask]: [1, nClasses] }, Number.MAX_SAFE_INTEGER);
      this.rowsPerRunCache.set(key, perRun);
    }
    return Math.max(1, Math.min(maxRows, perRun));
  }

  private async igParts(reduction: AttributionReduction): Promise<{ run: (feeds: Record<string, Tensor>, signal?: AbortSignal) => Promise<{ scalars: Float32Array; attribution: Float32Array }>; tensor: (data: Float32Array, dims: number[]) => Tensor }> {
    const ig = this.model.igGraph('pixel_values', HEAD, reduction);
    const session = await this.model.igSession('pixel_values', HEAD, reduction);
    return {
      tensor: (data, dims) => session.tensor('float32', data, dims),
      run: async (feeds, signal) => {
        const out = await session.run(feeds, [ig.scalar, ig.attribution], signal ? { signal } : {});
        return { scalars: (await out[ig.scalar].getData()) as Float32Array, attribution: (await out[ig.attribution].getData()) as Float32Array };
      },
    };
  }

  private targetMask(rows: number, nClasses: number, target: number): Float32Array {
    const mask = new Float32Array(rows * nClasses);
    for (let b = 0; b < rows; b++) mask[b * nClasses + target] = 1;
    return mask;
  }

  /** Plain IG: (x - 0) * sum_k w_k dF/dx(a_k x), the sum over rows done in the graph. */
  private async integrate(x: Float32Array, shape: readonly number[], nClasses: number, target: number, nSteps: number, opts: ImageExplainOptions): Promise<Float64Array> {
    const { run, tensor } = await this.igParts('sum-batch');
    const input = tensor(x, [...shape]);
    const baseline = tensor(new Float32Array(x.length), [...shape]);
    const res = await integratedGradients(
      async (chunk) => {
        const B = chunk.rows.length;
        const r = await run(
          {
            [GS.input]: input,
            [GS.baseline]: baseline,
            [GS.alphas]: tensor(Float32Array.from(chunk.alphas), [B]),
            [GS.weights]: tensor(Float32Array.from(chunk.weights), [B]),
            [GS.targetMask]: tensor(this.targetMask(B, nClasses, target), [B, nClasses]),
          },
          opts.signal,
        );
        return { rowScalars: r.scalars, attributionPart: r.attribution };
      },
      {
        size: x.length,
        nSteps,
        method: opts.method ?? 'gausslegendre',
        internalBatchSize: opts.internalBatchSize ?? this.defaultBatch('sum-batch', shape, nClasses, nSteps),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    return res.attributions[0];
  }

  /** Gradient x input, saliency or SmoothGrad on the per-row graph (shared with IGNT). */
  private async gradientMethod(x: Float32Array, shape: readonly number[], nClasses: number, target: number, choice: AlgorithmChoice, opts: ImageExplainOptions): Promise<Float64Array> {
    const graph = await this.igParts('per-row');
    return imageGradientMethod(graph, {
      x,
      shape,
      nClasses,
      targetMask: (rows) => this.targetMask(rows, nClasses, target),
      rowsPerRun: (rows) => opts.internalBatchSize ?? this.defaultBatch('per-row', shape, nClasses, rows),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    }, choice);
  }

  /**
   * captum's NoiseTunnel(IntegratedGradients): IG of every noisy copy (with ITS OWN x - x'),
   * then combined. Rows of several copies share one run: the graph returns each row's
   * w * grad * (x_noisy - x') and the rows of each copy are summed here.
   */
  private async noiseTunnel(x: Float32Array, shape: readonly number[], nClasses: number, target: number, nt: NoiseTunnelSettings, opts: ImageExplainOptions): Promise<Float64Array> {
    const { run, tensor } = await this.igParts('per-row');
    const size = x.length;
    const samples = noisySamples(x, nt.samples, nt.stdevs, opts.seed);
    const baseline = tensor(new Float32Array(size), [...shape]);
    const res = await integratedGradients(
      async (chunk) => {
        const B = chunk.rows.length;
        const inputs = new Float32Array(B * size);
        for (let b = 0; b < B; b++) inputs.set(samples[chunk.rowTargets[b]], b * size);
        const r = await run(
          {
            [GS.input]: tensor(inputs, [B, shape[1], shape[2], shape[3]]),
            [GS.baseline]: baseline,
            [GS.alphas]: tensor(Float32Array.from(chunk.alphas), [B]),
            [GS.weights]: tensor(Float32Array.from(chunk.weights), [B]),
            [GS.targetMask]: tensor(this.targetMask(B, nClasses, target), [B, nClasses]),
          },
          opts.signal,
        );
        const part = new Float64Array(chunk.targets.length * size);
        for (let b = 0; b < B; b++) {
          const base = chunk.targets.indexOf(chunk.rowTargets[b]) * size;
          const row = r.attribution.subarray(b * size, (b + 1) * size);
          for (let j = 0; j < size; j++) part[base + j] += row[j];
        }
        return { rowScalars: r.scalars, attributionPart: part };
      },
      {
        size,
        numTargets: nt.samples,
        nSteps: nt.steps,
        method: opts.method ?? 'gausslegendre',
        internalBatchSize: opts.internalBatchSize ?? this.defaultBatch('per-row', shape, nClasses, nt.samples * nt.steps),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    const acc = new NoiseTunnelAccumulator(size);
    for (const a of res.attributions) acc.add(a);
    return acc.combine(nt.type);
  }
}

