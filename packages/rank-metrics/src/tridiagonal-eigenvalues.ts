// Eigenvalues only of a symmetric tridiagonal matrix by the root-free QL iteration of
// Pal, Walker and Kahan (the method of LAPACK's dsterf; Parlett, "The Symmetric Eigenvalue
// Problem", 8.15). It works on the squared off-diagonal, so the inner loop needs no square
// root (the rotating QL in eigen.ts needs one per rotation); the shifts and the deflation
// test are the same as in tridiagonalQL, so both converge alike. Used wherever eigenvectors
// are not wanted (every metric of this package).

/** Eigenvalues of [[a, b], [b, c]] into out[0], out[1] (as LAPACK dlae2: no cancellation). */
function eigenvalues2x2(a: number, b: number, c: number, out: Float64Array): void {
  const sm = a + c;
  const adf = Math.abs(a - c);
  const ab = Math.abs(b + b);
  const big = Math.abs(a) > Math.abs(c) ? a : c;
  const small = Math.abs(a) > Math.abs(c) ? c : a;
  let rt: number;
  if (adf > ab) {
    const q = ab / adf;
    rt = adf * Math.sqrt(1 + q * q);
  } else if (adf < ab) {
    const q = adf / ab;
    rt = ab * Math.sqrt(1 + q * q);
  } else {
    rt = ab * Math.SQRT2;
  }
  if (sm === 0) {
    out[0] = 0.5 * rt;
    out[1] = -0.5 * rt;
    return;
  }
  // The larger root without cancellation, the other from the determinant.
  const rt1 = 0.5 * (sm < 0 ? sm - rt : sm + rt);
  out[0] = rt1;
  out[1] = (big / rt1) * small - (b / rt1) * b;
}

/** Scratch arrays reused across calls (rankDynamics solves one tridiagonal per window). */
export class TridiagonalWorkspace {
  e2 = new Float64Array(0);
  readonly pair = new Float64Array(2);

  ensure(n: number): void {
    if (this.e2.length < n) this.e2 = new Float64Array(n);
  }
}

/**
 * Overwrites d[0..n-1] with the eigenvalues (unsorted) of the symmetric tridiagonal matrix
 * with diagonal d and off-diagonal e (e[i] couples i-1 and i, e[0] ignored; e is not
 * modified). Same input convention as tridiagonalQL.
 */
export function tridiagonalEigenvalues(
  d: Float64Array,
  e: Float64Array,
  n: number,
  ws: TridiagonalWorkspace = new TridiagonalWorkspace(),
): void {
  if (n <= 1) return;
  ws.ensure(n);
  const e2 = ws.e2;
  // Scale by a power of two (exact) so that the squares can neither overflow nor underflow.
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]));
  for (let i = 1; i < n; i++) norm = Math.max(norm, Math.abs(e[i]));
  if (norm === 0) return;
  const scale = 2 ** -Math.round(Math.log2(norm));
  for (let i = 0; i < n; i++) d[i] *= scale;
  // e2[i] couples i and i+1 from here on.
  for (let i = 1; i < n; i++) {
    const x = e[i] * scale;
    e2[i - 1] = x * x;
  }
  e2[n - 1] = 0;
  const eps2 = Number.EPSILON * Number.EPSILON;
  const pair = ws.pair;
  let l = 0;
  let iter = 0;
  while (l < n) {
    // Deflation test of tridiagonalQL, squared: |e_m| <= eps (|d_m| + |d_m+1|).
    let m = l;
    for (; m < n - 1; m++) {
      const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
      if (e2[m] <= eps2 * dd * dd) break;
    }
    if (m < n - 1) e2[m] = 0;
    if (m === l) {
      l++;
      iter = 0;
      continue;
    }
    if (m === l + 1) {
      eigenvalues2x2(d[l], Math.sqrt(e2[l]), d[l + 1], pair);
      d[l] = pair[0];
      d[l + 1] = pair[1];
      e2[l] = 0;
      l += 2;
      iter = 0;
      continue;
    }
    if (++iter > 60) throw new Error('symmetric eigen-solver: QL iteration did not converge');
    // Wilkinson-style shift from the leading 2x2 block, as in tridiagonalQL.
    const rte = Math.sqrt(e2[l]);
    let g = (d[l + 1] - d[l]) / (2 * rte);
    const r0 = Math.sqrt(g * g + 1);
    const sigma = d[l] - rte / (g + (g >= 0 ? r0 : -r0));
    let c = 1;
    let s = 0;
    let gamma = d[m] - sigma;
    let p = gamma * gamma;
    for (let i = m - 1; i >= l; i--) {
      const bb = e2[i];
      const r = p + bb;
      if (i !== m - 1) e2[i + 1] = s * r;
      const oldc = c;
      c = p / r;
      s = bb / r;
      const oldgam = gamma;
      const alpha = d[i];
      gamma = c * (alpha - sigma) - s * oldgam;
      d[i + 1] = oldgam + (alpha - gamma);
      p = c !== 0 ? (gamma * gamma) / c : oldc * bb;
    }
    e2[l] = s * p;
    d[l] = sigma + gamma;
  }
  const inv = 1 / scale;
  for (let i = 0; i < n; i++) d[i] *= inv;
}
