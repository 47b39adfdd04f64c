// Spectra of the centred Gram (k x k) or covariance (D x D) matrix of the first k rows of a
// sequence, built incrementally as k grows (the reference's "optimized" route in
// hf618/VERL verl/trainer/metrics_utils.py, calculate_diffs_for_single_sample_optimized),
// but accumulated in float64 on mean-shifted rows, because float32 eigenvalues of a rank-deficient Gram shift ERV/ERA by tens of percent (README, "Numerics").
//
// Both matrices share their non-zero eigenvalues (the squared singular values of the
// centred rows), so each window uses whichever is smaller: the Gram matrix while k <= D,
// the covariance once k > D. The raw products of earlier rows are kept, so a new window
// only pays for its new rows.

import { EigenWorkspace, tridiagonalize } from './eigen.js';
import { TridiagonalWorkspace, tridiagonalEigenvalues } from './tridiagonal-eigenvalues.js';

/**
 * out[i*outStride + j] += sum_{c in [c0, c1)} M[i*stride + c] * M[j*stride + c]
 * for i in [i0, i1) and 0 <= j <= i (lower triangle). Tiles of 3 rows x 3 rows: 6 loads
 * feed 9 independent multiply-adds, which keeps all operands in the 16 x86-64 float
 * registers; in V8 this measured ~10% faster than 4 x 2 tiles and 3x faster than a plain
 * dot-product loop (0.38 vs 0.42 vs ~1.2 ns per multiply-add on the benchmark machine).
 */
export function accumulateLowerProducts(
  M: Float64Array,
  stride: number,
  i0: number,
  i1: number,
  c0: number,
  c1: number,
  out: Float64Array,
  outStride: number,
): void {
  let i = i0;
  for (; i + 3 <= i1; i += 3) {
    const o0 = i * stride;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const r0 = i * outStride;
    const r1 = r0 + outStride;
    const r2 = r1 + outStride;
    let j = 0;
    // Whole tiles strictly inside the lower triangle (column j + 2 <= row i).
    for (; j + 2 <= i; j += 3) {
      const y0 = j * stride;
      const y1 = y0 + stride;
      const y2 = y1 + stride;
      let s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0;
      for (let c = c0; c < c1; c++) {
        const a = M[y0 + c];
        const b = M[y1 + c];
        const d = M[y2 + c];
        const m0 = M[o0 + c];
        const m1 = M[o1 + c];
        const m2 = M[o2 + c];
        s00 += m0 * a;
        s01 += m0 * b;
        s02 += m0 * d;
        s10 += m1 * a;
        s11 += m1 * b;
        s12 += m1 * d;
        s20 += m2 * a;
        s21 += m2 * b;
        s22 += m2 * d;
      }
      out[r0 + j] += s00;
      out[r0 + j + 1] += s01;
      out[r0 + j + 2] += s02;
      out[r1 + j] += s10;
      out[r1 + j + 1] += s11;
      out[r1 + j + 2] += s12;
      out[r2 + j] += s20;
      out[r2 + j + 1] += s21;
      out[r2 + j + 2] += s22;
    }
    // The remaining columns up to the diagonal, one at a time (only the lower part kept).
    for (; j <= i + 2; j++) {
      const y0 = j * stride;
      let s0 = 0, s1 = 0, s2 = 0;
      for (let c = c0; c < c1; c++) {
        const a = M[y0 + c];
        s0 += M[o0 + c] * a;
        s1 += M[o1 + c] * a;
        s2 += M[o2 + c] * a;
      }
      if (j <= i) out[r0 + j] += s0;
      if (j <= i + 1) out[r1 + j] += s1;
      out[r2 + j] += s2;
    }
  }
  // Leftover rows (at most 2): one row against three rows at a time, then single dots.
  for (; i < i1; i++) {
    const oi = i * stride;
    const ri = i * outStride;
    let j = 0;
    for (; j + 2 <= i; j += 3) {
      const y0 = j * stride;
      const y1 = y0 + stride;
      const y2 = y1 + stride;
      let s0 = 0, s1 = 0, s2 = 0;
      for (let c = c0; c < c1; c++) {
        const m = M[oi + c];
        s0 += m * M[y0 + c];
        s1 += m * M[y1 + c];
        s2 += m * M[y2 + c];
      }
      out[ri + j] += s0;
      out[ri + j + 1] += s1;
      out[ri + j + 2] += s2;
    }
    for (; j <= i; j++) {
      const oj = j * stride;
      let s0 = 0;
      let s1 = 0;
      let c = c0;
      for (; c + 2 <= c1; c += 2) {
        s0 += M[oi + c] * M[oj + c];
        s1 += M[oi + c + 1] * M[oj + c + 1];
      }
      if (c < c1) s0 += M[oi + c] * M[oj + c];
      out[ri + j] += s0 + s1;
    }
  }
}

