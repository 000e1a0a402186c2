/**
 * Entry of the single-file CDN bundle (`dist/cdn/gradscope.js`, built by `vite build --mode cdn`):
 * the library and the elements, registered on import.
 *
 * ```html
 * <script type="module" src="https://example.org/gradscope/gradscope.js"></script>
 * <gradscope-explain task="text-classification" model="Xenova/distilbert-base-uncased-finetuned-sst-2-english"></gradscope-explain>
 * ```
 *
 * ONNX Runtime's wasm binary and its glue module are copied next to the bundle. ORT is told to
 * fetch them from the bundle's own folder (never from a public CDN): the page then works
 * from any static host, offline included, as long as the three files stay together.
 *
 * @module
 */
import { configureExplainWorker } from '../src/worker/client.js';

// Before anything creates a session (wasmPaths is read at the first one). The explain worker
// (emitted next to this file) and the main-thread runtime both apply it; transformers.js
// resets wasmPaths to a public CDN when imported, and src/runtime/transformers.ts puts this
// value back right after.
configureExplainWorker({ wasmPaths: new URL(/* @vite-ignore */ './', import.meta.url).href });

export * from '../src/index.js';
export * from './index.js';
