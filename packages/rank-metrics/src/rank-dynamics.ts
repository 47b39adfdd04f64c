// Effective-rank velocity (ERV) and acceleration (ERA): how the ER of growing prefix
// windows moves. Paper arXiv 2509.23808 (ERV/ERA definitions); reference: hf618/VERL
// verl/trainer/metrics_utils.py, calculate_diffs_for_single_sample_original (definition)
// and calculate_diffs_for_single_sample_optimized (incremental Gram matrices).
//
// Keep the last maxTokens rows; for t = s, 2s, ... < T the window is rows 0..t inclusive
// (t + 1 rows), m_j = ER(window j); d_j = m_j - mean(m_0..m_{j-1}) for j >= 1 (against the
// running mean of all earlier windows, not the previous one); a_j = d_j - d_{j-1}.
// ERV = mean(d), ERA = mean(a), 0 when the list is empty (T < 2s).

import { type Matrix, shiftedRows, validateMatrix } from './matrix.js';
import { singularValueEntropy, zeroRoundOff } from './spectrum.js';
import { WindowSpectrum } from './window-spectrum.js';

export interface RankDynamicsOptions {
  /** Tokens between windows; the paper uses 40. */
  stride?: number;
  /** Only the last maxTokens tokens are used; the reference keeps 512. */
  maxTokens?: number;
}

export interface RankDynamics {
  /** ERV: mean of the velocities (0 when there are none). */
  erv: number;
  /** ERA: mean of the accelerations (0 when there are none). */
  era: number;
  /** ER of each prefix window (t + 1 rows for t = s, 2s, ...). */
  windowRanks: number[];
  /** d_j = m_j - mean(m_0..m_{j-1}), j >= 1. */
  velocities: number[];
  /** a_j = d_j - d_{j-1}, j >= 2. */
  accelerations: number[];
}

export const DEFAULT_STRIDE = 40;
export const DEFAULT_MAX_TOKENS = 512;

export function checkDynamicsOptions(opts: RankDynamicsOptions): { stride: number; maxTokens: number } {
  const stride = opts.stride ?? DEFAULT_STRIDE;
  const maxTokens = opts.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`stride must be an integer >= 1, got ${stride}`);
  if (!(maxTokens === Infinity || (Number.isInteger(maxTokens) && maxTokens >= 1))) {
    throw new RangeError(`maxTokens must be an integer >= 1 (or Infinity), got ${maxTokens}`);
  }
  return { stride, maxTokens };
}

export function rankDynamics(h: Matrix, opts: RankDynamicsOptions = {}): RankDynamics {
  const { stride, maxTokens } = checkDynamicsOptions(opts);
  validateMatrix(h, 'hidden states');
  const T = Math.min(h.rows, maxTokens);
  const empty: RankDynamics = { erv: 0, era: 0, windowRanks: [], velocities: [], accelerations: [] };
  if (T < 2 * stride) return empty;
  const spectrum = new WindowSpectrum(shiftedRows(h, h.rows - T, T), T, h.cols);
  const windowRanks: number[] = [];
  const velocities: number[] = [];
  const accelerations: number[] = [];
  let historySum = 0;
  for (let t = stride; t < T; t += stride) {
    const eig = zeroRoundOff(spectrum.eigenvalues(t + 1), Math.max(t + 1, h.cols));
    const m = eig.length === 0 ? 0 : Math.exp(singularValueEntropy(eig)); // D = 0: no spectrum
    const j = windowRanks.length;
    if (j > 0) {
      const d = m - historySum / j;
      if (velocities.length > 0) accelerations.push(d - velocities[velocities.length - 1]);
      velocities.push(d);
    }
    windowRanks.push(m);
    historySum += m;
  }
  return { erv: mean(velocities), era: mean(accelerations), windowRanks, velocities, accelerations };
}

function mean(xs: number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
