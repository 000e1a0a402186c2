/**
 * Pure text preparation shared by the text explainers.
 *
 * @module
 */
export * from './clean-text.js';
export * from './hypothesis.js';
export * from './inputs.js';
export * from './tokens.js';
export * from './tokenizer.js';
export * from './words.js';
export * from './word-spec.js';