export type SpectrumMatrix = 'auto' | 'gram' | 'covariance';

export class WindowSpectrum {
  private readonly x: Float64Array; // [T, D] shifted rows
  private readonly T: number;
  private readonly D: number;
  private gram: Float64Array | null = null; // lower triangle of raw Gram, [gramCap, gramCap]
  private gramCap = 0;
  private gramRows = 0;
  private xt: Float64Array | null = null; // transposed rows [D, T] for covariance products
  private cov: Float64Array | null = null; // lower triangle of raw covariance, [D, D]
  private covRows = 0;
  private work = new Float64Array(0);
  private readonly ws = new EigenWorkspace();
  private readonly tws = new TridiagonalWorkspace();

  /** @param x rows [T, D] in float64, already shifted (see shiftedRows). */
  constructor(x: Float64Array, T: number, D: number) {
    this.x = x;
    this.T = T;
    this.D = D;
  }

  /**
   * Eigenvalues (ascending) of the centred Gram or covariance matrix of rows [0, k).
   * 'auto' picks the smaller matrix (Gram when k <= D). Returns k or D values.
   */
  eigenvalues(k: number, matrix: SpectrumMatrix = 'auto'): Float64Array {
    if (k < 1 || k > this.T) throw new RangeError(`window size ${k} outside 1..${this.T}`);
    const useGram = matrix === 'gram' || (matrix === 'auto' && k <= this.D);
    const n = useGram ? k : this.D;
    if (this.work.length < n * n) this.work = new Float64Array(n * n);
    if (useGram) this.centredGram(k);
    else this.centredCovariance(k);
    tridiagonalize(this.work, n, this.ws);
    const d = this.ws.d.slice(0, n);
    tridiagonalEigenvalues(d, this.ws.e, n, this.tws);
    return d.sort();
  }

  /** work[0..k*k) <- centred Gram of rows [0, k) (lower triangle, row stride k). */
  private centredGram(k: number): void {
    if (k > this.gramCap) {
      // Grow to the largest size a Gram window can reach, so rows are computed once.
      const cap = Math.max(k, Math.min(this.T, this.D));
      const g = new Float64Array(cap * cap);
      if (this.gram) for (let i = 0; i < this.gramRows; i++) {
        g.set(this.gram.subarray(i * this.gramCap, i * this.gramCap + i + 1), i * cap);
      }
      this.gram = g;
      this.gramCap = cap;
    }
    const U = this.gram!;
    const cap = this.gramCap;
    if (k > this.gramRows) {
      accumulateLowerProducts(this.x, this.D, this.gramRows, k, 0, this.D, U, cap);
      this.gramRows = k;
    }
    // Row sums r_i of the symmetric k x k block; centring: G_ij = U_ij - (r_i + r_j)/k + R/k^2.
    const r = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const ro = i * cap;
      let acc = 0;
      for (let j = 0; j < i; j++) {
        const v = U[ro + j];
        acc += v;
        r[j] += v;
      }
      r[i] += acc + U[ro + i];
    }
    let R = 0;
    for (let i = 0; i < k; i++) R += r[i];
    const c = R / (k * k);
    const inv = 1 / k;
    const w = this.work;
    for (let i = 0; i < k; i++) {
      const ro = i * cap;
      const wo = i * k;
      const ri = r[i] * inv;
      for (let j = 0; j <= i; j++) w[wo + j] = U[ro + j] - ri - r[j] * inv + c;
    }
  }

  /** work[0..D*D) <- centred covariance (unnormalised) of rows [0, k). */
  private centredCovariance(k: number): void {
    const D = this.D;
    const T = this.T;
    if (!this.xt) {
      const xt = new Float64Array(D * T);
      for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) xt[j * T + t] = this.x[t * D + j];
      this.xt = xt;
    }
    if (!this.cov || k < this.covRows) {
      // A smaller window than already accumulated: start over (rankDynamics never does this).
      this.cov = new Float64Array(D * D);
      this.covRows = 0;
    }
    if (k > this.covRows) {
      accumulateLowerProducts(this.xt, T, 0, D, this.covRows, k, this.cov, D);
      this.covRows = k;
    }
    const s = new Float64Array(D);
    for (let j = 0; j < D; j++) {
      const o = j * T;
      let acc = 0;
      for (let t = 0; t < k; t++) acc += this.xt[o + t];
      s[j] = acc;
    }
    const inv = 1 / k;
    const w = this.work;
    const C = this.cov;
    for (let i = 0; i < D; i++) {
      const ro = i * D;
      const si = s[i] * inv;
      for (let j = 0; j <= i; j++) w[ro + j] = C[ro + j] - si * s[j];
    }
  }
}
