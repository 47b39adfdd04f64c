// Metrics over a padded batch [B, T, D] of hidden states with a [B, T] response mask, as the
// trainer has them: one result per response, using only that response's masked tokens
// (the reference selects hidden_states[i, mask.bool()] per sample; hf618/VERL
// verl/trainer/metrics_calculator.py). Also the dataset-level metric: the ER of the matrix
// of per-response mean hidden states (calculate_aggregated_metrics there).

import { effectiveRank, sequenceMetrics, type SequenceMetrics } from './effective-rank.js';
import { assertFinite, type Matrix } from './matrix.js';
import { checkDynamicsOptions, rankDynamics, type RankDynamicsOptions } from './rank-dynamics.js';

export interface BatchDims {
  batch: number;
  time: number;
  dim: number;
}

/** [B][T] rows of 0/1 (any non-zero counts as a response token), or a flat B*T array. */
export type BatchMask = ArrayLike<number>[] | Uint8Array | Float32Array | ArrayLike<number>;

export interface ResponseRankMetrics {
  /** ER of all the response's tokens (no truncation, like the reference's zeroth-order ER). */
  er: number;
  /** ERV over the last maxTokens tokens. */
  erv: number;
  /** ERA over the last maxTokens tokens. */
  era: number;
}

function checkDims(hidden: ArrayLike<number>, dims: BatchDims, what: string): void {
  if (!(hidden instanceof Float32Array || hidden instanceof Float64Array)) {
    throw new RangeError(`${what} must be a Float32Array or Float64Array [batch, time, dim]`);
  }
  for (const k of ['batch', 'time', 'dim'] as const) {
    const v = dims?.[k];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`dims.${k} must be a non-negative integer, got ${v}`);
  }
  const want = dims.batch * dims.time * dims.dim;
  if (hidden.length !== want) {
    throw new RangeError(
      `${what}.length is ${hidden.length} but batch*time*dim = ${dims.batch}*${dims.time}*${dims.dim} = ${want}`,
    );
  }
}

/** Per-row token indices selected by the mask, validated against [batch, time]. */
export function maskIndices(mask: BatchMask, batch: number, time: number): number[][] {
  const rows: number[][] = [];
  const nested = Array.isArray(mask) && (mask.length === 0 || typeof mask[0] !== 'number');
  if (nested) {
    const m = mask as ArrayLike<number>[];
    if (m.length !== batch) throw new RangeError(`mask has ${m.length} rows, expected batch = ${batch}`);
    for (let b = 0; b < batch; b++) {
      const row = m[b];
      if (!row || row.length !== time) {
        throw new RangeError(`mask row ${b} has length ${row?.length}, expected time = ${time}`);
      }
      rows.push(selected(row, 0, time, b));
    }
  } else {
    const m = mask as ArrayLike<number>;
    if (m.length !== batch * time) {
      throw new RangeError(`mask.length is ${m.length}, expected batch*time = ${batch}*${time} = ${batch * time}`);
    }
    for (let b = 0; b < batch; b++) rows.push(selected(m, b * time, time, b));
  }
  return rows;
}

function selected(m: ArrayLike<number>, off: number, time: number, b: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < time; t++) {
    const v = m[off + t];
    if (typeof v !== 'number' || Number.isNaN(v)) throw new RangeError(`mask[${b}][${t}] is not a number (${v})`);
    if (v !== 0) out.push(t);
  }
  return out;
}

/** The masked tokens of response b as a [n, D] matrix (same float type as `hidden`). */
export function maskedRows(hidden: Float32Array | Float64Array, dims: BatchDims, tokens: number[], b: number): Matrix {
  const { time, dim } = dims;
  const out = hidden instanceof Float64Array ? new Float64Array(tokens.length * dim) : new Float32Array(tokens.length * dim);
  tokens.forEach((t, i) => out.set(hidden.subarray((b * time + t) * dim, (b * time + t + 1) * dim), i * dim));
  return { data: out, rows: tokens.length, cols: dim };
}

