/**
 * The pure faithfulness math: rationale schedule, perturbed position lists, AOPC, Kendall's
 * tau-b, and the image deletion/insertion curves, against hand-computed cases.
 */
import { describe, expect, test } from 'vitest';
import {
  aopc,
  comprehensivenessPositions,
  curveSteps,
  imageFaithfulness,
  kendallTauB,
  patchComposite,
  patchGrid,
  patchOrder,
  pickPositions,
  planTextEvaluation,
  rationaleSchedule,
  sufficiencyPositions,
  textFaithfulness,
} from '../../src/attribution/faithfulness.js';

describe('rationale schedule', () => {
  test('hand case: n = 3, skip v = 0, empty and repeated rationales, non-positive scores dropped', () => {
    // explained positions 1..3 of [CLS] a b c [SEP]; scores 0.5, -0.2, 0.9.
    const r = rationaleSchedule([0, 0.5, -0.2, 0.9, 0], [1, 2, 3]);
    // q 0.1..0.3: v = 0; q 0.4: v = 1 -> {3}; 0.5, 0.6: v = 1 (repeat); 0.7: v = 2 -> {1, 3};
    // 0.8, 0.9: repeat; 1.0: v = 3, top-3 {3, 1, 2} minus the negative 2 -> {1, 3} (repeat).
    expect(r).toEqual([
      { q: 0.4, positions: [3] },
      { q: 0.7, positions: [1, 3] },
    ]);
  });

  test('n = 10 keeps every q with positive scores, sizes 1..10', () => {
    const scores = [0, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    const explained = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const r = rationaleSchedule(scores, explained);
    expect(r.map((x) => x.positions.length)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r[2].positions).toEqual([1, 2, 3]);
  });

  test('all scores <= 0: no rationale', () => {
    expect(rationaleSchedule([0, -1, 0, -2], [1, 2])).toEqual([]);
  });

  test('floor(q n) is exact where the float product falls below an integer (0.7 * 90)', () => {
    const n = 90;
    const scores = Array.from({ length: n }, (_, i) => n - i);
    const r = rationaleSchedule(scores, Array.from({ length: n }, (_, i) => i));
    // 0.7 * 90 = 62.99999999999999 in float; the schedule must take 63.
    expect(r.find((x) => x.q === 0.7)?.positions.length).toBe(63);
  });

  test('ties: the earlier position wins', () => {
    expect(rationaleSchedule([1, 1, 1], [0, 1, 2])[0]).toEqual({ q: 0.4, positions: [0] });
  });
});

describe('perturbed inputs', () => {
  test('comprehensiveness deletes the rationale, special tokens stay in place', () => {
    const ids = [101, 7, 8, 9, 102];
    expect(pickPositions(ids, comprehensivenessPositions(5, [1, 3]))).toEqual([101, 8, 102]);
  });

  test('sufficiency keeps only special tokens and the rationale, in order', () => {
    const ids = [101, 7, 8, 9, 102, 5, 103];
    const special = [true, false, false, false, true, false, true];
    expect(pickPositions(ids, sufficiencyPositions(special, [3, 1]))).toEqual([101, 7, 9, 102, 103]);
  });

  test('plan: one list per rationale for each measure, one per explained token for leave-one-out', () => {
    const plan = planTextEvaluation([0, 0.5, -0.2, 0.9, 0], [true, false, false, false, true]);
    expect(plan.explained).toEqual([1, 2, 3]);
    expect(plan.comprehensiveness).toEqual([[0, 1, 2, 4], [0, 2, 4]]);
    expect(plan.sufficiency).toEqual([[0, 3, 4], [0, 1, 3, 4]]);
    expect(plan.leaveOneOut).toEqual([[0, 2, 3, 4], [0, 1, 3, 4], [0, 1, 2, 4]]);
  });

  test('measures: hand-computed AOPCs and tau', () => {
    const scores = [0, 0.5, -0.2, 0.9, 0];
    const plan = planTextEvaluation(scores, [true, false, false, false, true]);
    const f = textFaithfulness(plan, scores, 0.9, {
      comprehensiveness: [0.5, 0.2],
      sufficiency: [0.6, 0.8],
      leaveOneOut: [0.7, 0.95, 0.4],
    });
    expect(f.curve).toHaveLength(2);
    expect(f.aopcComprehensiveness).toBeCloseTo(((0.9 - 0.5) + (0.9 - 0.2)) / 2, 12);
    expect(f.aopcSufficiency).toBeCloseTo(((0.9 - 0.6) + (0.9 - 0.8)) / 2, 12);
    // scores (0.5, -0.2, 0.9) vs drops (0.2, -0.05, 0.5): same order -> tau 1.
    expect(f.tauLoo).toBeCloseTo(1, 12);
  });

  test('no rationale: AOPC comprehensiveness 0 and sufficiency 1', () => {
    const plan = planTextEvaluation([0, -1, 0], [true, false, true]);
    const f = textFaithfulness(plan, [0, -1, 0], 0.8, { comprehensiveness: [], sufficiency: [], leaveOneOut: [0.3] });
    expect(f.aopcComprehensiveness).toBe(0);
    expect(f.aopcSufficiency).toBe(1);
    expect(f.tauLoo).toBeNull(); // one explained token: tau undefined
  });

  test('aopc is the plain mean', () => {
    expect(aopc([1, 2, 6], 0)).toBe(3);
  });
});

/** tau-b through the sign-matrix form: sum sgn(dx) sgn(dy) / sqrt(sum sgn(dx)^2 sum sgn(dy)^2). */
function tauBByMatrix(x: number[], y: number[]): number {
  let num = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < x.length; j++) {
      const a = Math.sign(x[i] - x[j]);
      const b = Math.sign(y[i] - y[j]);
      num += a * b;
      sx += a * a;
      sy += b * b;
    }
  }
  return num / Math.sqrt(sx * sy);
}

