import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng (xoshiro128**)', () => {
  it('reproduces the reference C implementation from state {1,2,3,4}', () => {
    // first ten outputs of prng.di.unimi.it/xoshiro128starstar.c with s = {1, 2, 3, 4},
    // compiled with gcc and printed with %u
    const r = Rng.fromJSON({ algorithm: 'xoshiro128**', state: [1, 2, 3, 4] });
    const got = Array.from({ length: 10 }, () => r.nextUint32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it('saves and restores its state exactly', () => {
    const a = new Rng(42);
    for (let i = 0; i < 17; i++) a.nextFloat();
    const saved = JSON.parse(JSON.stringify(a));
    const b = Rng.fromJSON(saved);
    const xs = Array.from({ length: 50 }, () => a.nextFloat());
    const ys = Array.from({ length: 50 }, () => b.nextFloat());
    expect(ys).toEqual(xs);
  });

  it('gives the same stream for the same seed and different streams otherwise', () => {
    const s = (r: Rng) => Array.from({ length: 8 }, () => r.nextUint32());
    expect(s(new Rng(7))).toEqual(s(new Rng(7)));
    expect(s(new Rng(7))).not.toEqual(s(new Rng(8)));
    expect(s(Rng.derive(7, 0, 1))).not.toEqual(s(Rng.derive(7, 1, 0)));
    expect(s(Rng.derive(7, 2 ** 40))).not.toEqual(s(Rng.derive(7, 0)));
  });

  it('draws uniform floats in [0, 1) (mean and variance of 1/2 and 1/12)', () => {
    const r = new Rng(3);
    let sum = 0;
    let sq = 0;
    const N = 200_000;
    let outside = 0;
    for (let i = 0; i < N; i++) {
      const x = r.nextFloat();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      sq += x * x;
    }
    expect(outside).toBe(0);
    const mean = sum / N;
    // standard error of the mean is sqrt(1/12/N) ~ 6.5e-4
    expect(Math.abs(mean - 0.5)).toBeLessThan(3e-3);
    expect(Math.abs(sq / N - mean * mean - 1 / 12)).toBeLessThan(2e-3);
  });

  it('rejects bad seeds and bad states', () => {
    expect(() => new Rng(-1)).toThrow(RangeError);
    expect(() => new Rng(1.5)).toThrow(RangeError);
    expect(() => Rng.fromJSON({ algorithm: 'xoshiro128**', state: [0, 0, 0, 0] })).toThrow(RangeError);
    expect(() => Rng.fromJSON({ algorithm: 'mt19937', state: [1, 2, 3, 4] })).toThrow(/xoshiro/);
    expect(() => new Rng(1).nextInt(0)).toThrow(RangeError);
  });

  it('nextInt is unbiased over a small range', () => {
    const r = new Rng(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.nextInt(3)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
