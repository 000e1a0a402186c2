/**
 * Pure parts of integrated gradients: integration rules, chunking, the driver, normalisation
 * and the convergence delta.
 *
 * @module
 */
export * from './quadrature.js';
export * from './chunks.js';
export * from './delta.js';
export * from './normalize.js';
export * from './ig.js';
export * from './noise-tunnel.js';
export * from './auto-steps.js';
