import { describe, expect, it } from 'vitest';
import { symmetricEigen, symmetricEigenvalues } from './eigen.js';
import { gaussianArray, withSpectrum } from './test-utils/random.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const g = gaussianArray(n * n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = (g[i * n + j] + g[j * n + i]) / 2;
  return a;
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

/** max_k |A v_k - lambda_k v_k| and max |V^T V - I|. */
function residuals(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): { av: number; orth: number } {
  let av = 0;
  let orth = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[j * n + k];
      av = Math.max(av, Math.abs(s - values[k] * vectors[i * n + k]));
    }
    for (let l = 0; l <= k; l++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += vectors[i * n + k] * vectors[i * n + l];
      orth = Math.max(orth, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  return { av, orth };
}

describe('symmetric eigen-solver', () => {
  it('recovers prescribed spectra of random orthogonally similar matrices', () => {
    for (const n of [1, 2, 3, 4, 7, 16, 33, 80]) {
      const want = Float64Array.from(gaussianArray(n, 100 + n)).map((v) => v * 10).sort();
      const a = withSpectrum(want, n);
      const got = symmetricEigenvalues(a, n);
      const scale = Math.max(...want.map(Math.abs));
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12 * n * scale);
    }
  });

  it('eigenpairs satisfy A v = lambda v with orthonormal vectors (random symmetric matrices)', () => {
    for (const n of [2, 5, 12, 40, 97]) {
      const a = randomSymmetric(n, 7 * n);
      const { values, vectors } = symmetricEigen(a, n);
      const { av, orth } = residuals(a, n, values, vectors);
      const norm = frobenius(a);
      expect(av).toBeLessThan(1e-13 * n * norm);
      expect(orth).toBeLessThan(1e-13 * n);
      // Eigenvalue-only path agrees with the vector path; trace and Frobenius norm are kept.
      const only = symmetricEigenvalues(a, n);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i];
      expect(Math.abs(only.reduce((s, v) => s + v, 0) - trace)).toBeLessThan(1e-12 * n * norm);
      expect(Math.abs(Math.hypot(...only) - norm)).toBeLessThan(1e-12 * n * norm);
      for (let i = 0; i < n; i++) expect(Math.abs(only[i] - values[i])).toBeLessThan(1e-12 * n * norm);
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    }
  });

  it('diagonal matrices: eigenvalues are the sorted diagonal, vectors the unit basis', () => {
    const diag = [3, -1, 0, 7.5, 2, 2];
    const n = diag.length;
    const a = new Float64Array(n * n);
    diag.forEach((v, i) => (a[i * n + i] = v));
    const { values, vectors } = symmetricEigen(a, n);
    expect(Array.from(values)).toEqual([...diag].sort((x, y) => x - y));
    const { av, orth } = residuals(a, n, values, vectors);
    expect(av).toBe(0);
    expect(orth).toBe(0);
  });

  it('repeated and zero eigenvalues', () => {
    const want = [0, 0, 0, 1, 1, 1, 1, 5, 5, -2];
    const sorted = Float64Array.from(want).sort();
    const a = withSpectrum(want, 42);
    const n = want.length;
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i] - sorted[i])).toBeLessThan(1e-13 * n * 5);
    const { av, orth } = residuals(a, n, values, vectors);
    expect(av).toBeLessThan(1e-13 * n * 5);
    expect(orth).toBeLessThan(1e-13 * n);
  });

  it('rank-deficient Gram matrices X X^T (X is n x r) have n - r zero eigenvalues', () => {
    for (const [n, r] of [
      [30, 4],
      [64, 63],
      [50, 1],
    ]) {
      const x = gaussianArray(n * r, n + r);
      const g = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += x[i * r + k] * x[j * r + k];
          g[i * n + j] = g[j * n + i] = s;
        }
      }
      const values = symmetricEigenvalues(g, n);
      const top = values[n - 1];
      for (let i = 0; i < n - r; i++) expect(Math.abs(values[i])).toBeLessThan(1e-13 * n * top);
      for (let i = n - r; i < n; i++) expect(values[i]).toBeGreaterThan(1e-6 * top);
    }
  });

  it('graded spectra over 16 orders of magnitude keep absolute accuracy eps * n * |A|', () => {
    const n = 30;
    const want = Float64Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * 10 ** (-8 + (16 * i) / (n - 1))).sort();
    const got = symmetricEigenvalues(withSpectrum(want, 77), n);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-13 * n * 1e8);
  });

  it('the zero matrix, 0x0 and 1x1 matrices', () => {
    expect(Array.from(symmetricEigenvalues(new Float64Array(16), 4))).toEqual([0, 0, 0, 0]);
    expect(symmetricEigenvalues(new Float64Array(0), 0).length).toBe(0);
    expect(Array.from(symmetricEigenvalues([-3.5], 1))).toEqual([-3.5]);
  });

  it('reads only the lower triangle and leaves the input untouched', () => {
    const n = 6;
    const a = randomSymmetric(n, 3);
    const lower = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) lower[i * n + j] = 999;
    const copy = lower.slice();
    expect(Array.from(symmetricEigenvalues(lower, n))).toEqual(Array.from(symmetricEigenvalues(a, n)));
    expect(lower).toEqual(copy);
  });

  it('rejects data whose length is not n*n', () => {
    expect(() => symmetricEigenvalues(new Float64Array(5), 2)).toThrow(RangeError);
    expect(() => symmetricEigenvalues(new Float64Array(4), -2)).toThrow(/non-negative integer/);
  });
});
