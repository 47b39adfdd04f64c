// The batch functions on worker threads give bit-identical results to one thread. Workers run
// the package's built dist/batch-worker.js: `pnpm test` builds first; after changing src/,
// run `pnpm --filter @verl-ts/rank-metrics build` before running this file alone.
import { afterAll, describe, expect, it } from 'vitest';
import { batchRankMetrics, batchRankMetricsAsync, rankMetricsPool, type ResponseRankMetrics } from './index.js';
import { gaussianArray } from './test-utils/random.js';

const T = 130;
const D = 24;

/** Where response b's tokens are in its row. */
function span(b: number): { len: number; offset: number } {
  const len = [T, 97, 45, 1, 0, 81][b % 6];
  return { len, offset: (b * 7) % (T - len + 1) };
}

/** A padded batch of `B` responses of different lengths (some below 2 strides), NaN padding. */
function batch(B: number, seed: number, float64 = false) {
  const hidden = float64 ? new Float64Array(B * T * D).fill(NaN) : new Float32Array(B * T * D).fill(NaN);
  const mask = new Uint8Array(B * T);
  const values = gaussianArray(B * T * D, seed);
  for (let b = 0; b < B; b++) {
    const { len, offset } = span(b);
    for (let t = offset; t < offset + len; t++) {
      mask[b * T + t] = 1;
      // a low-rank part so that ER, ERV and ERA are not all near their noise values
      for (let j = 0; j < D; j++) hidden[(b * T + t) * D + j] = values[(b * T + t) * D + j] * (j < 6 ? 3 : 0.1) + Math.sin(t * 0.1 + j);
    }
  }
  return { hidden, mask, dims: { batch: B, time: T, dim: D } };
}

/** Equality of every float64 bit pattern (Object.is also tells 0 from -0 and matches NaN). */
function expectSameBits(got: ResponseRankMetrics[], want: ResponseRankMetrics[]): void {
  expect(got.length).toBe(want.length);
  const diff = got.flatMap((g, i) =>
    (['er', 'erv', 'era'] as const).filter((k) => !Object.is(g[k], want[i][k])).map((k) => `${i}.${k}: ${g[k]} vs ${want[i][k]}`),
  );
  expect(diff).toEqual([]);
}

const opts = { stride: 20, maxTokens: 100 };

afterAll(() => rankMetricsPool.close());

describe('batchRankMetrics on worker threads', () => {
  it('2, 3 and 5 threads give the bits of 1 thread (float32 and float64 input)', () => {
    for (const float64 of [false, true]) {
      const { hidden, mask, dims } = batch(23, 11, float64);
      const one = batchRankMetrics(hidden, dims, mask, { ...opts, workers: 1 });
      expect(one.filter((r) => r.erv !== 0).length).toBeGreaterThan(5); // the dynamics are exercised
      for (const workers of [2, 3, 5]) expectSameBits(batchRankMetrics(hidden, dims, mask, { ...opts, workers }), one);
    }
  });

  it('the async function runs on the workers alone and gives the same bits', async () => {
    const { hidden, mask, dims } = batch(17, 12);
    const one = batchRankMetrics(hidden, dims, mask, { ...opts, workers: 1 });
    const before = { ...rankMetricsPool.stats };
    expectSameBits(await batchRankMetricsAsync(hidden, dims, mask, { ...opts, workers: 2 }), one);
    // the workers did every response: none was left to the calling thread
    expect(rankMetricsPool.stats.jobs).toBe(before.jobs + 1);
    expect(rankMetricsPool.stats.byWorkers).toBe(before.byWorkers + 17);
    expect(rankMetricsPool.stats.recomputed).toBe(before.recomputed);
    expect(rankMetricsPool.stats.alive).toBeGreaterThanOrEqual(2);
  });

  it('workers that die in the middle of a batch leave their responses to the calling thread', async () => {
    const { hidden, mask, dims } = batch(120, 16);
    const one = batchRankMetrics(hidden, dims, mask, { ...opts, workers: 1 });
    const before = { ...rankMetricsPool.stats };
    const pending = batchRankMetricsAsync(hidden, dims, mask, { ...opts, workers: 2 });
    await rankMetricsPool.close(); // terminates both workers, whatever they were doing
    expectSameBits(await pending, one);
    const s = rankMetricsPool.stats;
    expect(s.recomputed - before.recomputed).toBeGreaterThan(0);
    expect(s.byWorkers - before.byWorkers + s.recomputed - before.recomputed).toBe(120);
  });

  it('the default is one thread per core, with the same results', () => {
    const { hidden, mask, dims } = batch(9, 13);
    expectSameBits(batchRankMetrics(hidden, dims, mask, opts), batchRankMetrics(hidden, dims, mask, { ...opts, workers: 1 }));
  });

  it('a non-finite state throws the error of one thread, or gives NaN for that response only', async () => {
    const { hidden, mask, dims } = batch(12, 14);
    // response 7 gets a NaN at its 6th token, response 9 (one token) an Infinity
    hidden[(7 * T + span(7).offset + 5) * D + 2] = NaN;
    hidden[(9 * T + span(9).offset) * D] = Infinity;
    const message = (() => {
      try {
        batchRankMetrics(hidden, dims, mask, { ...opts, workers: 1 });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    })();
    expect(message).toMatch(/NaN at row 5, column 2/);
    expect(() => batchRankMetrics(hidden, dims, mask, { ...opts, workers: 3 })).toThrow(message);
    await expect(batchRankMetricsAsync(hidden, dims, mask, { ...opts, workers: 2 })).rejects.toThrow(message);

    const one = batchRankMetrics(hidden, dims, mask, { ...opts, workers: 1, nonFinite: 'nan' });
    expect(one.map((r, i) => (Number.isNaN(r.er) ? i : -1)).filter((i) => i >= 0)).toEqual([7, 9]);
    expect(one.every((r, i) => i === 7 || i === 9 || Number.isFinite(r.er))).toBe(true);
    expectSameBits(batchRankMetrics(hidden, dims, mask, { ...opts, workers: 2, nonFinite: 'nan' }), one);
    expectSameBits(await batchRankMetricsAsync(hidden, dims, mask, { ...opts, workers: 2, nonFinite: 'nan' }), one);
  });

  it('rejects a bad worker count or policy', () => {
    const { hidden, mask, dims } = batch(2, 15);
    for (const workers of [0, -1, 1.5, NaN]) expect(() => batchRankMetrics(hidden, dims, mask, { workers })).toThrow(/workers must be an integer >= 1/);
    expect(() => batchRankMetrics(hidden, dims, mask, { nonFinite: 'skip' as never })).toThrow(/nonFinite must be/);
  });
});
