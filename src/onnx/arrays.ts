/**
 * Flat row-major array helpers (broadcast, transpose, slice, gather, concat) and the small
 * integer helpers (Python modulo, axis normalisation) shared by shape inference, constant
 * folding and the backward rules. Pure functions, no graph knowledge.
 */
import { sizeOf } from './tensor.js';

/** Python-style modulo: the result has the divisor's sign (ONNX `Mod` with `fmod = 0`). */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Normalises a possibly negative axis against a rank (`-1` -> `rank - 1`). */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Row-major strides of a static shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const st = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) st[i] = st[i + 1] * dims[i + 1];
  return st;
}

/**
 * Elementwise map over flat row-major arrays with numpy broadcasting (static shapes). Shared by
 * value propagation in shape inference and by constant folding.
 *
 * @internal
 */
export function broadcastFlat<T, R>(vals: readonly (readonly T[])[], shapes: readonly (readonly number[])[], out: readonly number[], fn: (xs: T[]) => R): R[] {
  const n = sizeOf(out);
  const rank = out.length;
  const outSt = stridesOf(out);
  const inSt = shapes.map((s) => {
    const st = stridesOf(s);
    // Broadcast axes (size 1 or missing) get stride 0.
    return out.map((_, i) => {
      const j = i - (rank - s.length);
      return j < 0 || s[j] === 1 ? 0 : st[j];
    });
  });
  const res = new Array<R>(n);
  const xs = new Array<T>(vals.length);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < vals.length; k++) {
      let off = 0;
      let rem = f;
      for (let i = 0; i < rank; i++) {
        const q = Math.floor(rem / outSt[i]);
        rem -= q * outSt[i];
        off += q * inSt[k][i];
      }
      xs[k] = vals[k][off];
    }
    res[f] = fn(xs);
  }
  return res;
}

/** @internal Transpose of a flat row-major array. */
export function transposeFlat<T>(v: readonly T[], dims: readonly number[], perm: readonly number[]): T[] {
  const outDims = perm.map((p) => dims[p]);
  const inSt = stridesOf(dims);
  const outSt = stridesOf(outDims);
  const res = new Array<T>(v.length);
  for (let f = 0; f < v.length; f++) {
    let off = 0;
    let rem = f;
    for (let i = 0; i < outDims.length; i++) {
      const q = Math.floor(rem / outSt[i]);
      rem -= q * outSt[i];
      off += q * inSt[perm[i]];
    }
    res[f] = v[off];
  }
  return res;
}

/** @internal Indices along one axis selected by ONNX Slice semantics (clamped). */
export function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  const out: number[] = [];
  if (step === 0) return out;
  if (step > 0) {
    const b = Math.min(Math.max(start < 0 ? start + dim : start, 0), dim);
    const e = Math.min(Math.max(end < 0 ? end + dim : end, 0), dim);
    for (let i = b; i < e; i += step) out.push(i);
  } else {
    const b = Math.min(Math.max(start < 0 ? start + dim : start, -1), dim - 1);
    const e = Math.min(Math.max(end < 0 ? end + dim : end, -1), dim - 1);
    for (let i = b; i > e; i += step) out.push(i);
  }
  return out;
}

/**
 * @internal Takes, along each axis, the listed indices (undefined: all) from a flat array:
 * the common core of Slice, Gather (with flat indices) and Split.
 */
export function takeFlat<T>(v: readonly T[], dims: readonly number[], picks: readonly (readonly number[] | undefined)[]): { values: T[]; dims: number[] } {
  const sel = dims.map((d, i) => picks[i] ?? Array.from({ length: d }, (_, j) => j));
  const outDims = sel.map((s) => s.length);
  const inSt = stridesOf(dims);
  const outSt = stridesOf(outDims);
  const n = sizeOf(outDims);
  const res = new Array<T>(n);
  for (let f = 0; f < n; f++) {
    let off = 0;
    let rem = f;
    for (let i = 0; i < outDims.length; i++) {
      const q = Math.floor(rem / outSt[i]);
      rem -= q * outSt[i];
      off += sel[i][q] * inSt[i];
    }
    res[f] = v[off];
  }
  return { values: res, dims: outDims };
}

/** @internal Concatenation of flat arrays along an axis. */
export function concatFlat<T>(vs: readonly (readonly T[])[], dimsList: readonly (readonly number[])[], axis: number): T[] {
  const outer = sizeOf(dimsList[0].slice(0, axis));
  const res: T[] = [];
  for (let o = 0; o < outer; o++) {
    vs.forEach((v, k) => {
      const chunk = sizeOf(dimsList[k].slice(axis));
      for (let i = 0; i < chunk; i++) res.push(v[o * chunk + i]);
    });
  }
  return res;
}
