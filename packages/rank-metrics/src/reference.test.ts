// Every value in fixtures/rank-metrics/reference.json (computed by the authors'
// metric functions in float64) must be reproduced within 1e-4 relative / 1e-5 absolute.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tools/test-support/fixtures.js';
import {
  curvature,
  effectiveRank,
  logEffectiveRank,
  rankDynamics,
  renyiEntropy,
  sequenceMetrics,
  traditionalRank,
  type Matrix,
} from './index.js';

interface StrideDiffs {
  'Effective Rank diff': number[];
  'Effective Rank diff 2': number[];
  erv_mean: number;
  era_mean: number;
}
interface Case {
  name: string;
  shape: [number, number];
  hidden: number[];
  effective_rank: number;
  log_effective_rank: number;
  traditional_rank: number;
  renyi_entropy_gram: number;
  renyi_entropy_covariance: number;
  curvature: number;
  diffs: Record<string, StrideDiffs>;
}

const fixture = JSON.parse(readFileSync(fixturePath('rank-metrics', 'reference.json'), 'utf8')) as {
  cases: Case[];
};

function close(actual: number, expected: number, what: string): void {
  const tol = Math.max(1e-4 * Math.abs(expected), 1e-5);
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (|diff| ${Math.abs(actual - expected)} > ${tol})`);
  }
}

function closeList(actual: number[], expected: number[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  expected.forEach((e, i) => close(actual[i], e, `${what}[${i}]`));
}

describe('reference fixture (authors’ metrics_utils.py, float64)', () => {
  it('has the expected cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(8);
  });
  for (const c of fixture.cases) {
    describe(c.name, () => {
      const h: Matrix = { data: Float64Array.from(c.hidden), rows: c.shape[0], cols: c.shape[1] };
      it('ER, log ER, traditional rank, Rényi, curvature', () => {
        close(effectiveRank(h), c.effective_rank, 'effective_rank');
        close(logEffectiveRank(h), c.log_effective_rank, 'log_effective_rank');
        expect(traditionalRank(h)).toBe(c.traditional_rank);
        close(renyiEntropy(h, { matrix: 'gram' }), c.renyi_entropy_gram, 'renyi gram');
        close(renyiEntropy(h, { matrix: 'covariance' }), c.renyi_entropy_covariance, 'renyi covariance');
        close(renyiEntropy(h), c.renyi_entropy_gram, 'renyi default');
        close(curvature(h), c.curvature, 'curvature');
        const all = sequenceMetrics(h);
        close(all.effectiveRank, c.effective_rank, 'sequenceMetrics.effectiveRank');
        expect(all.traditionalRank).toBe(c.traditional_rank);
      });
      it('also from float32 input (within float32 rounding of the 6-decimal inputs)', () => {
        const h32: Matrix = { data: Float32Array.from(c.hidden), rows: h.rows, cols: h.cols };
        const er = effectiveRank(h32);
        expect(Math.abs(er - c.effective_rank)).toBeLessThanOrEqual(1e-4 * Math.max(1, c.effective_rank));
      });
      for (const [stride, exp] of Object.entries(c.diffs)) {
        it(`ERV/ERA, stride ${stride}`, () => {
          const r = rankDynamics(h, { stride: Number(stride) });
          closeList(r.velocities, exp['Effective Rank diff'], 'velocities');
          closeList(r.accelerations, exp['Effective Rank diff 2'], 'accelerations');
          close(r.erv, exp.erv_mean, 'erv');
          close(r.era, exp.era_mean, 'era');
        });
      }
    });
  }
});
