// Metrics over a padded batch [B, T, D] of hidden states with a [B, T] response mask, as the
// trainer has them: one result per response, using only that response's masked tokens
// (the reference selects hidden_states[i, mask.bool()] per sample; hf618/VERL
// verl/trainer/metrics_calculator.py). Also the dataset-level metric: the ER of the matrix
// of per-response mean hidden states (calculate_aggregated_metrics there).

import { effectiveRank, sequenceMetrics, type SequenceMetrics } from './effective-rank.js';
import { assertFinite, type Matrix } from './matrix.js';
import { checkDynamicsOptions, rankDynamics, type RankDynamicsOptions } from './rank-dynamics.js';
import { responseRankMetrics, type NonFinitePolicy, type ResponseRankMetrics } from './response-metrics.js';
import { STATUS, type SharedJob } from './shared-job.js';
import { defaultWorkerCount, rankMetricsPool } from './worker-pool.js';

export type { NonFinitePolicy, ResponseRankMetrics };

export interface BatchDims {
  batch: number;
  time: number;
  dim: number;
}

/** [B][T] rows of 0/1 (any non-zero counts as a response token), or a flat B*T array. */
export type BatchMask = ArrayLike<number>[] | Uint8Array | Float32Array | ArrayLike<number>;

export interface BatchRankOptions extends RankDynamicsOptions {
  /**
   * Threads that share the responses: default one per available core
   * (os.availableParallelism()); 1 computes everything in the calling thread. Results are
   * bit-identical whatever the number: each response is computed whole by one thread with
   * the same code.
   */
  workers?: number;
  /** NaN or ±Infinity in a response's masked states: throw (default) or give it NaN metrics. */
  nonFinite?: NonFinitePolicy;
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

function checkBatchOptions(opts: BatchRankOptions): { workers: number; nonFinite: NonFinitePolicy } {
  checkDynamicsOptions(opts);
  const workers = opts.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be an integer >= 1, got ${workers}`);
  const nonFinite = opts.nonFinite ?? 'throw';
  if (nonFinite !== 'throw' && nonFinite !== 'nan') throw new RangeError(`nonFinite must be 'throw' or 'nan', got ${nonFinite}`);
  return { workers, nonFinite };
}

/** The masked rows of every response copied, one after the other, into shared memory. */
function sharedJob(hidden: Float32Array | Float64Array, dims: BatchDims, idx: number[][], opts: BatchRankOptions, nonFinite: NonFinitePolicy): SharedJob {
  const { time, dim } = dims;
  const rowStart = [0];
  for (const tokens of idx) rowStart.push(rowStart[rowStart.length - 1] + tokens.length);
  const float64 = hidden instanceof Float64Array;
  const data = new SharedArrayBuffer(rowStart[idx.length] * dim * (float64 ? 8 : 4));
  const view = float64 ? new Float64Array(data) : new Float32Array(data);
  idx.forEach((tokens, b) => {
    tokens.forEach((t, i) => view.set(hidden.subarray((b * time + t) * dim, (b * time + t + 1) * dim), (rowStart[b] + i) * dim));
  });
  return {
    id: rankMetricsPool.jobId(),
    data,
    float64,
    dim,
    rowStart,
    // all zero: the next response is 0, none is done, every one is UNCLAIMED
    ctl: new SharedArrayBuffer((STATUS + idx.length) * 4),
    results: new SharedArrayBuffer(idx.length * 3 * 8),
    opts: { stride: opts.stride, maxTokens: opts.maxTokens },
    nonFinite,
  };
}

/**
 * One { er, erv, era } per response of a padded batch. Responses are spread over `workers`
 * threads (default: every core), the calling thread included, which blocks until all are
 * done; `workers: 1` computes in the calling thread only.
 */
export function batchRankMetrics(
  hidden: Float32Array | Float64Array,
  dims: BatchDims,
  mask: BatchMask,
  opts: BatchRankOptions = {},
): ResponseRankMetrics[] {
  checkDims(hidden, dims, 'hidden');
  const { workers, nonFinite } = checkBatchOptions(opts);
  const idx = maskIndices(mask, dims.batch, dims.time);
  if (workers === 1 || idx.length < 2) {
    return idx.map((tokens, b) => responseRankMetrics(maskedRows(hidden, dims, tokens, b), opts, nonFinite));
  }
  return rankMetricsPool.runSync(sharedJob(hidden, dims, idx, opts, nonFinite), workers);
}

/**
 * `batchRankMetrics` on `workers` worker threads (default: every core) while the calling
 * thread stays free (e.g. for the next forward pass); same results. `workers: 1` computes in
 * the calling thread, as the synchronous function does.
 */
export async function batchRankMetricsAsync(
  hidden: Float32Array | Float64Array,
  dims: BatchDims,
  mask: BatchMask,
  opts: BatchRankOptions = {},
): Promise<ResponseRankMetrics[]> {
  checkDims(hidden, dims, 'hidden');
  const { workers, nonFinite } = checkBatchOptions(opts);
  const idx = maskIndices(mask, dims.batch, dims.time);
  if (workers === 1) {
    return idx.map((tokens, b) => responseRankMetrics(maskedRows(hidden, dims, tokens, b), opts, nonFinite));
  }
  return rankMetricsPool.runAsync(sharedJob(hidden, dims, idx, opts, nonFinite), workers);
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
