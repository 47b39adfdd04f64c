// Scalar summaries of a spectrum: the eigenvalues of a centred Gram/covariance matrix, i.e.
// the squared singular values of the centred hidden states. Formulas follow the authors'
// hf618/VERL verl/trainer/metrics_utils.py (compute_single_effective_rank,
// compute_single_entropy) and the paper (arXiv 2509.23808, metric definitions; effective rank after
// Roy & Vetterli 2007).

/** The constant the reference adds to avoid 0/0 and log(0). */
export const EPS = 1e-8;

/**
 * Shannon entropy of the normalised singular values s = sqrt(relu(eig)):
 * p = s / (sum(s) + 1e-8), H = -sum p log(p + 1e-8). ER = exp(H), log ER = H.
 * A zero spectrum (constant rows) gives H = 0, i.e. ER = 1, as in the reference.
 */
export function singularValueEntropy(eigenvalues: ArrayLike<number>): number {
  const n = eigenvalues.length;
  let sum = 0;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = eigenvalues[i];
    s[i] = v > 0 ? Math.sqrt(v) : 0;
    sum += s[i];
  }
  const denom = sum + EPS;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const p = s[i] / denom;
    h -= p * Math.log(p + EPS);
  }
  return h;
}

/**
 * Zero (in place) the eigenvalues at or below the round-off level of a Gram spectrum,
 * eig_max * refDim * eps. A singular value that is zero in exact arithmetic comes out of
 * an SVD as ~1e-16 of the largest, but as sqrt(1e-16) ~ 1e-8 of it from a Gram matrix,
 * and the reference's ER (full SVD) would then be off by ~1e-7 relative per such value;
 * the centred Gram always has one (the all-ones vector). Same tolerance as the rank.
 */
export function zeroRoundOff(eigenvalues: Float64Array, refDim: number): Float64Array {
  let max = 0;
  for (let i = 0; i < eigenvalues.length; i++) max = Math.max(max, eigenvalues[i]);
  const tol = max * refDim * Number.EPSILON;
  for (let i = 0; i < eigenvalues.length; i++) if (eigenvalues[i] <= tol) eigenvalues[i] = 0;
  return eigenvalues;
}

/**
 * Number of singular values above the rank tolerance. The reference counts
 * s > s_max * max(T, D) * eps on a full SVD; from a Gram spectrum the round-off of a zero
 * eigenvalue is about eps * eig_max, so the same rule is applied to the eigenvalues
 * themselves (eig > eig_max * max(T, D) * eps, numpy's matrix_rank rule for a symmetric
 * matrix). The two agree except for singular values between ~1e-14 and ~1e-7 of the largest.
 */
export function rankFromEigenvalues(eigenvalues: ArrayLike<number>, refDim: number): number {
  let max = 0;
  for (let i = 0; i < eigenvalues.length; i++) max = Math.max(max, eigenvalues[i]);
  const tol = max * refDim * Number.EPSILON;
  let count = 0;
  for (let i = 0; i < eigenvalues.length; i++) if (eigenvalues[i] > tol) count++;
  return count;
}

/**
 * Rényi entropy of order alpha of the normalised eigenvalues (compute_single_entropy):
 * keep eig > 1e-8, p = eig / sum(eig); alpha ~ 1 (within 1e-6): Shannon entropy over
 * p > 1e-12; otherwise log(sum p^alpha) / (1 - alpha). No eigenvalue left gives 0.
 */
export function renyiFromEigenvalues(eigenvalues: ArrayLike<number>, alpha: number): number {
  let sum = 0;
  for (let i = 0; i < eigenvalues.length; i++) if (eigenvalues[i] > EPS) sum += eigenvalues[i];
  if (sum === 0) return 0;
  if (Math.abs(alpha - 1) < 1e-6) {
    let h = 0;
    for (let i = 0; i < eigenvalues.length; i++) {
      if (!(eigenvalues[i] > EPS)) continue;
      const p = eigenvalues[i] / sum;
      if (p > 1e-12) h -= p * Math.log(p);
    }
    return h;
  }
  let sp = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    if (eigenvalues[i] > EPS) sp += Math.pow(eigenvalues[i] / sum, alpha);
  }
  return Math.log(sp) / (1 - alpha);
}
