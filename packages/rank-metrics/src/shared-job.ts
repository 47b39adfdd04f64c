// A batch of responses laid out in shared memory, and the loop by which threads take its
// responses one at a time. Used by the calling thread and by every worker (batch-worker.ts):
// the next response to compute is an atomic counter, so a thread that finishes a short
// response simply takes the next one (responses differ in length, fixed shares would not
// balance), and each result lands in its own slot of a shared Float64Array, so the output
// order and values do not depend on which thread computed what.

import type { Matrix } from './matrix.js';
import type { RankDynamicsOptions } from './rank-dynamics.js';
import { responseRankMetrics, type NonFinitePolicy, type ResponseRankMetrics } from './response-metrics.js';

/** ctl[NEXT]: next unclaimed response; ctl[DONE]: responses finished (with or without error). */
export const NEXT = 0;
export const DONE = 1;
/** ctl[STATUS + i]: state of response i. */
export const STATUS = 2;
export const UNCLAIMED = 0;
export const CLAIMED = 1;
export const FINISHED = 2;
/** The response threw: the calling thread recomputes it to throw the very same error. */
export const FAILED = 3;

/** Everything a worker needs; structured-cloneable (the SharedArrayBuffers are shared, not copied). */
export interface SharedJob {
  id: number;
  /** The masked rows of every response, one after the other, [sum of rows, dim]. */
  data: SharedArrayBuffer;
  float64: boolean;
  dim: number;
  /** Response i is rows rowStart[i] .. rowStart[i + 1] of `data`. */
  rowStart: number[];
  /** Int32Array [2 + batch]: see NEXT, DONE, STATUS. */
  ctl: SharedArrayBuffer;
  /** Float64Array [batch * 3]: er, erv, era per response. */
  results: SharedArrayBuffer;
  opts: RankDynamicsOptions;
  nonFinite: NonFinitePolicy;
}

export function jobSize(job: SharedJob): number {
  return job.rowStart.length - 1;
}

/** The rows of response i as a matrix viewing the shared data (no copy). */
export function responseMatrix(job: SharedJob, i: number): Matrix {
  const start = job.rowStart[i] * job.dim;
  const length = (job.rowStart[i + 1] - job.rowStart[i]) * job.dim;
  const data = job.float64 ? new Float64Array(job.data, start * 8, length) : new Float32Array(job.data, start * 4, length);
  return { data, rows: job.rowStart[i + 1] - job.rowStart[i], cols: job.dim };
}

export function computeOne(job: SharedJob, i: number): ResponseRankMetrics {
  return responseRankMetrics(responseMatrix(job, i), job.opts, job.nonFinite);
}

function store(job: SharedJob, i: number, m: ResponseRankMetrics): void {
  const out = new Float64Array(job.results);
  out[3 * i] = m.er;
  out[3 * i + 1] = m.erv;
  out[3 * i + 2] = m.era;
}

/**
 * Takes unclaimed responses until none is left. Errors are not thrown here: the response is
 * marked FAILED and the calling thread, which recomputes it, throws. Returns how many
 * responses this thread took and the longest time one took (ms), which the calling thread
 * uses to judge a stalled worker.
 */
export function claimLoop(job: SharedJob): { count: number; longestMs: number } {
  const ctl = new Int32Array(job.ctl);
  const n = jobSize(job);
  let longestMs = 0;
  let count = 0;
  for (;;) {
    const i = Atomics.add(ctl, NEXT, 1);
    if (i >= n) return { count, longestMs };
    count++;
    Atomics.store(ctl, STATUS + i, CLAIMED);
    const t0 = performance.now();
    let status = FINISHED;
    try {
      store(job, i, computeOne(job, i));
    } catch {
      status = FAILED;
    }
    longestMs = Math.max(longestMs, performance.now() - t0);
    Atomics.store(ctl, STATUS + i, status);
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}

/**
 * Finishes a job in the calling thread after the workers are done or given up on: responses a
 * worker left unfinished (it died or stalled) are computed here, and a FAILED one is recomputed
 * so that its error is thrown; in index order, so the first failing response throws, as in a
 * single thread. Then the results are read out.
 */
export function finishJob(job: SharedJob): ResponseRankMetrics[] {
  const ctl = new Int32Array(job.ctl);
  const n = jobSize(job);
  for (let i = 0; i < n; i++) {
    if (Atomics.load(ctl, STATUS + i) !== FINISHED) {
      store(job, i, computeOne(job, i));
      Atomics.store(ctl, STATUS + i, FINISHED);
    }
  }
  const r = new Float64Array(job.results);
  return Array.from({ length: n }, (_, i) => ({ er: r[3 * i], erv: r[3 * i + 1], era: r[3 * i + 2] }));
}
