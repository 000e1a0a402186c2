/**
 * nSteps 'auto' (issue 9): the pure schedule logic on synthetic integrands, and the sequence
 * explainer on the fixture models, where 'auto' must land within 1e-3 of the 50-step answer.
 * The evaluations each fixture needs are printed (they go into the README's performance notes).
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { autoSteps, DEFAULT_AUTO_STEPS, maxAbsChange } from '../../src/attribution/auto-steps.js';
import { quadrature } from '../../src/attribution/quadrature.js';
import { SequenceClassificationExplainer } from '../../src/explainers/sequence-classification.js';
import { InputError } from '../../src/errors.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

/** Gauss-Legendre integral over [0, 1] of each of `fs`. */
function integrate(fs: ((a: number) => number)[], n: number): Float64Array {
  const { alphas, stepSizes } = quadrature('gausslegendre', n);
  return Float64Array.from(fs.map((f) => alphas.reduce((s, a, k) => s + stepSizes[k] * f(a), 0)));
}

describe('autoSteps (pure)', () => {
  test('a smooth integrand stops at the second count and is accurate', async () => {
    const fs = [(a: number) => Math.exp(a), (a: number) => Math.sin(a)];
    const r = await autoSteps((n) => ({ values: integrate(fs, n), result: integrate(fs, n) }), { tolerance: 1e-5 });
    expect(r.converged).toBe(true);
    expect(r.nSteps).toBe(DEFAULT_AUTO_STEPS[1]);
    expect(r.evaluations).toBe(DEFAULT_AUTO_STEPS[0] + DEFAULT_AUTO_STEPS[1]);
    expect(Math.abs(r.result[0] - (Math.E - 1))).toBeLessThan(1e-9);
    expect(r.history).toHaveLength(2);
  });

  test('a kinked integrand needs more counts; a schedule that runs out says so', async () => {
    const fs = [(a: number) => Math.abs(a - 0.37)];
    const r = await autoSteps((n) => ({ values: integrate(fs, n), result: n }), { tolerance: 1e-4 });
    expect(r.converged).toBe(true);
    expect(r.nSteps).toBeGreaterThan(DEFAULT_AUTO_STEPS[1]);
    const short = await autoSteps((n) => ({ values: integrate(fs, n), result: n }), { tolerance: 1e-12, schedule: [2, 3] });
    expect(short.converged).toBe(false);
    expect(short.result).toBe(3);
    expect(short.evaluations).toBe(5);
  });

  test('bad options and abort', async () => {
    const ev = (n: number) => ({ values: [n], result: n });
    await expect(autoSteps(ev, { tolerance: 0 })).rejects.toThrow(RangeError);
    await expect(autoSteps(ev, { schedule: [4] })).rejects.toThrow(RangeError);
    await expect(autoSteps(ev, { schedule: [4, 4] })).rejects.toThrow(RangeError);
    const ac = new AbortController();
    ac.abort();
    await expect(autoSteps(ev, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(maxAbsChange([1, 2], [1, 2.5])).toBe(0.5);
    expect(maxAbsChange([1], [1, 2])).toBe(Infinity);
    expect(maxAbsChange([NaN], [1])).toBe(Infinity);
  });
});

const TEXTS = ['I love you, I like you', 'This movie was terrible and boring, I want my money back.'];
const MODELS = ['bert-3class', 'distilroberta-emotion', 'bert-nli', 'minilm-cross-encoder', 'distilbert-sst2'];

describe("SequenceClassificationExplainer nSteps: 'auto'", () => {
  test.each(MODELS)('%s: within 1e-3 of the 50-step answer', async (model) => {
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, model), { device: 'cpu', localOnly: true });
    for (const text of TEXTS) {
      const ref = await ex.explain(text, { nSteps: 50 });
      const auto = await ex.explain(text, { nSteps: 'auto', tolerance: 1e-3 });
      const info = auto.autoSteps;
      expect(info?.converged).toBe(true);
      const err = maxAbsChange(
        auto.wordAttributions.map((w) => w[1]),
        ref.wordAttributions.map((w) => w[1]),
      );
      console.log(`auto-steps ${model} "${text.slice(0, 16)}...": ${info?.evaluations} evaluations (accepted ${info?.nSteps} nodes), max abs diff to 50 steps ${err.toExponential(1)}`);
      expect(err).toBeLessThanOrEqual(1e-3);
      expect(auto.tokens).toEqual(ref.tokens);
    }
  });

  test("other explainers and bad tolerances are rejected", async () => {
    const ex = await SequenceClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'bert-3class'), { device: 'cpu', localOnly: true });
    await expect(ex.explain('hello', { nSteps: 'auto', tolerance: -1 })).rejects.toThrow(InputError);
    const { TokenClassificationExplainer } = await import('../../src/explainers/token-classification.js');
    const tok = await TokenClassificationExplainer.fromPretrained(path.join(MODELS_DIR, 'bert-ner'), { device: 'cpu', localOnly: true });
    await expect(tok.explain('Paris is nice', { nSteps: 'auto' })).rejects.toThrow(InputError);
  });
});
