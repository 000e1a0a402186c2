import { describe, expect, it } from 'vitest';
import { AbortError, InputError } from '../../src/errors.js';
import { chunkSizeForBudget, splitIntoChunks } from '../../src/attribution/chunks.js';
import { convergenceDelta } from '../../src/attribution/delta.js';
import {
  abortError,
  sumRowsByTarget,
  integratedGradients,
  type IgChunk,
  type IgChunkOutput,
  type IgEvaluator,
} from '../../src/attribution/ig.js';
import { quadrature } from '../../src/attribution/quadrature.js';

describe('splitIntoChunks (captum _batch_attribution, one example)', () => {
  it('splits 50 steps into chunks of 7 like the internal_batch_size_7 reference', () => {
    const chunks = splitIntoChunks(50, 7);
    expect(chunks).toHaveLength(8);
    expect(chunks[0]).toEqual({ start: 0, end: 7 });
    expect(chunks[7]).toEqual({ start: 49, end: 50 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].start).toBe(chunks[i - 1].end);
  });

  it('no batch size, or a big one, is one chunk; batch size 1 is one per step', () => {
    expect(splitIntoChunks(50)).toEqual([{ start: 0, end: 50 }]);
    expect(splitIntoChunks(50, null)).toEqual([{ start: 0, end: 50 }]);
    expect(splitIntoChunks(50, 500)).toEqual([{ start: 0, end: 50 }]);
    expect(splitIntoChunks(3, 1)).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 3 },
    ]);
    expect(splitIntoChunks(0, 4)).toEqual([]);
  });

  it('divides by the examples per step, at least one step per chunk (captum max(1, ibs // n))', () => {
    expect(splitIntoChunks(10, 7, 3)).toHaveLength(5); // 2 steps per chunk
    expect(splitIntoChunks(10, 2, 3)).toHaveLength(10); // 1 step per chunk
  });

  it('rejects non-positive batch sizes like captum', () => {
    expect(() => splitIntoChunks(10, 0)).toThrow(InputError);
    expect(() => splitIntoChunks(10, 2.5)).toThrow(InputError);
    expect(() => splitIntoChunks(-1, 2)).toThrow(InputError);
  });
});

describe('chunkSizeForBudget', () => {
  it('fits the budget, clamped to [minRows, maxRows]', () => {
    expect(chunkSizeForBudget({ budgetBytes: 256 * 2 ** 20, bytesPerRow: 9 * 2 ** 20, maxRows: 50 })).toBe(28);
    expect(chunkSizeForBudget({ budgetBytes: 1e12, bytesPerRow: 10, maxRows: 50 })).toBe(50);
    expect(chunkSizeForBudget({ budgetBytes: 1, bytesPerRow: 10 })).toBe(1);
    expect(chunkSizeForBudget({ budgetBytes: 100, bytesPerRow: 10, minRows: 4, maxRows: 8 })).toBe(8);
    expect(() => chunkSizeForBudget({ budgetBytes: 100, bytesPerRow: 0 })).toThrow(InputError);
    expect(() => chunkSizeForBudget({ budgetBytes: 100, bytesPerRow: 1, minRows: 5, maxRows: 2 })).toThrow(InputError);
  });
});

/**
 * Synthetic integrand: F_t(x) = c_t * sum(x^3) on a vector, gradient 3 c_t x^2, straight path
 * from `base` to `x`. Returns the weighted gradient times (x - x'), summed over the chunk's rows
 * per target, like the real gradient graph does.
 */
function cubicEvaluator(x: number[], base: number[], coef: number[] = [1]): IgEvaluator & { calls: IgChunk[] } {
  const calls: IgChunk[] = [];
  const fn = (chunk: IgChunk): IgChunkOutput => {
    calls.push(chunk);
    const size = x.length;
    const part = new Float64Array(chunk.targets.length * size);
    const rowScalars = new Float32Array(chunk.rows.length);
    chunk.rows.forEach((row, r) => {
      const k = chunk.targets.indexOf(row.target);
      const c = coef[row.target];
      let f = 0;
      for (let i = 0; i < size; i++) {
        const p = base[i] + row.alpha * (x[i] - base[i]);
        part[k * size + i] += row.weight * 3 * c * p * p * (x[i] - base[i]);
        f += c * p ** 3;
      }
      rowScalars[r] = f;
    });
    return { rowScalars, attributionPart: part };
  };
  return Object.assign(fn, { calls });
}

