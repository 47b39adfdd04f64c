import { describe, expect, it } from 'vitest';
import { avgAtN, firstSampleAccuracy, meanPassAtK, passAtK } from './pass-at-k.js';

// Exact 1 - C(n-c,k)/C(n,k) with BigInt binomials: an independent route to the same number.
function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}
function exactPassAtK(n: number, c: number, k: number): number {
  const num = binom(n - c, k);
  const den = binom(n, k);
  // scale to keep 15 significant digits before converting
  const scaled = (num * 10n ** 18n) / den;
  return 1 - Number(scaled) / 1e18;
}

describe('passAtK (Chen et al. 2021 unbiased estimator)', () => {
  it('matches hand-computed values', () => {
    // n=5, c=2, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 12);
    // n=10, c=3, k=4: 1 - C(7,4)/C(10,4) = 1 - 35/210
    expect(passAtK(10, 3, 4)).toBeCloseTo(5 / 6, 12);
    // n=16, c=1, k=4: 1 - C(15,4)/C(16,4) = 1 - 1365/1820 = 0.25
    expect(passAtK(16, 1, 4)).toBeCloseTo(0.25, 12);
    // k=1 is the fraction correct
    expect(passAtK(16, 5, 1)).toBeCloseTo(5 / 16, 12);
  });
  it('handles the edges', () => {
    expect(passAtK(8, 0, 4)).toBe(0);
    expect(passAtK(3, 2, 2)).toBe(1); // only one wrong sample, every pair has a correct one
    expect(passAtK(4, 4, 4)).toBe(1);
  });
  it('agrees with exact big-integer binomials for large n', () => {
    for (const [n, c, k] of [
      [200, 13, 100],
      [1024, 3, 64],
      [64, 10, 16],
    ]) {
      expect(passAtK(n, c, k)).toBeCloseTo(exactPassAtK(n, c, k), 10);
    }
  });
  it('rejects bad input with RangeError', () => {
    expect(() => passAtK(4, 5, 1)).toThrow(RangeError);
    expect(() => passAtK(4, 1, 5)).toThrow(RangeError);
    expect(() => passAtK(0, 0, 1)).toThrow(RangeError);
    expect(() => passAtK(4, 1.5, 1)).toThrow(RangeError);
  });
});

describe('avg@n, pass@1 and mean pass@k', () => {
  const correct = [
    [true, false, false, false],
    [false, true, true, true],
    [false, false, false, false],
  ];
  it('avg@n is the mean per-problem fraction correct', () => {
    expect(avgAtN(correct)).toBeCloseTo((0.25 + 0.75 + 0) / 3, 12);
  });
  it('pass@1 scores the first sample only', () => {
    expect(firstSampleAccuracy(correct)).toBeCloseTo(1 / 3, 12);
  });
  it('mean pass@2 averages the per-problem estimates', () => {
    // problem 1: 1 - C(3,2)/C(4,2) = 1 - 3/6 = 0.5; problem 2: n-c=1<2 → 1; problem 3: 0
    expect(meanPassAtK(correct, 2)).toBeCloseTo(0.5, 12);
  });
  it('is NaN on an empty set', () => {
    expect(Number.isNaN(avgAtN([]))).toBe(true);
  });
});
