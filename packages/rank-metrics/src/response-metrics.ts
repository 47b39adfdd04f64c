// The metrics of one response, { er, erv, era }: the unit of work of the batch functions,
// run the same way in the calling thread and in the worker threads (batch-worker.ts), so that
// a result never depends on which thread computed it.

import { effectiveRank } from './effective-rank.js';
import type { Matrix } from './matrix.js';
import { rankDynamics, type RankDynamicsOptions } from './rank-dynamics.js';

export interface ResponseRankMetrics {
  /** ER of all the response's tokens (no truncation, like the reference's zeroth-order ER). */
  er: number;
  /** ERV over the last maxTokens tokens. */
  erv: number;
  /** ERA over the last maxTokens tokens. */
  era: number;
}

/**
 * What to do with a response whose masked states hold NaN or ±Infinity: `'throw'` a
 * RangeError naming the row and column (the default), or give `'nan'` metrics for that
 * response only (a trainer then skips shaping for the step instead of failing).
 */
export type NonFinitePolicy = 'throw' | 'nan';

function allFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x - x !== 0) return false; // NaN exactly for NaN and ±Infinity
  }
  return true;
}

export function responseRankMetrics(h: Matrix, opts: RankDynamicsOptions, nonFinite: NonFinitePolicy = 'throw'): ResponseRankMetrics {
  if (nonFinite === 'nan' && !allFinite(h.data)) return { er: NaN, erv: NaN, era: NaN };
  const dyn = rankDynamics(h, opts);
  return { er: effectiveRank(h), erv: dyn.erv, era: dyn.era };
}
