#!/usr/bin/env node
// The published package runs the compiled CLI; a source checkout without a build runs the
// TypeScript through tsx (a devDependency), so `npx gradscope` works in both.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const debug = process.argv.includes('--debug');
// A rejection nobody awaited (a bug) would make Node print a stack trace: report it like every
// other error instead.
const fatal = (e) => {
  process.stderr.write(`gradscope: Unexpected failure: ${e instanceof Error ? e.message : String(e)}. This is a bug in gradscope: run again with --debug and report the output. [internal]\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
};
process.on('unhandledRejection', fatal);
process.on('uncaughtException', fatal);
try {
  const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
  let mod;
  if (existsSync(fileURLToPath(compiled))) {
    mod = await import(compiled.href);
  } else {
    const { tsImport } = await import('tsx/esm/api');
    mod = await tsImport('../src/cli/main.ts', import.meta.url);
  }
  process.exitCode = await mod.main(process.argv.slice(2));
} catch (e) {
  // main() reports its own errors; this catches a CLI that cannot even start (a broken
  // install, a missing build), printed like every other error: one line, no stack trace.
  process.stderr.write(`gradscope: the command line tool could not start (${e instanceof Error ? e.message : String(e)}). Reinstall gradscope. [internal]\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
