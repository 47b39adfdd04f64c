import { describe, expect, it } from 'vitest';
import { permutation, Rng } from './rng.js';

/** mulberry32 as the reference C code writes it (uint32_t arithmetic), in BigInt: an independent check of the Math.imul version. */
function referenceMulberry32(seed: number, count: number): number[] {
  const M = 0xffffffffn;
  let a = BigInt(seed >>> 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5n) & M;
    let t = a;
    t = ((t ^ (t >> 15n)) * (t | 1n)) & M;
    t = (t ^ ((t + (((t ^ (t >> 7n)) * (t | 61n)) & M)) & M)) & M;
    out.push(Number((t ^ (t >> 14n)) & M));
  }
  return out;
}

describe('Rng (mulberry32)', () => {
  it('reproduces the reference algorithm for several seeds, negative ones wrapping as uint32', () => {
    for (const seed of [0, 1, 42, 0x7fffffff, 0xffffffff, -1, -123456]) {
      const r = new Rng(seed);
      expect(Array.from({ length: 20 }, () => r.nextUint32()), String(seed)).toEqual(referenceMulberry32(seed, 20));
    }
    expect(new Rng(-1).state).toBe(0xffffffff);
  });

  it('floats, integers and seeds are the uint32 output scaled: nextFloat = u / 2^32, nextInt = floor(f · n), nextSeed = floor(f · (2^31 - 1))', () => {
    const ref = referenceMulberry32(9, 3);
    const r = new Rng(9);
    expect(r.nextFloat()).toBe(ref[0] / 2 ** 32);
    expect(r.nextInt(10)).toBe(Math.floor((ref[1] / 2 ** 32) * 10));
    expect(r.nextSeed()).toBe(Math.floor((ref[2] / 2 ** 32) * 0x7fffffff));
  });

  it('saves and restores its state exactly (state number and JSON)', () => {
    const a = new Rng(42);
    for (let i = 0; i < 17; i++) a.nextFloat();
    const b = Rng.fromJSON(JSON.parse(JSON.stringify(a)));
    const c = Rng.fromState(a.state);
    const xs = Array.from({ length: 50 }, () => a.nextFloat());
    expect(Array.from({ length: 50 }, () => b.nextFloat())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.nextFloat())).toEqual(xs);
  });

  it('derives distinct streams from paths of numbers and strings', () => {
    const s = (r: Rng) => Array.from({ length: 8 }, () => r.nextUint32());
    expect(s(Rng.derive(7, 0, 1))).toEqual(s(Rng.derive(7, 0, 1)));
    expect(s(Rng.derive(7, 0, 1))).not.toEqual(s(Rng.derive(7, 1, 0)));
    expect(s(Rng.derive(7, 2 ** 40))).not.toEqual(s(Rng.derive(7, 0)));
    expect(s(new Rng('a'))).not.toEqual(s(new Rng('b')));
    // 1000 sample streams of one prompt start at 1000 different states
    expect(new Set(Array.from({ length: 1000 }, (_, i) => Rng.derive(3, 0, i).state)).size).toBe(1000);
  });

  it('draws uniform floats in [0, 1) (mean 1/2, variance 1/12) and roughly uniform integers', () => {
    const r = new Rng(3);
    const N = 200_000;
    let sum = 0; let sq = 0; let outside = 0;
    const counts = [0, 0, 0];
    for (let i = 0; i < N; i++) {
      const x = r.nextFloat();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x; sq += x * x;
      counts[r.nextInt(3)]++;
    }
    expect(outside).toBe(0);
    const mean = sum / N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(3e-3); // standard error ~6.5e-4
    expect(Math.abs(sq / N - mean * mean - 1 / 12)).toBeLessThan(2e-3);
    for (const c of counts) expect(Math.abs(c / N - 1 / 3)).toBeLessThan(5e-3);
  });

  it('permutation is a seeded Fisher-Yates shuffle of 0..n-1', () => {
    const p = permutation(50, new Rng(5));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).toEqual(permutation(50, new Rng(5)));
    expect(p).not.toEqual(permutation(50, new Rng(6)));
  });

  it('rejects bad seeds, bounds and states', () => {
    expect(() => new Rng(1.5)).toThrow(RangeError);
    expect(() => Rng.derive(1, 0.5)).toThrow(RangeError);
    expect(() => new Rng(1).nextInt(0)).toThrow(RangeError);
    expect(() => Rng.fromState(2 ** 32)).toThrow(RangeError);
    expect(() => Rng.fromJSON({ algorithm: 'xoshiro128**', state: [1, 2, 3, 4] })).toThrow(/mulberry32/);
  });
});
