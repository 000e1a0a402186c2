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
