// Sequence-level metrics of one response's hidden states H [T, D]: effective rank (ER),
// log ER, traditional rank and Rényi entropy, all from the spectrum of the centred rows
// (paper arXiv 2509.23808, metric definitions; reference: hf618/VERL verl/trainer/metrics_utils.py,
// compute_single_effective_rank and compute_single_entropy). T < 2 gives 0 for all of them.

import { type Matrix, shiftedRows, validateMatrix } from './matrix.js';
import { rankFromEigenvalues, renyiFromEigenvalues, singularValueEntropy, zeroRoundOff } from './spectrum.js';
import { type SpectrumMatrix, WindowSpectrum } from './window-spectrum.js';
import { curvatureUnchecked } from './curvature.js';

export interface RenyiOptions {
  /** Order of the entropy; the reference uses 1.0001 (Shannon in the limit alpha -> 1). */
  alpha?: number;
  /** 'gram' = X X^T [T, T], 'covariance' = X^T X [D, D]; same non-zero spectrum. Default: the smaller. */
  matrix?: 'gram' | 'covariance';
}

/** Eigenvalues (ascending) of the centred Gram or covariance matrix of all rows of h. */
export function centredSpectrum(h: Matrix, matrix: SpectrumMatrix = 'auto'): Float64Array {
  validateMatrix(h, 'hidden states');
  if (h.rows < 2) return new Float64Array(0);
  return new WindowSpectrum(shiftedRows(h, 0, h.rows), h.rows, h.cols).eigenvalues(h.rows, matrix);
}

/** Squared singular values of the centred rows, round-off zeros cleaned (see zeroRoundOff). */
function singularSpectrum(h: Matrix): Float64Array {
  return zeroRoundOff(centredSpectrum(h), Math.max(h.rows, h.cols));
}

/**
 * Effective rank exp(H(p)), p = normalised singular values of the centred rows. No singular
 * values at all (T < 2, or D = 0) gives 0, as the reference does.
 */
export function effectiveRank(h: Matrix): number {
  const eig = singularSpectrum(h);
  return eig.length === 0 ? 0 : Math.exp(singularValueEntropy(eig));
}

/** log ER, i.e. the Shannon entropy of the normalised singular values (0 without any). */
export function logEffectiveRank(h: Matrix): number {
  const eig = singularSpectrum(h);
  return eig.length === 0 ? 0 : singularValueEntropy(eig);
}

/** Numerical rank of the centred rows (see rankFromEigenvalues for the tolerance). */
export function traditionalRank(h: Matrix): number {
  const eig = centredSpectrum(h);
  return h.rows < 2 ? 0 : rankFromEigenvalues(eig, Math.max(h.rows, h.cols));
}

export function checkAlpha(alpha: number): void {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
    throw new RangeError(`Rényi alpha must be a finite number > 0, got ${alpha}`);
  }
}

/** Rényi entropy of the normalised eigenvalues of the centred Gram/covariance matrix. */
export function renyiEntropy(h: Matrix, opts: RenyiOptions = {}): number {
  const alpha = opts.alpha ?? 1.0001;
  checkAlpha(alpha);
  const matrix = opts.matrix ?? 'auto';
  if (matrix !== 'auto' && matrix !== 'gram' && matrix !== 'covariance') {
    throw new RangeError(`Rényi matrix must be 'gram' or 'covariance', got ${String(matrix)}`);
  }
  const eig = centredSpectrum(h, matrix);
  if (h.rows < 2) return 0;
  // The reference's covariance is X^T X / (T - 1); the scale matters only for its 1e-8 cut.
  if (matrix === 'covariance') for (let i = 0; i < eig.length; i++) eig[i] /= h.rows - 1;
  return renyiFromEigenvalues(eig, alpha);
}

function curvature0(h: Matrix): number {
  return curvatureUnchecked(h.data, h.rows, h.cols, 0);
}

export interface SequenceMetrics {
  effectiveRank: number;
  logEffectiveRank: number;
  traditionalRank: number;
  renyiEntropy: number;
  curvature: number;
}

/** All sequence-level metrics of h from a single eigen-decomposition. */
export function sequenceMetrics(h: Matrix, opts: { alpha?: number } = {}): SequenceMetrics {
  const alpha = opts.alpha ?? 1.0001;
  checkAlpha(alpha);
  const eig = centredSpectrum(h);
  if (eig.length === 0) {
    return { effectiveRank: 0, logEffectiveRank: 0, traditionalRank: 0, renyiEntropy: 0, curvature: curvature0(h) };
  }
  const renyi = renyiFromEigenvalues(eig, alpha); // before cleaning, like the reference
  zeroRoundOff(eig, Math.max(h.rows, h.cols));
  const H = singularValueEntropy(eig);
  return {
    effectiveRank: Math.exp(H),
    logEffectiveRank: H,
    traditionalRank: rankFromEigenvalues(eig, Math.max(h.rows, h.cols)),
    renyiEntropy: renyi,
    curvature: curvature0(h),
  };
}
