import { describe, expect, it } from 'vitest';
import { bootstrapCI, comparisonSentence, meanCI, pairedDifference, percentile, signedPoints, studentTCdf, studentTQuantile } from './stats.js';

describe('Student t', () => {
  it('quantiles match the tables (t_{0.975, dof})', () => {
    // printed tables / scipy.stats.t.ppf(0.975, dof)
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736, 6);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652730, 7);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445105, 8);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157163, 8);
    expect(studentTQuantile(0.975, 29)).toBeCloseTo(2.045229642, 8);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 4); // → the normal quantile
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445105, 8);
  });
  it('the CDF is symmetric and exact for one degree of freedom (Cauchy: 1/2 + atan(t)/π)', () => {
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 14);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12);
    expect(studentTCdf(-2, 1)).toBeCloseTo(0.5 + Math.atan(-2) / Math.PI, 12);
  });
});

describe('meanCI over seeds', () => {
  it('is mean ± t_{0.975,n−1}·s/√n (hand numbers)', () => {
    // mean 0.81; deviations −.01 .01 −.03 .03 0 → Σ² = 0.002, s² = 0.0005, s = 0.0223607, s/√5 = 0.01
    const ci = meanCI([0.8, 0.82, 0.78, 0.84, 0.81]);
    expect(ci.n).toBe(5);
    expect(ci.mean).toBeCloseTo(0.81, 12);
    expect(ci.sd).toBeCloseTo(0.0223606798, 9);
    expect(ci.t).toBeCloseTo(2.776445105, 8);
    expect(ci.low).toBeCloseTo(0.81 - 0.02776445105, 9);
    expect(ci.high).toBeCloseTo(0.81 + 0.02776445105, 9);
  });
  it('gives no interval for one seed, and a zero-width one when every seed agrees', () => {
    const one = meanCI([0.5]);
    expect(one.mean).toBe(0.5);
    expect(Number.isNaN(one.low) && Number.isNaN(one.high)).toBe(true);
    const same = meanCI([0.3, 0.3, 0.3]);
    expect(same.low).toBeCloseTo(0.3, 15);
    expect(same.high).toBeCloseTo(0.3, 15);
    expect(() => meanCI([])).toThrow(RangeError);
  });
});

describe('pairedDifference', () => {
  it('takes arm − base seed by seed (hand numbers)', () => {
    // d = [0.02, −0.01, 0.03]: mean 0.013333, s = 0.0208167, t_{0.975,2} = 4.302653
    // half = 4.302653 · 0.0208167 / √3 = 0.0517114 → [−0.0383781, 0.0650448]
    const d = pairedDifference([0.82, 0.8, 0.85], [0.8, 0.81, 0.82]);
    expect(d.mean).toBeCloseTo(0.0133333333, 9);
    expect(d.sd).toBeCloseTo(0.0208166600, 9);
    expect(d.low).toBeCloseTo(-0.0383781168, 8);
    expect(d.high).toBeCloseTo(0.0650447835, 8);
    expect(() => pairedDifference([1, 2], [1])).toThrow(/same seeds/);
  });
  it('pairing removes what the seeds share: unpaired intervals overlap, the paired one excludes 0', () => {
    const base = [0.6, 0.7, 0.8, 0.9];
    const arm = base.map((v) => v + 0.01 + (v === 0.7 ? 0.002 : 0));
    const d = pairedDifference(arm, base);
    expect(d.low).toBeGreaterThan(0);
    expect(meanCI(arm).low).toBeLessThan(meanCI(base).high);
  });
});

describe('sentences', () => {
  it('states the difference in points, its interval and whether it includes 0', () => {
    const d = pairedDifference([0.82, 0.8, 0.85], [0.8, 0.81, 0.82]);
    expect(comparisonSentence('GRPO+VERL', 'GRPO', d)).toBe('GRPO+VERL − GRPO: +1.3 points [−3.8, +6.5] over 3 seeds; the interval includes 0');
    const up = pairedDifference([0.62, 0.73, 0.81], [0.6, 0.7, 0.8]); // d = .02 .03 .01: mean .02, s .01, half 4.3027·.01/√3 = .0248
    expect(comparisonSentence('B', 'A', up)).toBe('B − A: +2.0 points [−0.5, +4.5] over 3 seeds; the interval includes 0');
    const clear = pairedDifference([0.52, 0.53, 0.52, 0.53], [0.5, 0.5, 0.5, 0.5]);
    expect(comparisonSentence('B', 'A', clear, 'held-out avg@8')).toMatch(/^B − A \(held-out avg@8\): \+2\.5 points \[\+1\.6, \+3\.4\] over 4 seeds; the interval excludes 0: B is higher$/);
    const down = pairedDifference([0.4, 0.41], [0.5, 0.5]);
    expect(comparisonSentence('B', 'A', down)).toMatch(/^B − A: −9\.5 points \[−15\.9, −3\.1\] over 2 seeds; the interval excludes 0: B is lower$/);
    expect(comparisonSentence('B', 'A', pairedDifference([0.5], [0.4]))).toBe('B − A: +10.0 points over 1 seed; no interval from one seed');
    expect(signedPoints(0.00001)).toBe('0.0');
    expect(signedPoints(-0.0123)).toBe('−1.2');
  });
});

describe('bootstrap over problems', () => {
  it('percentile interpolates linearly between order statistics (numpy default)', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12); // h = 3·0.025 = 0.075
    expect(percentile([10], 0.975)).toBe(10);
  });
  it('is reproducible from its seed, contains the mean and is as wide as normal theory says', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 0 : 1)); // mean 0.75
    const a = bootstrapCI(values, { seed: 7 });
    expect(bootstrapCI(values, { seed: 7 })).toEqual(a);
    expect(a.resamples).toBe(2000);
    expect(a.mean).toBe(0.75);
    expect(a.low).toBeLessThan(0.75);
    expect(a.high).toBeGreaterThan(0.75);
    // normal approximation: ±1.96·√(0.75·0.25/200) = ±0.0600
    expect((a.high - a.low) / 2).toBeGreaterThan(0.054);
    expect((a.high - a.low) / 2).toBeLessThan(0.066);
    const flat = bootstrapCI([0.4, 0.4, 0.4]);
    expect(flat.low).toBeCloseTo(0.4, 14);
    expect(flat.high).toBeCloseTo(0.4, 14);
  });
});
