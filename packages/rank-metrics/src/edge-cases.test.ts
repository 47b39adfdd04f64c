// Edge cases, invariances with known answers, and input validation.
import { describe, expect, it } from 'vitest';
import {
  curvature,
  effectiveRank,
  logEffectiveRank,
  rankDynamics,
  renyiEntropy,
  sequenceMetrics,
  traditionalRank,
  type Matrix,
} from './index.js';
import { gaussianArray, randomOrthogonal } from './test-utils/random.js';

const m = (data: ArrayLike<number>, rows: number, cols: number): Matrix => ({
  data: Float64Array.from(data),
  rows,
  cols,
});

describe('known answers', () => {
  it('r orthogonal directions with equal spread have ER = r (rows ±e_k are already centred)', () => {
    for (const [r, D] of [
      [3, 5],
      [7, 7],
      [4, 40],
    ]) {
      const rows: number[] = [];
      for (let k = 0; k < r; k++) {
        for (const sgn of [1, -1]) {
          const row = new Array<number>(D).fill(0);
          row[k] = 2.5 * sgn;
          rows.push(...row);
        }
      }
      const h = m(rows, 2 * r, D);
      // The 1e-8 guards of the reference shift ER by ~1e-8 relative.
      expect(effectiveRank(h)).toBeCloseTo(r, 6);
      expect(logEffectiveRank(h)).toBeCloseTo(Math.log(r), 6);
      expect(traditionalRank(h)).toBe(r);
    }
  });

  it('ER is invariant to a constant offset of the rows and to an orthogonal change of basis', () => {
    const T = 30;
    const D = 12;
    const x = gaussianArray(T * D, 9);
    const q = randomOrthogonal(D, 10);
    const shifted = x.map((v, i) => v + 1000 * ((i % D) - 3));
    const rotated = new Float64Array(T * D);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += x[t * D + k] * q[k * D + j];
        rotated[t * D + j] = s;
      }
    }
    const er = effectiveRank(m(x, T, D));
    expect(effectiveRank(m(shifted, T, D))).toBeCloseTo(er, 9);
    expect(effectiveRank(m(rotated, T, D))).toBeCloseTo(er, 10);
    expect(er).toBeGreaterThan(8);
    expect(er).toBeLessThan(12);
  });

  it('ER does not depend on the scale of the hidden states (up to the 1e-8 guard)', () => {
    const h = m(gaussianArray(60 * 20, 12), 60, 20);
    const er = effectiveRank(h);
    for (const s of [1e-3, 1e3, 1e6]) expect(effectiveRank(m(h.data.map((v) => v * s), 60, 20))).toBeCloseTo(er, 5);
  });

  it('Gram and covariance give the same spectrum for every Rényi order', () => {
    for (const [T, D] of [
      [9, 20],
      [20, 9],
    ]) {
      const h = m(gaussianArray(T * D, T + D), T, D);
      for (const alpha of [0.5, 1, 1.0001, 2, 3]) {
        expect(renyiEntropy(h, { alpha, matrix: 'gram' })).toBeCloseTo(renyiEntropy(h, { alpha, matrix: 'covariance' }), 9);
      }
      // alpha = 2: collision entropy -log(sum p^2), computed by hand from the definition.
      const e1 = renyiEntropy(h, { alpha: 1 });
      expect(renyiEntropy(h, { alpha: 2 })).toBeLessThan(e1);
    }
  });

  it('curvature: a straight line is 0, a zig-zag is pi/2, reversing steps give pi', () => {
    expect(curvature(m([0, 0, 1, 1, 2, 2, 3, 3], 4, 2))).toBeCloseTo(0, 7); // acos(1 - 1 ulp) ~ 2e-8
    expect(curvature(m([0, 0, 1, 0, 1, 1, 2, 1, 2, 2], 5, 2))).toBeCloseTo(Math.PI / 2, 12);
    expect(curvature(m([0, 1, 0, 1, 0], 5, 1))).toBeCloseTo(Math.PI, 12);
    // Zero-length steps are skipped: the turn is measured between the remaining steps.
    expect(curvature(m([0, 0, 1, 0, 1, 0, 1, 1], 4, 2))).toBeCloseTo(Math.PI / 2, 12);
    // Pairs across the 256-step chunk boundary are not counted (reference behaviour).
    const zig = Array.from({ length: 300 }, (_, t) => [t, t % 2]).flat();
    const h = m(zig, 300, 2);
    expect(curvature(h)).toBeCloseTo(Math.PI / 2, 12);
    expect(curvature(h, { chunkSize: Infinity })).toBeCloseTo(Math.PI / 2, 12);
  });
});

