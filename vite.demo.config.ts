// `npm run build` step 3: the demo as a static folder, dist/demo/ (index.html = the live demo,
// static-example.html = pre-computed results, no model download). Relative URLs (`base: './'`)
// so the folder works under any path; the fixture models are copied to dist/demo/fixtures/.
// Serve it with `npx vite preview --config vite.demo.config.ts` (COOP/COEP headers for wasm threads).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { demoFixtures } from './vite.fixtures.js';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: 'demo',
  base: './',
  appType: 'mpa',
  publicDir: false,
  plugins: [demoFixtures()],
  preview: { open: false, headers: isolation },
  build: {
    // GRADSCOPE_DEMO_OUT: the browser tests build into a temp folder.
    outDir: process.env.GRADSCOPE_DEMO_OUT ? resolve(process.env.GRADSCOPE_DEMO_OUT) : '../dist/demo',
    emptyOutDir: true,
    target: 'es2022',
    // The 27 MB ONNX Runtime wasm is one asset; no point warning about big chunks.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: { input: { demo: 'demo/index.html', 'static-example': 'demo/static-example.html' } },
  },
});
