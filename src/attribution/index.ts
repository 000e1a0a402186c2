/**
 * Pure parts of integrated gradients: integration rules, chunking, the driver, normalisation
 * and the convergence delta; the other gradient methods' plans and the faithfulness math.
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
export * from './gradient-methods.js';
export * from './faithfulness.js';