describe('edge cases follow the reference', () => {
  it('T < 2 gives 0 for ER, log ER, traditional rank, Rényi; T < 3 gives curvature 0', () => {
    for (const h of [m([], 0, 4), m([1, 2, 3, 4], 1, 4)]) {
      expect(effectiveRank(h)).toBe(0);
      expect(logEffectiveRank(h)).toBe(0);
      expect(traditionalRank(h)).toBe(0);
      expect(renyiEntropy(h)).toBe(0);
      expect(sequenceMetrics(h).effectiveRank).toBe(0);
    }
    expect(curvature(m([1, 2, 3, 4], 2, 2))).toBe(0);
    // No columns: no singular values, ER 0 (the reference returns 0 for an empty spectrum).
    const empty = m([], 100, 0);
    expect(effectiveRank(empty)).toBe(0);
    expect(traditionalRank(empty)).toBe(0);
    expect(rankDynamics(empty).windowRanks).toEqual([0, 0]);
  });

  it('an all-equal matrix gives ER 1 and traditional rank 0 (float32 and float64)', () => {
    const data = new Array<number>(100 * 8).fill(0.1);
    for (const h of [m(data, 100, 8), { data: Float32Array.from(data), rows: 100, cols: 8 }, m(data, 5, 160)]) {
      expect(effectiveRank(h)).toBe(1);
      expect(logEffectiveRank(h)).toBe(0);
      expect(traditionalRank(h)).toBe(0);
      expect(renyiEntropy(h)).toBe(0);
    }
    const r = rankDynamics(m(data, 100, 8), { stride: 20 });
    expect(r.windowRanks).toEqual([1, 1, 1, 1]);
    expect(r.velocities).toEqual([0, 0, 0]);
  });

  it('T < 2 * stride gives ERV = ERA = 0 and empty lists; windows are rows 0..t inclusive', () => {
    const h = m(gaussianArray(79 * 6, 1), 79, 6);
    expect(rankDynamics(h)).toEqual({ erv: 0, era: 0, windowRanks: [], velocities: [], accelerations: [] });
    const h2 = m(gaussianArray(121 * 6, 2), 121, 6);
    const r = rankDynamics(h2);
    // t = 40, 80, 120 -> windows of 41, 81, 121 rows.
    expect(r.windowRanks).toHaveLength(3);
    const win = (k: number) => effectiveRank({ data: h2.data.subarray(0, k * 6), rows: k, cols: 6 });
    expect(r.windowRanks[0]).toBeCloseTo(win(41), 10);
    expect(r.windowRanks[2]).toBeCloseTo(win(121), 10);
    const d1 = r.windowRanks[1] - r.windowRanks[0];
    const d2 = r.windowRanks[2] - (r.windowRanks[0] + r.windowRanks[1]) / 2; // against the running mean
    expect(r.velocities).toEqual([d1, d2].map((v) => expect.closeTo(v, 12)));
    expect(r.accelerations[0]).toBeCloseTo(d2 - d1, 12);
    expect(r.erv).toBeCloseTo((d1 + d2) / 2, 12);
  });

  it('maxTokens keeps the last tokens; windows crossing D switch from Gram to covariance seamlessly', () => {
    const T = 700;
    const D = 50;
    const h = m(gaussianArray(T * D, 4), T, D);
    const last = m(h.data.subarray((T - 512) * D), 512, D);
    expect(rankDynamics(h)).toEqual(rankDynamics(last));
    const full = rankDynamics(h, { maxTokens: Infinity, stride: 100 });
    expect(full.windowRanks).toHaveLength(6);
    // Window of 101 rows > D: covariance route; check against the one-shot ER.
    expect(full.windowRanks[0]).toBeCloseTo(effectiveRank(m(h.data.subarray(0, 101 * D), 101, D)), 10);
  });
});

describe('bad input', () => {
  const good = m(gaussianArray(12, 3), 4, 3);
  it('wrong data.length', () => {
    expect(() => effectiveRank({ data: new Float32Array(11), rows: 4, cols: 3 })).toThrow(RangeError);
    expect(() => effectiveRank({ data: new Float32Array(11), rows: 4, cols: 3 })).toThrow(/data.length is 11 but rows\*cols = 4\*3 = 12/);
    expect(() => rankDynamics({ data: new Float64Array(2), rows: 1, cols: 3 })).toThrow(/data.length/);
  });
  it('NaN and Infinity, with their position', () => {
    const nan = Float64Array.from(good.data);
    nan[7] = NaN;
    expect(() => effectiveRank({ ...good, data: nan })).toThrow(/NaN at row 2, column 1/);
    const inf = Float32Array.from(good.data);
    inf[0] = -Infinity;
    expect(() => traditionalRank({ ...good, data: inf })).toThrow(/-Infinity at row 0, column 0/);
    expect(() => curvature({ ...good, data: inf })).toThrow(RangeError);
    expect(() => rankDynamics({ ...good, data: inf })).toThrow(RangeError);
  });
  it('bad shapes and options', () => {
    expect(() => effectiveRank({ data: new Float64Array(0), rows: -1, cols: 0 })).toThrow(/rows must be a non-negative integer/);
    expect(() => effectiveRank({ data: [1, 2] as unknown as Float64Array, rows: 1, cols: 2 })).toThrow(/Float32Array or Float64Array/);
    for (const stride of [0, -3, 1.5, NaN]) expect(() => rankDynamics(good, { stride })).toThrow(/stride must be an integer >= 1/);
    expect(() => rankDynamics(good, { maxTokens: 0 })).toThrow(/maxTokens/);
    expect(() => renyiEntropy(good, { alpha: 0 })).toThrow(/alpha/);
    expect(() => renyiEntropy(good, { matrix: 'foo' as 'gram' })).toThrow(/'gram' or 'covariance'/);
    expect(() => curvature(good, { chunkSize: 0 })).toThrow(/chunkSize/);
  });
});
