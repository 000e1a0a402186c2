/**
 * Input checks of text-generation explanations, each a typed error that says what to do.
 *
 * @module
 */
import { InputError, ModelError } from '../../../errors.js';
import type { Graph } from '../../../onnx/ir.js';
import { MAX_NEW_TOKENS_CAP, type TextGenerationExplainOptions } from './types.js';

/** Rejects `maxNewTokens` outside 1..{@link MAX_NEW_TOKENS_CAP}. */
export function checkMaxNewTokens(n: unknown): void {
  if (n === undefined) return;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_NEW_TOKENS_CAP) {
    throw new InputError(`maxNewTokens must be an integer from 1 to ${MAX_NEW_TOKENS_CAP}, got ${String(n)}.`, { code: 'bad-max-new-tokens' });
  }
}

/** Rejects an empty or whitespace-only target. */
export function checkTarget(target: unknown): void {
  if (target === undefined) return;
  if (typeof target !== 'string' || target.length === 0) {
    throw new InputError('The target is empty. Pass the continuation to explain, or leave target out to generate one.', { code: 'empty-target' });
  }
}

/** Rejects a baseline that is not a token id of the vocabulary. */
export function checkBaseline(baseline: unknown, vocabSize: number): void {
  if (baseline === undefined) return;
  if (typeof baseline !== 'number' || !Number.isInteger(baseline) || baseline < 0 || baseline >= vocabSize) {
    throw new InputError(`baseline must be a token id from 0 to ${vocabSize - 1}, got ${String(baseline)}.`, { code: 'bad-baseline' });
  }
}

/** Rejects unknown compat modes. */
export function checkCompat(opts: TextGenerationExplainOptions): void {
  if (opts.compat !== undefined && opts.compat !== 'captum') {
    throw new InputError(`compat must be 'captum' for text generation, got ${JSON.stringify(opts.compat)}.`, { code: 'bad-compat' });
  }
}

/**
 * Throws `wrong-model-kind` unless the graph is a causal language model: `input_ids` in,
 * `logits` [batch, sequence, vocab] out, and an LM architecture or `present` key/value outputs.
 */
export function requireCausalLm(g: Graph, architectures: readonly string[]): void {
  const logits = g.outputs.find((o) => o.name === 'logits') ?? g.outputs[0];
  const lmArch = architectures.some((a) => /(ForCausalLM|LMHeadModel)$/.test(a));
  const hasPresent = g.outputs.some((o) => o.name.startsWith('present'));
  const ok = g.inputs.some((v) => v.name === 'input_ids') && logits?.shape?.length === 3 && (lmArch || hasPresent);
  if (!ok) {
    const arch = architectures.length > 0 ? architectures.join(', ') : 'unknown architecture';
    throw new ModelError(
      `This model (${arch}) is not a causal language model: text generation needs logits [batch, sequence, vocab] from a *ForCausalLM / *LMHeadModel export. Use the explainer that matches the model's task.`,
      { code: 'wrong-model-kind' },
    );
  }
}
