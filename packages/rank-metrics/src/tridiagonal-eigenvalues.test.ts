import { describe, expect, it } from 'vitest';
import { tridiagonalQL } from './eigen.js';
import { TridiagonalWorkspace, tridiagonalEigenvalues } from './tridiagonal-eigenvalues.js';
import { gaussianArray } from './test-utils/random.js';

/** Eigenvalues by the rotating QL of eigen.ts (independent: square roots, no squared e). */
function byRotatingQL(d: Float64Array, e: Float64Array): Float64Array {
  const dd = d.slice();
  tridiagonalQL(dd, e.slice(), d.length);
  return dd.sort();
}

function byRootFree(d: Float64Array, e: Float64Array, ws?: TridiagonalWorkspace): Float64Array {
  const dd = d.slice();
  const ee = e.slice();
  tridiagonalEigenvalues(dd, ee, d.length, ws);
  expect(Array.from(ee)).toEqual(Array.from(e)); // e is left untouched
  return dd.sort();
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (scale || 1));
  return worst;
}

describe('root-free QL (tridiagonalEigenvalues)', () => {
  it('agrees with the rotating QL on random tridiagonals of many sizes and scales', () => {
    const ws = new TridiagonalWorkspace();
    for (const n of [2, 3, 5, 17, 64, 101, 300]) {
      for (const scale of [1, 1e-120, 1e150]) {
        const d = Float64Array.from(gaussianArray(n, 10 + n), (v) => v * scale);
        const e = Float64Array.from(gaussianArray(n, 20 + n), (v) => v * scale);
        e[0] = 0;
        expect(maxRelDiff(byRotatingQL(d, e), byRootFree(d, e, ws))).toBeLessThan(1e-12);
      }
    }
  });

  it('handles graded, zero-diagonal and split matrices', () => {
    const n = 40;
    const graded = { d: new Float64Array(n), e: new Float64Array(n) };
    for (let i = 0; i < n; i++) graded.d[i] = 10 ** (-i / 4);
    for (let i = 1; i < n; i++) graded.e[i] = 0.5 * 10 ** (-i / 4);
    const zeroDiag = { d: new Float64Array(n), e: Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1)) };
    const split = { d: Float64Array.from({ length: n }, (_, i) => i % 7), e: Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 0.3)) };
    for (const { d, e } of [graded, zeroDiag, split]) {
      expect(maxRelDiff(byRotatingQL(d, e), byRootFree(d, e))).toBeLessThan(1e-12);
    }
    // Zero-diagonal path of length n with unit couplings: eigenvalues 2 cos(k pi / (n + 1)).
    const want = Float64Array.from({ length: n }, (_, k) => 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort();
    expect(maxRelDiff(want, byRootFree(zeroDiag.d, zeroDiag.e))).toBeLessThan(1e-14);
  });

  it('returns diagonal matrices and the zero matrix unchanged', () => {
    const d = Float64Array.from([3, -1, 0, 2.5]);
    expect(Array.from(byRootFree(d, new Float64Array(4)))).toEqual([-1, 0, 2.5, 3]);
    expect(Array.from(byRootFree(new Float64Array(3), new Float64Array(3)))).toEqual([0, 0, 0]);
    expect(Array.from(byRootFree(Float64Array.from([7]), new Float64Array(1)))).toEqual([7]);
  });
});
