// How the demo reaches the bundled fixture models: it always reads them relative to itself,
// from `./fixtures/models/<name>/` and `./fixtures/test.png`.
// - `vite` (dev, root = repo root, demo at /demo/): this plugin answers /demo/fixtures/... from
//   test/fixtures/ (nothing is copied, edits show up at once);
// - `vite build` (dist/demo): it copies the same files into <outDir>/fixtures/.
// So the demo code has one path, and the built folder is self-contained (offline).
import { cpSync, createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** URL path under the demo -> file or folder in the repository. */
export const DEMO_FIXTURES: Readonly<Record<string, string>> = {
  'fixtures/models': 'test/fixtures/models',
  'fixtures/test.png': 'test/fixtures/reference/test.png',
};

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.model': 'application/octet-stream',
};

/** Maps `/demo/fixtures/...` to a file of the repository, or undefined (not ours / escapes the folder). */
function fixtureFile(urlPath: string): string | undefined {
  if (!urlPath.startsWith('/demo/')) return undefined;
  const rel = decodeURIComponent(urlPath.slice('/demo/'.length));
  for (const [prefix, target] of Object.entries(DEMO_FIXTURES)) {
    if (rel !== prefix && !rel.startsWith(`${prefix}/`)) continue;
    const base = resolve(REPO, target);
    const file = normalize(join(base, rel.slice(prefix.length)));
    if (file !== base && !file.startsWith(base + sep)) return undefined;
    return file;
  }
  return undefined;
}

/** Serves (dev) or copies (build, into `outDir/fixtures`) the demo's fixture models. */
export function demoFixtures(): Plugin {
  let outDir = '';
  let building = false;
  return {
    name: 'gradscope-demo-fixtures',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      building = config.command === 'build';
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = fixtureFile((req.url ?? '').split('?')[0] ?? '');
        if (!file) return next();
        if (!existsSync(file) || !statSync(file).isFile()) {
          res.statusCode = 404;
          res.end('not found');
          return;
        }
        res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      // The dev server calls closeBundle too, on shutdown.
      if (!building || !outDir) return;
      for (const [prefix, target] of Object.entries(DEMO_FIXTURES)) {
        const to = join(outDir, prefix);
        mkdirSync(dirname(to), { recursive: true });
        cpSync(resolve(REPO, target), to, { recursive: true, filter: (src) => !src.endsWith('summary.json') });
      }
    },
  };
}
