/**
 * gradscope: integrated-gradients explanations of Hugging Face transformer models.
 *
 * Keep this file a plain list of `export ... from` lines.
 *
 * @module
 */
export * from './errors.js';
export type * from './types.js';
export { loadOrt, resolveDevice, hasWebGpu, executionProvidersFor, assertDevice } from './runtime/ort.js';
export type { Device, ResolvedDevice, OrtModule, OrtFlavour, OrtRuntime } from './runtime/ort.js';
export { RunQueue, enqueue, globalQueue } from './runtime/queue.js';
export type { EnqueueOptions } from './runtime/queue.js';
export { Session, createSession, sessionOptionsFor } from './runtime/session.js';
export type { CreateSessionOptions, RunOptions, ExternalDataFile, Feeds, Outputs, Tensor, TensorType, GraphOptimizationLevel, OrtSessionOptions } from './runtime/session.js';
export { parsePlacement, nodesOn, EP_NAMES } from './runtime/placement.js';
export type { Placement, ProviderPlacement, PlacedNode } from './runtime/placement.js';
export { loadTokenizer, loadConfig, loadModelBytes, loadTransformers, configureTransformers } from './runtime/transformers.js';
export type { LoadOptions, LoadModelBytesOptions, ModelBytes, TransformersSettings, TransformersModule, PreTrainedTokenizer, PretrainedConfig } from './runtime/transformers.js';
export { resolveModelSource } from './runtime/model-source.js';
export type { ModelSource } from './runtime/model-source.js';
export { SequenceClassificationExplainer, PairwiseSequenceClassificationExplainer } from './explainers/sequence-classification.js';
export type { SequenceExplainOptions, PairwiseExplainOptions } from './explainers/sequence-classification.js';
export type { CommonExplainOptions, TextExplainerInit } from './explainers/text-model.js';
export { explainer } from './explainers/factory.js';
export type { ExplainerTask, ExplainerFns } from './explainers/factory.js';
export { LoadedModel } from './explainers/loaded-model.js';
export type { LoadModelOptions } from './explainers/loaded-model.js';
export { buildGradientGraph, UnsupportedOpError } from './autodiff/build.js';
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
export * from './attribution/index.js';
export * from './viz/index.js';
export { ImageClassificationExplainer } from './explainers/image-classification.js';
export type { ImageExplainOptions, ImageExplainerInit, ImageInput, PixelValuesInput } from './explainers/image-classification.js';
export { loadImagePreprocessor, readImage, rawImageToRgba } from './runtime/processor.js';
export type { ImageSource, ImagePreprocessor, PixelTensor, RawImageLike } from './runtime/processor.js';
export { loadAutoProcessor } from './runtime/transformers.js';
export { MultiLabelClassificationExplainer } from './explainers/multi-label-classification.js';
export type { MultiLabelExplainOptions } from './explainers/multi-label-classification.js';
export { ZeroShotClassificationExplainer, entailmentIndex } from './explainers/zero-shot-classification.js';
export type { ZeroShotExplainOptions } from './explainers/zero-shot-classification.js';
export { QuestionAnsweringExplainer } from './explainers/question-answering.js';
export type { QuestionAnsweringExplainOptions } from './explainers/question-answering.js';
export { TokenClassificationExplainer } from './explainers/token-classification.js';
export type { TokenClassificationExplainOptions } from './explainers/token-classification.js';
export type { EmbeddingType } from './explainers/text-model.js';
export type { MultiLabelClassificationExplainerFn, ZeroShotClassificationExplainerFn, QuestionAnsweringExplainerFn, TokenClassificationExplainerFn } from './explainers/factory.js';
export { pilResize, PilResample } from './runtime/pil-resize.js';
export type { PilResampleFilter, Uint8Image, ResizedUint8Image, PilResizeOptions } from './runtime/pil-resize.js';
export { pilPreprocessPlan, pilPreprocess } from './runtime/processor.js';
export type { ImageResize, PilPreprocessPlan } from './runtime/processor.js';