describe("Kendall's tau-b", () => {
  test('scipy.stats.kendalltau documented example (ties in both variables)', () => {
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 14);
  });

  test('hand case without ties: one discordant pair of three', () => {
    expect(kendallTauB([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 14);
  });

  test('agrees with the independent sign-matrix form on random data with ties', () => {
    let s = 12345;
    const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 20; trial++) {
      const n = 3 + Math.floor(rnd() * 30);
      const x = Array.from({ length: n }, () => Math.floor(rnd() * 5));
      const y = Array.from({ length: n }, () => Math.floor(rnd() * 4));
      const want = tauBByMatrix(x, y);
      if (Number.isNaN(want)) expect(kendallTauB(x, y)).toBeNaN();
      else expect(kendallTauB(x, y)).toBeCloseTo(want, 12);
    }
  });

  test('constant variable: NaN', () => {
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('image deletion / insertion', () => {
  // 1 channel, 4 x 6 image, 2 x 2 patches: a 2 x 3 grid.
  const grid = patchGrid(4, 6, 2);
  const attr = new Float32Array(24);
  // Patch sums: patch 4 (row 1, col 1) = 8, patch 0 = 3, patch 5 = -1, others 0.
  attr[2 * 6 + 2] = 5;
  attr[3 * 6 + 3] = 3;
  attr[0] = 3;
  attr[2 * 6 + 5] = -1;

  test('grid and order by summed attribution (ties by index)', () => {
    expect(grid).toMatchObject({ rows: 2, cols: 3 });
    expect(patchOrder(attr, 1, grid)).toEqual([4, 0, 1, 2, 3, 5]);
  });

  test('edge patches are narrower when the size does not divide', () => {
    expect(patchGrid(224, 230, 16)).toMatchObject({ rows: 14, cols: 15 });
  });

  test('composite: the first k patches come from `from`', () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i + 1);
    const base = new Float32Array(24);
    const del = patchComposite(x, base, 1, grid, [4, 0], 2);
    // Patch 4 covers rows 2-3, cols 2-3; patch 0 rows 0-1, cols 0-1.
    const zeroed = [0, 1, 6, 7, 14, 15, 20, 21];
    for (let i = 0; i < 24; i++) expect(del[i]).toBe(zeroed.includes(i) ? 0 : i + 1);
    const ins = patchComposite(base, x, 1, grid, [4], 1);
    expect(Array.from(ins).filter((v) => v !== 0)).toEqual([15, 16, 21, 22]);
  });

  test('curve steps: evenly spaced, start 0, end P, no repeats', () => {
    expect(curveSteps(196, 4)).toEqual([0, 49, 98, 147, 196]);
    expect(curveSteps(3, 10)).toEqual([0, 1, 2, 3]);
  });

  test('AOPCs against hand values', () => {
    const f = imageFaithfulness([0, 98, 196], [0.9, 0.4, 0.1], [0.1, 0.7, 0.9], 16);
    expect(f.aopcDeletion).toBeCloseTo((0 + 0.5 + 0.8) / 3, 12);
    expect(f.aopcInsertion).toBeCloseTo((0 + 0.6 + 0.8) / 3, 12);
  });
});
