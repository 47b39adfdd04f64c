import { describe, expect, it } from 'vitest';
import { movingAverage, pearson } from './stats.js';
import { formatTick, log2Scale, linearScale, niceDomain } from './scale.js';

describe('pearson', () => {
  it('matches hand-computed r', () => {
    // x=[1,2,3], y=[2,4,7]: sxy=5, sxx=2, syy=114/9 → r = 5/sqrt(2·114/9)
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 12);
    // er=[1,2,3,4], erv=[0,1,0,1]: sxy=1, sxx=5, syy=1 → 1/sqrt(5)
    expect(pearson([1, 2, 3, 4], [0, 1, 0, 1])).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });
  it('is NaN when undefined and skips non-finite pairs', () => {
    expect(Number.isNaN(pearson([1], [2]))).toBe(true);
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
    expect(pearson([1, 2, Number.NaN, 3], [2, 4, 9, 6])).toBeCloseTo(1, 12);
    expect(() => pearson([1], [1, 2])).toThrow(RangeError);
  });
  it('moving average', () => {
    expect(movingAverage([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
  });
});

describe('scales', () => {
  it('pads domains to nice ticks', () => {
    expect(niceDomain(0.13, 0.87)).toEqual([0, 1]);
    expect(niceDomain(3, 3)).toEqual([2.6, 3.4]);
    const s = linearScale([0, 10], [0, 100]);
    expect(s.ticks).toEqual([0, 2, 4, 6, 8, 10]);
    expect(s(5)).toBe(50);
  });
  it('log2 scale puts powers of two evenly', () => {
    const s = log2Scale([1, 4, 16], [0, 40]);
    expect(s.ticks).toEqual([1, 2, 4, 8, 16]);
    expect(s(4)).toBe(20);
  });
  it('formats ticks', () => {
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(1500)).toBe('1.5k');
    expect(formatTick(0.0002)).toBe('2e-4');
  });
});
