// One Vite configuration, three jobs (and the Vitest settings):
// - `vite` (npm run demo, and the browser tests' server): serves the whole repository
//   (root = repo root) so the demo is at /demo/ (`/` redirects there) and test pages under
//   /test/browser/pages/ can import /src/... and fetch /test/fixtures/...; `appType: 'mpa'`
//   makes missing files real 404s, which the model loaders rely on to report a missing folder.
// - `vite build --mode cdn`: one ES module for <script type="module" src=".../gradscope.js">,
//   dist/cdn/gradscope.js, with ONNX Runtime's wasm and glue copied beside it.
// - `vite build --mode demo`: the demo and the static example as a static folder, dist/demo/,
//   with relative URLs (works under any path) and the fixture models copied in.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { copyOrtFiles, keepOrtWasmExternal } from './demo/build/cdn-plugins.js';
import { demoFixtures } from './demo/build/fixtures-plugin.js';

const REPO = dirname(fileURLToPath(import.meta.url));

// Cross-origin isolation lets onnxruntime-web use wasm threads (SharedArrayBuffer).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const demoAtRoot: Plugin = {
  name: 'gradscope-demo-at-root',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url === '/' || req.url === '/index.html') {
        res.statusCode = 302;
        res.setHeader('Location', '/demo/');
        res.end();
        return;
      }
      next();
    });
  },
};

function serveConfig(): UserConfig {
  return {
    root: REPO,
    appType: 'mpa',
    plugins: [demoAtRoot, demoFixtures()],
    server: { open: false, headers: isolation },
    // onnxruntime-web is not pre-bundled: its bundle finds its .wasm next to itself via
    // import.meta.url, and transformers.js (which is pre-bundled) then imports the very same
    // file, so there is one ORT module (one env) in the page.
    optimizeDeps: {
      exclude: ['onnxruntime-web'],
      // The explain worker's imports too: found late, they would make vite reload the page.
      entries: ['demo/index.html', 'test/browser/pages/*.html', 'bench/page/*.html', 'src/worker/explain.worker.ts'],
    },
  };
}

function cdnConfig(): UserConfig {
  // GRADSCOPE_CDN_OUT: the browser tests build into a temp folder.
  const outDir = resolve(REPO, process.env.GRADSCOPE_CDN_OUT ?? 'dist/cdn');
  return {
    root: REPO,
    // Relative: the worker's URL is resolved against gradscope.js itself, wherever it is hosted.
    base: './',
    publicDir: false,
    plugins: [keepOrtWasmExternal, copyOrtFiles(REPO, outDir)],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      chunkSizeWarningLimit: 4096,
      lib: { entry: resolve(REPO, 'components/cdn.ts'), formats: ['es'], fileName: () => 'gradscope.js' },
      // One file: the lazily imported explainers, ORT and transformers.js go into it too. Library
      // mode keeps ES output's whitespace (for consumers' tree-shaking); this file is served as
      // is, so minify it fully.
      rolldownOptions: { output: { codeSplitting: false, minify: true } },
    },
    // The explain worker (src/worker/explain.worker.ts) is its own bundle, emitted next to
    // gradscope.js as explain.worker.js (the page finds it through import.meta.url). It holds ORT
    // and transformers.js too, and finds the wasm from the wasmPaths the page sends it.
    worker: {
      format: 'es',
      plugins: () => [keepOrtWasmExternal],
      rolldownOptions: { output: { entryFileNames: '[name].js', codeSplitting: false, minify: true } },
    },
  };
}

function demoConfig(): UserConfig {
  return {
    root: resolve(REPO, 'demo'),
    base: './',
    appType: 'mpa',
    publicDir: false,
    plugins: [demoFixtures()],
    preview: { open: false, headers: isolation },
    build: {
      // GRADSCOPE_DEMO_OUT: the browser tests build into a temp folder.
      outDir: resolve(REPO, process.env.GRADSCOPE_DEMO_OUT ?? 'dist/demo'),
      emptyOutDir: true,
      target: 'es2022',
      // The 27 MB ONNX Runtime wasm is one asset; no point warning about big chunks.
      chunkSizeWarningLimit: 4096,
      rolldownOptions: { input: { demo: resolve(REPO, 'demo/index.html'), 'static-example': resolve(REPO, 'demo/static-example.html') } },
    },
  };
}

export default defineConfig(({ mode }) => {
  const config = mode === 'cdn' ? cdnConfig() : mode === 'demo' ? demoConfig() : serveConfig();
  return {
    ...config,
    // Vitest (Node unit tests): model sessions are heavy on a 2-core machine, so files run one
    // after another.
    test: {
      include: ['test/unit/**/*.test.ts'],
      environment: 'node',
      testTimeout: 120_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  } as UserConfig;
});
