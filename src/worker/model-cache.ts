/**
 * Model files from the Hugging Face Hub kept in Cache Storage, under the cache transformers.js
 * uses for the same files (`transformers-cache`, its `env.useBrowserCache`), keyed by URL: a
 * second visit reads config, tokenizer and ONNX files from there instead of the network.
 *
 * Files of the page's own model folders are left to the browser's HTTP cache (which revalidates
 * them), as transformers.js does for local models: a folder edited during development must not
 * be served stale.
 *
 * @module
 */
import { clearGraphCache } from '../runtime/graph-cache.js';

/** The Cache Storage name (shared with transformers.js). */
export const MODEL_CACHE = 'transformers-cache';

/** Hub file URLs (`<host>/<org>/<name>/resolve/<revision>/<file>`) are cached. */
export function isCacheableModelUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) && /\/resolve\/[^/]+\/.+/.test(u.pathname) && u.origin !== (globalThis as { location?: { origin: string } }).location?.origin;
  } catch {
    return false;
  }
}

function urlOf(input: RequestInfo | URL): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/**
 * Installs a cache-first `fetch` for Hub model files (once per worker). Where Cache Storage is
 * missing or refuses (storage full, private mode), requests go to the network unchanged.
 */
export function cacheModelDownloads(): void {
  const original = globalThis.fetch;
  if (typeof caches === 'undefined') return;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (method !== 'GET' || !isCacheableModelUrl(url)) return original(input, init);
    let cache: Cache | undefined;
    try {
      cache = await caches.open(MODEL_CACHE);
      const hit = await cache.match(url);
      if (hit) return hit;
    } catch {
      cache = undefined;
    }
    const response = await original(input, init);
    if (cache && response.ok) {
      // Stored while the caller reads its own copy; a failed put only costs the next visit.
      cache.put(url, response.clone()).catch(() => undefined);
    }
    return response;
  }) as typeof fetch;
}

/**
 * Deletes everything gradscope stored for second visits: the model files (the
 * `transformers-cache` Cache Storage, shared with transformers.js) and the built gradient
 * graphs (the `gradscope-graphs` IndexedDB database). Resolves with whether there was
 * anything to delete. Explainers already loaded keep working; the next load downloads the
 * files and builds the graphs again.
 *
 * @example
 * import { clearModelCache } from 'gradscope';
 * document.querySelector('#forget')?.addEventListener('click', async () => {
 *   const had = await clearModelCache();
 *   console.log(had ? 'stored models and graphs deleted' : 'nothing was stored');
 * });
 */
export async function clearModelCache(): Promise<boolean> {
  const files = typeof caches === 'undefined' ? false : await caches.delete(MODEL_CACHE).catch(() => false);
  const graphs = await clearGraphCache();
  return files || graphs;
}
