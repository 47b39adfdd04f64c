// The matrix type of the public API and its validation.

/** Row-major [rows, cols] matrix, e.g. the hidden states [T, D] of one response. */
export interface Matrix {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

/** Throws a RangeError naming the problem when `h` is not a well-formed finite matrix. */
export function validateMatrix(h: Matrix, name = 'matrix'): void {
  if (h === null || typeof h !== 'object') throw new RangeError(`${name} must be an object { data, rows, cols }`);
  const { data, rows, cols } = h;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`${name}.rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`${name}.cols must be a non-negative integer, got ${cols}`);
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new RangeError(`${name}.data must be a Float32Array or Float64Array`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(
      `${name}.data.length is ${data.length} but rows*cols = ${rows}*${cols} = ${rows * cols}`,
    );
  }
  assertFinite(data, cols, name);
}

/** Throws a RangeError with the row and column of the first NaN or infinite value. */
export function assertFinite(data: ArrayLike<number>, cols: number, name: string): void {
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    // x - x is NaN exactly for NaN and +-Infinity; cheaper than Number.isFinite in the hot loop.
    if (x - x !== 0) {
      const where = cols > 0 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new RangeError(`${name} contains ${Number.isNaN(x) ? 'NaN' : String(x)} at ${where}`);
    }
  }
}

/**
 * Rows [start, start+count) of `h` in float64 with every column shifted by the column mean
 * of those rows. Centred metrics do not change under a constant shift, and working on
 * shifted data keeps the incremental Gram/covariance updates free of cancellation. The mean
 * is formed as x0 + mean(x - x0), which is exact when a column is constant, so a constant
 * matrix gives exact zeros (ER 1, traditional rank 0, as in the reference).
 */
export function shiftedRows(h: Matrix, start: number, count: number): Float64Array {
  const D = h.cols;
  const src = h.data;
  const out = new Float64Array(count * D);
  if (count === 0) return out;
  const base = start * D;
  const mean = new Float64Array(D);
  for (let t = 1; t < count; t++) {
    const o = base + t * D;
    for (let j = 0; j < D; j++) mean[j] += src[o + j] - src[base + j];
  }
  for (let j = 0; j < D; j++) mean[j] = src[base + j] + mean[j] / count;
  for (let t = 0; t < count; t++) {
    const o = base + t * D;
    const oo = t * D;
    for (let j = 0; j < D; j++) out[oo + j] = src[o + j] - mean[j];
  }
  return out;
}
