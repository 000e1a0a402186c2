// Vite serves the whole repository (root = repo root), so that:
// - the demo is at /demo/ (and `/` redirects there): `npm run demo`;
// - browser test pages under /test/browser/pages/ can import /src/... and fetch /test/fixtures/...
// `appType: 'mpa'` makes missing files real 404s (no SPA fallback to index.html), which the
// model loaders rely on to report a missing model folder.
import { defineConfig, type Plugin } from 'vite';
import { demoFixtures } from './vite.fixtures.js';

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

export default defineConfig({
  root: '.',
  appType: 'mpa',
  // demoFixtures: the demo reads the bundled fixture models at /demo/fixtures/ (see vite.fixtures.ts).
  plugins: [demoAtRoot, demoFixtures()],
  server: { open: false, headers: isolation },
  preview: { open: false, headers: isolation },
  // onnxruntime-web is not pre-bundled: its bundle finds its .wasm next to itself via
  // import.meta.url, and transformers.js (which is pre-bundled) then imports the very same file,
  // so there is one ORT module (one env) in the page.
  optimizeDeps: {
    exclude: ['onnxruntime-web'],
    entries: ['demo/index.html', 'test/browser/pages/*.html'],
  },
  build: {
    // `dist/` holds the library's tsc output; the demo build goes elsewhere.
    outDir: 'demo/dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: { input: { demo: 'demo/index.html' } },
  },
});
