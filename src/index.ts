/**
 * gradscope: integrated-gradients explanations of Hugging Face transformer models.
 *
 * Keep this file a plain list of `export ... from` lines, grouped by layer. Only what users
 * call or type belongs here; plumbing (run queues, provider-name tables, the graph IR's
 * internals) is imported by path where it is needed.
 *
 * @module
 */

// --- Results and errors ------------------------------------------------------------------
export type * from './types.js';
export * from './errors.js';
// autodiff's model errors (ModelErrors with code 'unsupported-op' / 'unsupported-gradient'), to catch and read `.ops`.
export { UnsupportedGradientError } from './autodiff/rule.js';
export { UnsupportedOpError, type UnsupportedOp } from './autodiff/build.js';

// --- Explainers: the factory and its task registry ---------------------------------------
export { explainer } from './explainers/factory.js';
export type {
  ExplainerFns,
  ExplainerInit,
  TextClassificationExplainerFn,
  TextPairClassificationExplainerFn,
  MultiLabelClassificationExplainerFn,
  ZeroShotClassificationExplainerFn,
  QuestionAnsweringExplainerFn,
  TokenClassificationExplainerFn,
  ImageClassificationExplainerFn,
  TextGenerationExplainerFn,
} from './explainers/factory.js';
export { TASK_REGISTRY, EXPLAINER_TASKS, findTask, taskTitle } from './explainers/tasks.js';
export type {
  ExplainerTask,
  TaskAlias,
  TaskSpec,
  TaskInputName,
  TaskOptionName,
  TaskEmbeddingType,
  RegisteredExplainerClass,
  ExplainerClassOf,
  ExplainerOf,
  ExplainerFnOf,
} from './explainers/tasks.js';

// --- Explainers: the core every explainer shares -----------------------------------------
export type { Explainer } from './explainers/core/explainer.js';
export type { CommonExplainOptions } from './explainers/core/options.js';
export type { Refinement } from './explainers/core/steps.js';
export { EVALUABLE_TASKS } from './explainers/core/evaluate.js';
export type { LabelSource, TargetChoice } from './explainers/core/target.js';
export { LoadedModel } from './explainers/core/loaded-model.js';
export type { LoadModelOptions } from './explainers/core/loaded-model.js';

// --- Explainers: text --------------------------------------------------------------------
export type { TextExplainer } from './explainers/text/text-explainer.js';
export type { TextExplainerInit, EmbeddingType } from './explainers/text/text-model.js';
export { SequenceClassificationExplainer, PairwiseSequenceClassificationExplainer } from './explainers/text/sequence-classification.js';
export type { SequenceExplainOptions, PairwiseExplainOptions } from './explainers/text/sequence-classification.js';
export { MultiLabelClassificationExplainer } from './explainers/text/multi-label-classification.js';
export type { MultiLabelExplainOptions } from './explainers/text/multi-label-classification.js';
export { ZeroShotClassificationExplainer, entailmentIndex } from './explainers/text/zero-shot-classification.js';
export type { ZeroShotExplainOptions } from './explainers/text/zero-shot-classification.js';
export { QuestionAnsweringExplainer } from './explainers/text/question-answering.js';
export type { QuestionAnsweringExplainOptions } from './explainers/text/question-answering.js';
export { TokenClassificationExplainer } from './explainers/text/token-classification.js';
export type { TokenClassificationExplainOptions } from './explainers/text/token-classification.js';
export { TextGenerationExplainer } from './explainers/text/generation/explainer.js';
export { MAX_NEW_TOKENS_CAP, DEFAULT_MAX_NEW_TOKENS } from './explainers/text/generation/types.js';
export type { TextGenerationExplainOptions } from './explainers/text/generation/types.js';

// --- Explainers: image (preprocessing and the Pillow-exact resize live beside it) ----------
export { ImageClassificationExplainer } from './explainers/image/image-classification.js';
export type { ImageExplainOptions, ImageExplainerInit, ImageInput, PixelValuesInput } from './explainers/image/image-options.js';
export { loadImagePreprocessor } from './explainers/image/preprocess.js';
export type { ImageSource, ImagePreprocessor, ImagePreprocessorOptions, ImageResize, PixelTensor, RawImageLike } from './explainers/image/preprocess.js';
export { readImage, rawImageToRgba } from './explainers/image/read-image.js';
export { pilPreprocessPlan, pilPreprocess } from './explainers/image/pil-preprocess.js';
export type { PilPreprocessPlan } from './explainers/image/pil-preprocess.js';
export { pilResize, PilResample } from './explainers/image/pil-resize.js';
export type { PilResampleFilter, Uint8Image, ResizedUint8Image, PilResizeOptions } from './explainers/image/pil-resize.js';

// --- Attribution (pure math) ---------------------------------------------------------------
export * from './attribution/index.js';

// --- Visualisation (pure functions) --------------------------------------------------------
export * from './viz/index.js';

// --- Gradient graphs: autodiff and the ONNX layer under it ----------------------------------
export { buildGradientGraph } from './autodiff/build.js';
export type { GradientGraph, GradientGraphOptions } from './autodiff/build.js';
export { buildIntegratedGradientsGraph } from './autodiff/ig-graph.js';
export type { IgGraph, IgGraphOptions, AttributionReduction } from './autodiff/ig-graph.js';
export { findCut, findEmbeddingGathers, CutNotFoundError } from './autodiff/cut-points.js';
export type { CutKind, CutPoint } from './autodiff/cut-points.js';
export type { HeadSpec } from './autodiff/spec.js';
export { decodeModel, encodeModel } from './onnx/model-io.js';
export type { OnnxModel, EncodeOptions, EncodedModel } from './onnx/model-io.js';
export { Graph } from './onnx/ir.js';
export type { Node, Dim, TensorType as GraphTensorType, ValueInfo, Attr } from './onnx/ir.js';
export { inferShapes } from './onnx/shape/infer.js';
export type { ShapeInfo } from './onnx/shape/infer.js';
export { foldConstants } from './onnx/fold.js';

// --- Runtime configuration: backends, sessions, model files ---------------------------------
export { loadOrt, resolveDevice, hasWebGpu, executionProvidersFor, assertDevice } from './runtime/ort.js';
export type { Device, ResolvedDevice, OrtModule, OrtFlavour, OrtRuntime } from './runtime/ort.js';
export { Session, createSession, sessionOptionsFor } from './runtime/session.js';
export type { CreateSessionOptions, RunOptions, ExternalDataFile, Feeds, Outputs, Tensor, TensorType, GraphOptimizationLevel, OrtSessionOptions } from './runtime/session.js';
export { parsePlacement, nodesOn } from './runtime/placement.js';
export type { Placement, ProviderPlacement, PlacedNode } from './runtime/placement.js';
export { loadTokenizer, loadConfig, loadModelBytes, loadTransformers, loadAutoProcessor, configureTransformers } from './runtime/transformers.js';
export type { LoadOptions, LoadModelBytesOptions, ModelBytes, TransformersSettings, TransformersModule, PreTrainedTokenizer, PretrainedConfig } from './runtime/transformers.js';
export { resolveModelSource } from './runtime/model-source.js';
export type { ModelSource } from './runtime/model-source.js';

// --- In a web page: the explain worker ------------------------------------------------------
export { workerExplainer, configureExplainWorker, clearModelCache } from './worker/client.js';
export type { WorkerExplainerFn, WorkerExplainerInit, WorkerCallOptions, ExplainRuntime, RuntimeProgress, RuntimeStage, WorkerSettings } from './worker/client.js';
