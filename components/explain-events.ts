/**
 * The events of `<gradscope-explain>` and what its progress line says: the element's public
 * contract, apart from the element itself.
 */
import type { ResolvedDevice } from '../src/runtime/ort.js';
import type { ExplanationResult } from '../src/types.js';
import type { RuntimeProgress, RuntimeStage } from '../src/worker/client.js';

/** What the element is doing. */
export type ExplainStatus = 'idle' | 'loading' | 'ready' | 'running' | 'done' | 'error';

/** Detail of `gradscope-progress`. */
export interface ExplainProgressDetail {
  /** `load`: downloading / loading the model; `explain`: an explanation (graphs, sessions, steps). */
  stage: 'load' | 'explain';
  /**
   * What is happening: `download` (bytes of `file`), `build` (gradient graphs), `session`
   * (onnxruntime sessions), `explain` (path points, chunk by chunk).
   */
  step: RuntimeStage;
  /** `download`: the file being downloaded (URL path). */
  file?: string;
  /** Units done: bytes (`download`), sessions (`session`), rows / path points (`explain`). */
  done?: number;
  /** Units in all (bytes, sessions, rows); absent when unknown. */
  total?: number;
  /** 0..1, or null when unknown. */
  fraction: number | null;
}

/** Detail of `gradscope-result`. */
export interface ExplainResultDetail {
  result: ExplanationResult;
  /** Wall-clock milliseconds of the explanation (model loading excluded). */
  ms: number;
  /** The backend it ran on. */
  device: ResolvedDevice;
  task: string;
  model: string;
}

/** Detail of `gradscope-intermediate`: a result shown while a better one is coming. */
export interface ExplainIntermediateDetail {
  result: ExplanationResult;
  stage: 'gradient-x-input' | 'integrated-gradients';
  /** For integrated-gradients stages: the node count just integrated. */
  nSteps?: number;
}

/** Detail of `gradscope-error`. */
export interface ExplainErrorDetail {
  error: unknown;
  /** The message shown to the user. */
  message: string;
  /** The `GradscopeError` code, or `'unexpected'` for any other error. */
  code: string;
  /** Where it failed. */
  stage: 'load' | 'explain';
}

/** Progress of a load as the element reports it (from the worker's or the in-process loader's). */
export function loadProgress(p: RuntimeProgress): ExplainProgressDetail {
  const d: ExplainProgressDetail = { stage: 'load', step: p.stage, fraction: p.fraction };
  if (p.file !== undefined) d.file = p.file;
  if (p.loaded !== undefined) d.done = p.loaded;
  if (typeof p.bytes === 'number') d.total = p.bytes;
  return d;
}

export function runProgress(p: RuntimeProgress): ExplainProgressDetail {
  const d: ExplainProgressDetail = { stage: 'explain', step: p.stage, fraction: p.fraction };
  if (p.done !== undefined) d.done = p.done;
  if (p.total !== undefined) d.total = p.total;
  return d;
}

const percent = (f: number | null): string => (f === null ? '' : ` ${Math.floor(f * 100)}%`);

/** The stage and percentage the element shows (plain text; Lit escapes it). */
export function progressText(p: ExplainProgressDetail): string {
  switch (p.step) {
    case 'download': {
      const file = p.file ? p.file.slice(p.file.lastIndexOf('/') + 1) : '';
      if (!file) return 'Loading the model…';
      return p.fraction !== null ? `Downloading ${file}:${percent(p.fraction)}` : `Downloading ${file}: ${Math.round((p.done ?? 0) / 1024)} kB`;
    }
    case 'build':
      return 'Building the gradient graphs…';
    case 'session':
      return `Creating sessions${p.total ? ` (${p.done ?? 0} / ${p.total})` : '…'}`;
    case 'explain':
      return p.total ? `Integrating: ${p.done ?? 0} / ${p.total} path points,${percent(p.fraction)}` : 'Integrating…';
  }
}

