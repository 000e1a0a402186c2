// Plugins of the single-file CDN build (`vite build --mode cdn`): the bundle must find ONNX
// Runtime's wasm next to itself, with no build step on the user's side.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';

/** The files the onnxruntime-web/webgpu build fetches from wasmPaths (see src/runtime/ort.ts). */
export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];

/** Copies ORT's wasm and its glue module into `outDir`. */
export function copyOrtFiles(repo: string, outDir: string): Plugin {
  return {
    name: 'gradscope-cdn-ort-files',
    apply: 'build',
    closeBundle() {
      mkdirSync(outDir, { recursive: true });
      const dist = resolve(repo, 'node_modules/onnxruntime-web/dist');
      for (const f of ORT_FILES) copyFileSync(join(dist, f), join(outDir, f));
    },
  };
}

/**
 * ORT's bundle names its wasm with `new URL('<file>.wasm', import.meta.url)`, which a library
 * build would inline as a 36 MB base64 string. The CDN entry sets wasmPaths, so that default is
 * never used: hide the expression from the asset plugin (same value at run time).
 */
export const keepOrtWasmExternal: Plugin = {
  name: 'gradscope-cdn-ort-wasm-url',
  enforce: 'pre',
  transform(code, id) {
    if (!/onnxruntime-web[\\/]dist[\\/].*\.mjs$/.test(id)) return null;
    const out = code.replace(/new URL\((["'][^"']+\.wasm["']),\s*import\.meta\.url\)/g, 'new URL($1, import.meta["url"])');
    return out === code ? null : { code: out, map: null };
  },
};