/** One { er, erv, era } per response of a padded batch. */
export function batchRankMetrics(
  hidden: Float32Array | Float64Array,
  dims: BatchDims,
  mask: BatchMask,
  opts: RankDynamicsOptions = {},
): ResponseRankMetrics[] {
  checkDims(hidden, dims, 'hidden');
  checkDynamicsOptions(opts);
  const idx = maskIndices(mask, dims.batch, dims.time);
  return idx.map((tokens, b) => {
    const h = maskedRows(hidden, dims, tokens, b);
    const dyn = rankDynamics(h, opts);
    return { er: effectiveRank(h), erv: dyn.erv, era: dyn.era };
  });
}

/** Everything per response: sequence metrics (ER, log ER, ranks, Rényi, curvature) and the full dynamics. */
export function batchResponseMetrics(
  hidden: Float32Array | Float64Array,
  dims: BatchDims,
  mask: BatchMask,
  opts: RankDynamicsOptions & { alpha?: number } = {},
): Array<SequenceMetrics & ReturnType<typeof rankDynamics> & { tokens: number }> {
  checkDims(hidden, dims, 'hidden');
  checkDynamicsOptions(opts);
  return maskIndices(mask, dims.batch, dims.time).map((tokens, b) => {
    const h = maskedRows(hidden, dims, tokens, b);
    return { ...sequenceMetrics(h, { alpha: opts.alpha }), ...rankDynamics(h, opts), tokens: tokens.length };
  });
}

/**
 * [B', D] matrix of per-response mean hidden states (float64). Responses without any
 * masked token are left out; the reference writes a zero row for them instead, which
 * would count an empty response as a direction (includeEmpty: true reproduces that).
 */
export function meanHiddenStates(
  hidden: Float32Array | Float64Array,
  dims: BatchDims,
  mask: BatchMask,
  opts: { includeEmpty?: boolean } = {},
): Matrix {
  checkDims(hidden, dims, 'hidden');
  const { time, dim } = dims;
  const means: Float64Array[] = [];
  maskIndices(mask, dims.batch, time).forEach((tokens, b) => {
    if (tokens.length === 0 && !opts.includeEmpty) return;
    const m = new Float64Array(dim);
    for (const t of tokens) {
      const o = (b * time + t) * dim;
      // Only masked tokens are checked: padding may hold anything.
      assertFinite(hidden.subarray(o, o + dim), dim, `hidden[${b}][${t}]`);
      for (let j = 0; j < dim; j++) m[j] += hidden[o + j];
    }
    if (tokens.length > 0) for (let j = 0; j < dim; j++) m[j] /= tokens.length;
    means.push(m);
  });
  const data = new Float64Array(means.length * dim);
  means.forEach((m, i) => data.set(m, i * dim));
  return { data, rows: means.length, cols: dim };
}

/** Dataset-level ER: effective rank of the matrix of per-response mean hidden states. */
export function datasetEffectiveRank(
  hidden: Float32Array | Float64Array,
  dims: BatchDims,
  mask: BatchMask,
  opts: { includeEmpty?: boolean } = {},
): number {
  return effectiveRank(meanHiddenStates(hidden, dims, mask, opts));
}

/** Dataset-level ER from separate responses [T_i, D] (all with the same D). */
export function datasetEffectiveRankOf(responses: Matrix[]): number {
  if (responses.length === 0) return 0;
  const dim = responses[0].cols;
  const data = new Float64Array(responses.length * dim);
  responses.forEach((h, i) => {
    if (h.cols !== dim) throw new RangeError(`response ${i} has ${h.cols} columns, expected ${dim}`);
    if (h.data.length !== h.rows * h.cols) {
      throw new RangeError(`response ${i}: data.length is ${h.data.length} but rows*cols = ${h.rows * h.cols}`);
    }
    assertFinite(h.data, h.cols, `response ${i}`);
    if (h.rows === 0) throw new RangeError(`response ${i} has no rows (no mean hidden state)`);
    for (let t = 0; t < h.rows; t++) for (let j = 0; j < dim; j++) data[i * dim + j] += h.data[t * dim + j];
    for (let j = 0; j < dim; j++) data[i * dim + j] /= h.rows;
  });
  return effectiveRank({ data, rows: responses.length, cols: dim });
}
