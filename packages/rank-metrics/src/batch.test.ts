import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tools/test-support/fixtures.js';
import {
  batchRankMetrics,
  batchResponseMetrics,
  datasetEffectiveRank,
  datasetEffectiveRankOf,
  effectiveRank,
  meanHiddenStates,
  rankDynamics,
  type Matrix,
} from './index.js';
import { gaussianArray } from './test-utils/random.js';

interface Case {
  name: string;
  shape: [number, number];
  hidden: number[];
  effective_rank: number;
  diffs: Record<string, { erv_mean: number; era_mean: number }>;
}
const cases = (
  JSON.parse(readFileSync(fixturePath('rank-metrics', 'reference.json'), 'utf8')) as { cases: Case[] }
).cases;
const byName = (n: string): Case => cases.find((c) => c.name === n)!;

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-1, Math.abs(b));

/** Pack responses (same D) into a padded [B, T, D] batch; padding is NaN to prove it is never read. */
function pack(responses: { rows: number[]; offset: number }[], time: number, dim: number) {
  const B = responses.length;
  const hidden = new Float32Array(B * time * dim).fill(NaN);
  const mask = responses.map(() => new Array<number>(time).fill(0));
  responses.forEach((r, b) => {
    const T = r.rows.length / dim;
    for (let t = 0; t < T; t++) {
      mask[b][r.offset + t] = 1;
      for (let j = 0; j < dim; j++) hidden[(b * time + r.offset + t) * dim + j] = r.rows[t * dim + j];
    }
  });
  return { hidden, mask, dims: { batch: B, time, dim } };
}

describe('batch helpers', () => {
  const g = byName('gaussian'); // [210, 48]
  const D = g.shape[1];
  const short = Array.from(gaussianArray(30 * D, 5));

  it('one { er, erv, era } per response from its masked tokens only (left and right padding)', () => {
    const { hidden, mask, dims } = pack(
      [
        { rows: g.hidden, offset: 0 }, // right padding
        { rows: g.hidden, offset: 25 }, // left padding
        { rows: short, offset: 3 }, // T = 30 < 2 * stride: ERV = ERA = 0
        { rows: [], offset: 0 }, // empty response
      ],
      240,
      D,
    );
    const out = batchRankMetrics(hidden, dims, mask);
    expect(out).toHaveLength(4);
    for (const r of out.slice(0, 2)) {
      expect(rel(r.er, g.effective_rank)).toBeLessThan(1e-4);
      expect(rel(r.erv, g.diffs['40'].erv_mean)).toBeLessThan(1e-4);
      expect(rel(r.era, g.diffs['40'].era_mean)).toBeLessThan(1e-4);
    }
    const shortM: Matrix = { data: Float32Array.from(short), rows: 30, cols: D };
    expect(out[2].er).toBe(effectiveRank(shortM));
    expect(out[2].erv).toBe(0);
    expect(out[2].era).toBe(0);
    expect(out[3]).toEqual({ er: 0, erv: 0, era: 0 });

    // Flat masks (Uint8Array / Float32Array) give the same numbers; stride is passed through.
    const flat = Uint8Array.from(mask.flat());
    expect(batchRankMetrics(hidden, dims, flat)).toEqual(out);
    expect(batchRankMetrics(hidden, dims, Float32Array.from(flat))).toEqual(out);
    const s20 = batchRankMetrics(hidden, dims, flat, { stride: 20 });
    expect(rel(s20[0].erv, g.diffs['20'].erv_mean)).toBeLessThan(1e-4);
  });

  it('maxTokens keeps the last tokens of each response', () => {
    const { hidden, mask, dims } = pack([{ rows: g.hidden, offset: 10 }], 220, D);
    const [r] = batchRankMetrics(hidden, dims, mask, { maxTokens: 100 });
    const last100: Matrix = { data: Float64Array.from(g.hidden.slice(110 * D)), rows: 100, cols: D };
    const direct = rankDynamics(last100);
    expect(r.erv).toBeCloseTo(direct.erv, 6);
    expect(r.era).toBeCloseTo(direct.era, 6);
    expect(r.er).toBeCloseTo(g.effective_rank, 3); // ER itself uses every token
  });

  it('batchResponseMetrics returns the full per-response record', () => {
    const { hidden, mask, dims } = pack([{ rows: g.hidden, offset: 0 }], 210, D);
    const [r] = batchResponseMetrics(hidden, dims, mask);
    expect(r.tokens).toBe(210);
    expect(r.windowRanks).toHaveLength(5);
    expect(rel(r.effectiveRank, g.effective_rank)).toBeLessThan(1e-4);
  });

  it('rejects malformed input with RangeErrors naming the problem', () => {
    const { hidden, mask, dims } = pack([{ rows: short, offset: 0 }], 30, D);
    expect(() => batchRankMetrics(hidden.subarray(1), dims, mask)).toThrow(/hidden.length is .* batch\*time\*dim/);
    expect(() => batchRankMetrics(hidden, dims, [mask[0].slice(1)])).toThrow(/mask row 0 has length 29/);
    expect(() => batchRankMetrics(hidden, dims, new Uint8Array(7))).toThrow(/mask.length is 7/);
    expect(() => batchRankMetrics(hidden, dims, mask, { stride: 0 })).toThrow(RangeError);
    expect(() => batchRankMetrics(Array.from(hidden) as unknown as Float32Array, dims, mask)).toThrow(/Float32Array or Float64Array/);
    const bad = hidden.slice();
    bad[5 * D + 2] = NaN;
    expect(() => batchRankMetrics(bad, dims, mask)).toThrow(/NaN at row 5, column 2/);
  });
});

describe('dataset-level ER (matrix of per-response mean hidden states)', () => {
  it('averages each response over its masked tokens and skips empty responses', () => {
    // B = 3, T = 3, D = 2; response 2 is empty.
    const hidden = Float32Array.from([1, 2, 3, 4, 99, 99, /**/ 0, 0, 5, -1, 7, 3, /**/ 8, 8, 8, 8, 8, 8]);
    const mask = [
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 0],
    ];
    const dims = { batch: 3, time: 3, dim: 2 };
    const m = meanHiddenStates(hidden, dims, mask);
    expect(m.rows).toBe(2);
    expect(Array.from(m.data)).toEqual([2, 3, 6, 1]);
    expect(meanHiddenStates(hidden, dims, mask, { includeEmpty: true }).rows).toBe(3);
    expect(datasetEffectiveRank(hidden, dims, mask)).toBe(effectiveRank(m));
    // Two points: one centred direction, ER = 1 (within the reference's 1e-8 guard).
    expect(datasetEffectiveRank(hidden, dims, mask)).toBeCloseTo(1, 6);
  });

  it('equals the ER of a hand-built mean matrix for separate responses', () => {
    const D = 12;
    const responses: Matrix[] = [7, 3, 11, 5, 9].map((T, i) => ({ data: gaussianArray(T * D, 50 + i), rows: T, cols: D }));
    const means = new Float64Array(responses.length * D);
    responses.forEach((h, i) => {
      for (let t = 0; t < h.rows; t++) for (let j = 0; j < D; j++) means[i * D + j] += h.data[t * D + j] / h.rows;
    });
    const want = effectiveRank({ data: means, rows: responses.length, cols: D });
    expect(datasetEffectiveRankOf(responses)).toBeCloseTo(want, 12);
    expect(want).toBeGreaterThan(2);
    expect(() => datasetEffectiveRankOf([responses[0], { data: new Float64Array(3), rows: 1, cols: 3 }])).toThrow(
      /response 1 has 3 columns/,
    );
  });
});
