/**
 * Greedy decoding with the model's own key/value cache: the first run reads the prompt with
 * empty `past_key_values`, each later run one new token with the `present` tensors of the run
 * before. Exports without cache inputs re-read the whole sequence each step.
 *
 * @module
 */
import { throwIfAborted } from '../../../errors.js';
import type { Session, Tensor } from '../../../runtime/session.js';
import { argmax } from '../../core/math.js';
import { lmFeeds, type KvLayout } from './lm-feeds.js';

/** Outcome of {@link greedyGenerate}. */
export interface Generated {
  ids: number[];
  /** Forward runs made. */
  runs: number;
}

/**
 * Generates up to `maxNewTokens` tokens greedily, stopping after an end-of-sequence id.
 *
 * @example
 * const { ids } = await greedyGenerate(forward, layout, promptIds, 5, [eosId]);
 */
export async function greedyGenerate(
  s: Session,
  layout: KvLayout,
  promptIds: readonly number[],
  maxNewTokens: number,
  eos: ReadonlySet<number>,
  signal?: AbortSignal,
): Promise<Generated> {
  const cached = layout.pairs.length > 0 && layout.pairs.every((p) => s.outputNames.includes(p.output));
  const ids: number[] = [];
  let cache: Record<string, Tensor> | undefined;
  let runs = 0;
  while (ids.length < maxNewTokens) {
    throwIfAborted(signal);
    const all = [...promptIds, ...ids];
    const fresh = cached && cache ? all.slice(-1) : all;
    const past = all.length - fresh.length;
    const out = await s.run(lmFeeds(s, layout, fresh, 1, past, cache), undefined, signal ? { signal } : {});
    runs++;
    const logits = out.logits ?? out[s.outputNames[0]];
    const V = logits.dims[logits.dims.length - 1];
    const data = (await logits.getData()) as Float32Array;
    const next = argmax(data.subarray(data.length - V));
    ids.push(next);
    if (cached) cache = Object.fromEntries(layout.pairs.map((p) => [p.output, out[p.output]]));
    if (eos.has(next)) break;
  }
  return { ids, runs };
}
