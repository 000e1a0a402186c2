/**
 * How a browser test page hands its API to Playwright.
 *
 * A page `test/browser/pages/<name>.html` loads `./<name>.ts`, which calls
 * `expose('<name>', api)`. The spec then calls `callPage(page, '<name>', 'method', ...args)`
 * (see ../helpers.ts). Arguments and results must be JSON-serialisable.
 */
export type PageApi = Record<string, (...args: never[]) => unknown>;

declare global {
  interface Window {
    __gradscopePages?: Record<string, PageApi>;
  }
}

export function expose<T extends PageApi>(name: string, api: T): void {
  window.__gradscopePages ??= {};
  window.__gradscopePages[name] = api;
}
