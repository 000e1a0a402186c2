/**
 * Download progress per file, for the worker: `fetch` is wrapped so that every response body
 * is counted as it streams in (the worker owns its global scope, so this sees transformers.js's
 * downloads and gradscope's own model fetches alike).
 *
 * @module
 */

/** Called as bytes of `file` arrive; `total` is null when the server sent no Content-Length. */
export type DownloadListener = (file: string, loaded: number, total: number | null) => void;

/** Reports at most this often per file (plus the last byte), to keep messages few. */
const MIN_INTERVAL_MS = 50;

function pathOf(input: RequestInfo | URL): string {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(href, (globalThis as { location?: { href: string } }).location?.href).pathname;
  } catch {
    return href;
  }
}

/**
 * Wraps `globalThis.fetch` once; `listener()` is asked per response for where to report.
 * Returns a function that restores the original fetch.
 */
export function trackDownloads(listener: () => DownloadListener | undefined): () => void {
  const original = globalThis.fetch;
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await original(input, init);
    const report = listener();
    if (!report || !response.body || !response.ok) return response;
    const file = pathOf(input);
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    let loaded = 0;
    let last = 0;
    report(file, 0, total);
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        const now = Date.now();
        if (now - last >= MIN_INTERVAL_MS) {
          last = now;
          report(file, loaded, total);
        }
        controller.enqueue(chunk);
      },
      flush() {
        report(file, loaded, total ?? loaded);
      },
    });
    const counted = new Response(response.body.pipeThrough(counter), { status: response.status, statusText: response.statusText, headers: response.headers });
    // Readers of the response (transformers.js) may look at where it came from.
    Object.defineProperties(counted, { url: { value: response.url }, redirected: { value: response.redirected } });
    return counted;
  };
  globalThis.fetch = wrapped as typeof fetch;
  return () => {
    if (globalThis.fetch === wrapped) globalThis.fetch = original;
  };
}