const cube = (v: number[]): number => v.reduce((s, a) => s + a ** 3, 0);

describe('integratedGradients driver', () => {
  const x = [1, -2, 0.5, 3];
  const base = [0.2, 0.1, -0.4, 0];

  it('completeness: attributions add up to F(x) - F(x\') (Gauss-Legendre is exact for cubics)', async () => {
    const res = await integratedGradients(cubicEvaluator(x, base), { size: x.length, nSteps: 5 });
    const total = res.attributions[0].reduce((a, b) => a + b, 0);
    // The integrand along the path is a degree-2 polynomial in alpha: 2-point GL is already exact.
    expect(Math.abs(total - (cube(x) - cube(base)))).toBeLessThan(1e-12);
    // Per coordinate too: ∫ 3 p_i(a)^2 (x_i - x'_i) da = x_i^3 - x'_i^3.
    res.attributions[0].forEach((v, i) => expect(v).toBeCloseTo(x[i] ** 3 - base[i] ** 3, 12));
    expect(res.stepScalars[0]).toHaveLength(5);
    expect(res.chunkCount).toBe(1);
  });

  it('the delta falls as n grows for a non-polynomial integrand (riemann and Gauss-Legendre)', async () => {
    // F(x) = sum(exp(x)): not a polynomial, so every rule has an error that shrinks with n.
    const expEval: IgEvaluator = ({ rows, targets }) => {
      const part = new Float64Array(targets.length * x.length);
      const rowScalars = rows.map(({ alpha, weight }) => {
        let f = 0;
        x.forEach((xi, i) => {
          const p = base[i] + alpha * (xi - base[i]);
          part[i] += weight * Math.exp(p) * (xi - base[i]);
          f += Math.exp(p);
        });
        return f;
      });
      return { rowScalars, attributionPart: part };
    };
    const fx = x.reduce((s, v) => s + Math.exp(v), 0);
    const fb = base.reduce((s, v) => s + Math.exp(v), 0);
    for (const method of ['gausslegendre', 'riemann_middle', 'riemann_right'] as const) {
      const deltas: number[] = [];
      for (const nSteps of [2, 4, 8, 16]) {
        const res = await integratedGradients(expEval, { size: x.length, nSteps, method });
        deltas.push(Math.abs(convergenceDelta(res.attributions[0], fx, fb)));
      }
      for (let i = 1; i < deltas.length; i++) expect(deltas[i], method).toBeLessThan(deltas[i - 1]);
    }
  });

  it('internalBatchSize does not change the result (float64 accumulation)', async () => {
    const whole = await integratedGradients(cubicEvaluator(x, base), { size: x.length, nSteps: 50 });
    for (const ibs of [1, 7, 49, 50, 64]) {
      const ev = cubicEvaluator(x, base);
      const res = await integratedGradients(ev, { size: x.length, nSteps: 50, internalBatchSize: ibs });
      expect(ev.calls).toHaveLength(Math.ceil(50 / ibs));
      for (let i = 0; i < x.length; i++) {
        // Only the order of additions differs: a few ulps.
        expect(Math.abs(res.attributions[0][i] - whole.attributions[0][i])).toBeLessThan(1e-14);
      }
      expect([...res.stepScalars[0]]).toEqual([...whole.stepScalars[0]]);
    }
  });

  it('hands every chunk the rule\'s alphas and weights in order', async () => {
    const ev = cubicEvaluator(x, base);
    await integratedGradients(ev, { size: x.length, nSteps: 20, internalBatchSize: 6 });
    const rule = quadrature('gausslegendre', 20);
    const alphas = ev.calls.flatMap((c) => [...c.alphas]);
    const weights = ev.calls.flatMap((c) => [...c.weights]);
    expect(alphas).toEqual([...rule.alphas]);
    expect(weights).toEqual([...rule.stepSizes]);
    expect(ev.calls.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(ev.calls[1].rows[0]).toEqual({ target: 0, step: 6, alpha: rule.alphas[6], weight: rule.stepSizes[6] });
  });

  it('several targets share batches; each target gets its own integral', async () => {
    const coef = [1, -2, 0.5];
    const ev = cubicEvaluator(x, base, coef);
    const res = await integratedGradients(ev, { size: x.length, nSteps: 4, numTargets: 3, internalBatchSize: 5 });
    // 12 rows in chunks of 5: the chunks mix targets.
    expect(ev.calls.map((c) => c.targets)).toEqual([[0, 1], [1, 2], [2]]);
    expect([...ev.calls[0].rowTargets]).toEqual([0, 0, 0, 0, 1]);
    for (let t = 0; t < 3; t++) {
      const total = res.attributions[t].reduce((a, b) => a + b, 0);
      expect(Math.abs(total - coef[t] * (cube(x) - cube(base)))).toBeLessThan(1e-12);
      expect(res.stepScalars[t]).toHaveLength(4);
    }
  });

  it('reports progress in rows, starting at 0', async () => {
    const seen: [number, number][] = [];
    await integratedGradients(cubicEvaluator(x, base), {
      size: x.length,
      nSteps: 10,
      internalBatchSize: 4,
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(seen).toEqual([
      [0, 10],
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
  });

  it('aborting rejects with an AbortError between chunks and stops calling the evaluator', async () => {
    const controller = new AbortController();
    const inner = cubicEvaluator(x, base);
    let calls = 0;
    const ev: IgEvaluator = async (chunk) => {
      calls++;
      if (calls === 2) controller.abort();
      await Promise.resolve();
      return inner(chunk);
    };
    const run = integratedGradients(ev, {
      size: x.length,
      nSteps: 50,
      internalBatchSize: 10,
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(2);
  });

  it('an already aborted signal rejects before any evaluation', async () => {
    const controller = new AbortController();
    controller.abort();
    const ev = cubicEvaluator(x, base);
    await expect(integratedGradients(ev, { size: 4, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(ev.calls).toHaveLength(0);
    // A custom reason is wrapped into an AbortError; an AbortError reason is kept.
    const c2 = new AbortController();
    c2.abort(new Error('user closed the tab'));
    expect(abortError(c2.signal).name).toBe('AbortError');
    expect(abortError(c2.signal)).toBeInstanceOf(AbortError);
    expect(abortError(c2.signal).cause).toBe(c2.signal.reason);
  });

  it('checks what the evaluator returns', async () => {
    const bad: IgEvaluator = ({ rows }) => ({ rowScalars: new Float32Array(rows.length), attributionPart: new Float64Array(3) });
    await expect(integratedGradients(bad, { size: 4, nSteps: 3 })).rejects.toThrow(/attribution values/);
    const bad2: IgEvaluator = () => ({ rowScalars: [], attributionPart: new Float64Array(4) });
    await expect(integratedGradients(bad2, { size: 4, nSteps: 3 })).rejects.toThrow(/row scalars/);
  });

  it('accepts a precomputed rule', async () => {
    const rule = quadrature('riemann_trapezoid', 10);
    const res = await integratedGradients(cubicEvaluator(x, base), { size: x.length, rule });
    expect(res.alphas).toBe(rule.alphas);
    await expect(integratedGradients(cubicEvaluator(x, base), { size: 4, rule, nSteps: 7 })).rejects.toThrow(InputError);
  });
});

describe('sumRowsByTarget', () => {
  it('adds each row block into its target block, in chunk.targets order', () => {
    const chunk = { rows: [{}, {}, {}] as never[], rowTargets: Int32Array.from([2, 2, 5]), targets: [2, 5] };
    const part = sumRowsByTarget(chunk, [1, 2, 10, 20, 100, 200], 2);
    expect(Array.from(part)).toEqual([11, 22, 100, 200]);
  });
});
