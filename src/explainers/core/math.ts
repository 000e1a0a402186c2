/**
 * Small numeric helpers every explainer uses on model outputs.
 *
 * @module
 */
/** Softmax of one row (max-shifted). */
export function softmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  const out = new Float64Array(row.length);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += out[i] = Math.exp(row[i] - max);
  for (let i = 0; i < row.length; i++) out[i] /= sum;
  return out;
}

/** Index of the largest value (the first one on ties, like torch.argmax). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** Logistic sigmoid. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** One-hot float mask of length `n` with a 1 at `i` (a graph head's target selector). */
export function oneHot(n: number, i: number): Float32Array {
  const m = new Float32Array(n);
  m[i] = 1;
  return m;
}
