/**
 * Entry of gradscope's explain worker (a module Worker started by `./client.ts`). Bundlers see
 * it through `new Worker(new URL('./explain.worker.js', import.meta.url), { type: 'module' })`.
 *
 * @module
 */
import { serveExplainWorker, type WorkerScope } from './host.js';

serveExplainWorker(self as unknown as WorkerScope);
