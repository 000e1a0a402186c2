/**
 * Where is this code running? Tiny, dependency-free checks used by the runtime layer.
 *
 * @module
 */

/** True in Node.js (not in browsers, web workers or Deno's web runtime). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { release?: { name?: string }; versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' && proc.release?.name === 'node';
}

/** True in a browser window or web worker. */
export function isBrowser(): boolean {
  return !isNode() && typeof (globalThis as { navigator?: unknown }).navigator !== 'undefined';
}

/**
 * Import a Node-only module (e.g. `node:fs/promises`) without bundlers noticing.
 * Only call this in Node.
 */
export function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
