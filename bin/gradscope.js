#!/usr/bin/env node
// The published package runs the compiled CLI; a source checkout without a build runs the
// TypeScript through tsx (a devDependency), so `npx gradscope` works in both.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
let mod;
if (existsSync(fileURLToPath(compiled))) {
  mod = await import(compiled.href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  mod = await tsImport('../src/cli/main.ts', import.meta.url);
}
process.exitCode = await mod.main(process.argv.slice(2));
