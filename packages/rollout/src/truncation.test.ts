import { describe, expect, it } from 'vitest';
import { Rng } from '@verl-ts/prng';
import { selectHead, truncatedSupport } from './truncation.js';

/** Reference by full sort: most likely first, ties by lower id. */
function sortedIds(p: Float64Array): number[] {
  return Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b);
}
function refTopK(p: Float64Array, k: number): number[] {
  return sortedIds(p).slice(0, k);
}
function refNucleus(p: Float64Array, ids: number[], budget: number): number[] {
  const out: number[] = [];
  let before = 0;
  for (const i of ids) {
    if (before >= budget) break;
    out.push(i);
    before += p[i];
  }
  return out;
}
function dist(n: number, seed: number, opts: { ties?: boolean; scale?: number } = {}): Float64Array {
  const r = new Rng(seed);
  const x = Array.from({ length: n }, () => (opts.ties ? Math.floor(r.nextFloat() * 5) : (r.nextFloat() * 2 - 1) * (opts.scale ?? 3)));
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / s);
}
const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);

describe('selectHead / truncatedSupport (quickselect) agree with a full sort', () => {
  it('top-k, including heavy ties (ties broken by lower id)', () => {
    for (const [n, seed, ties] of [[10, 1, false], [1000, 2, false], [1000, 3, true], [5000, 4, true]] as const) {
      const p = dist(n, seed, { ties });
      for (const k of [1, 2, 7, 33, Math.floor(n / 2), n]) {
        expect(sorted(selectHead(p, Int32Array.from(p.keys()), k, false))).toEqual(sorted(refTopK(p, k)));
        expect(sorted(truncatedSupport(p, k, 1))).toEqual(sorted(refTopK(p, k)));
      }
    }
  });

  it('top-p alone and after top-k', () => {
    for (const [n, seed, ties, scale] of [[50, 5, false, 3], [3000, 6, false, 0.2], [3000, 7, true, 1], [20000, 8, false, 8]] as const) {
      const p = dist(n, seed, { ties, scale });
      // values chosen off the exact tie boundaries (e.g. 0.9 × 40 equal tokens = 36 tokens), where
      // the kept set would depend on summation order at the last bit
      for (const topP of [0.013, 0.31, 0.905, 0.999]) {
        expect(sorted(truncatedSupport(p, 0, topP))).toEqual(sorted(refNucleus(p, sortedIds(p), topP)));
        const k = Math.min(n, 40);
        const head = refTopK(p, k);
        const mass = head.reduce((a, i) => a + p[i], 0);
        expect(sorted(truncatedSupport(p, k, topP))).toEqual(sorted(refNucleus(p, head, topP * mass)));
      }
    }
  });
});
