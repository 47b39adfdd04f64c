// Curvature of the hidden-state trajectory: the mean angle between successive steps
// h[t+1] - h[t]. Follows compute_single_curvature in hf618/VERL
// verl/trainer/metrics_utils.py (commit 3740772): uncentred rows; the steps are split into
// consecutive chunks of 256; inside each chunk steps not longer than 1e-6 are dropped and
// the angles between consecutive remaining steps are taken, so a pair that straddles a
// chunk boundary is never counted (a quirk kept for agreement; chunkSize: Infinity turns
// it off). Cosine uses torch's guard: dot / max(|a||b|, 1e-8).

import { type Matrix, validateMatrix } from './matrix.js';

export interface CurvatureOptions {
  /** Steps are processed in chunks of this many (reference: 256). */
  chunkSize?: number;
}

export const CURVATURE_CHUNK = 256;

export function curvature(h: Matrix, opts: CurvatureOptions = {}): number {
  validateMatrix(h, 'curvature input');
  const chunk = opts.chunkSize ?? CURVATURE_CHUNK;
  if (!(chunk === Infinity || (Number.isInteger(chunk) && chunk >= 1))) {
    throw new RangeError(`curvature chunkSize must be an integer >= 1 or Infinity, got ${chunk}`);
  }
  return curvatureUnchecked(h.data, h.rows, h.cols, 0, chunk);
}

/** Curvature of rows [start, start+T) of a row-major array with D columns (no validation). */
export function curvatureUnchecked(
  data: ArrayLike<number>,
  T: number,
  D: number,
  start: number,
  chunkSize = CURVATURE_CHUNK,
): number {
  if (T < 3) return 0;
  const nSteps = T - 1;
  let total = 0;
  let count = 0;
  let prev = new Float64Array(D);
  let cur = new Float64Array(D);
  for (let c0 = 0; c0 < nSteps; c0 += chunkSize) {
    const c1 = Math.min(nSteps, c0 + chunkSize);
    if (c1 - c0 < 2) continue;
    let havePrev = false;
    let prevNorm = 0;
    for (let t = c0; t < c1; t++) {
      const a = (start + t) * D;
      const b = a + D;
      let ss = 0;
      for (let j = 0; j < D; j++) {
        const v = data[b + j] - data[a + j];
        cur[j] = v;
        ss += v * v;
      }
      const norm = Math.sqrt(ss);
      if (!(norm > 1e-6)) continue;
      if (havePrev) {
        let dot = 0;
        for (let j = 0; j < D; j++) dot += prev[j] * cur[j];
        const cos = Math.min(1, Math.max(-1, dot / Math.max(prevNorm * norm, 1e-8)));
        total += Math.acos(cos);
        count++;
      }
      const tmp = prev;
      prev = cur;
      cur = tmp;
      prevNorm = norm;
      havePrev = true;
    }
  }
  return count === 0 ? 0 : total / count;
}
