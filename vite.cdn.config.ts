// `npm run build` step 2: one ES module for <script type="module" src=".../gradscope.js">, with
// no build step on the user's side: dist/cdn/gradscope.js (+ ONNX Runtime's wasm and its glue
// .mjs copied beside it; cdn/gradscope.ts points ORT's wasmPaths at the bundle's own folder).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const REPO = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(REPO, process.env.GRADSCOPE_CDN_OUT ?? 'dist/cdn');
/** The files the onnxruntime-web/webgpu build fetches from wasmPaths (see src/runtime/ort.ts). */
export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];

const copyOrtFiles: Plugin = {
  name: 'gradscope-cdn-ort-files',
  apply: 'build',
  closeBundle() {
    mkdirSync(OUT, { recursive: true });
    const dist = resolve(REPO, 'node_modules/onnxruntime-web/dist');
    for (const f of ORT_FILES) copyFileSync(join(dist, f), join(OUT, f));
  },
};

// ORT's bundle names its wasm with `new URL('<file>.wasm', import.meta.url)`, which a library
// build would inline as a 36 MB base64 string. The CDN entry sets wasmPaths, so that default
// is never used: hide the expression from the asset plugin (same value at run time).
const keepOrtWasmExternal: Plugin = {
  name: 'gradscope-cdn-ort-wasm-url',
  enforce: 'pre',
  transform(code, id) {
    if (!/onnxruntime-web[\\/]dist[\\/].*\.mjs$/.test(id)) return null;
    const out = code.replace(/new URL\((["'][^"']+\.wasm["']),\s*import\.meta\.url\)/g, 'new URL($1, import.meta["url"])');
    return out === code ? null : { code: out, map: null };
  },
};

export default defineConfig({
  root: REPO,
  publicDir: false,
  plugins: [keepOrtWasmExternal, copyOrtFiles],
  build: {
    outDir: OUT,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    lib: {
      entry: resolve(REPO, 'cdn/gradscope.ts'),
      formats: ['es'],
      fileName: () => 'gradscope.js',
    },
    rolldownOptions: {
      // One file: the lazily imported explainers, ORT and transformers.js go into it too.
      // Library mode keeps ES output's whitespace (for consumers' tree-shaking); this file is
      // served as is, so minify it fully.
      output: { codeSplitting: false, minify: true },
    },
  },
});
