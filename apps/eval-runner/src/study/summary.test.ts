import { describe, expect, it } from 'vitest';
import { summarizeStudy, type RunResult } from './summary.js';
import { STUDY_EVAL_DEFAULTS, type StudyArm } from './study-config.js';
import { formatStudyMarkdown } from './table.js';

const T = true;
const F = false;
function res(seed: number, rows: boolean[][]): RunResult {
  return { seed, correct: new Map(rows.map((r, i) => [`p${i}`, r])), trainSeconds: 90, truncatedRate: 0.1, meanResponseTokens: 14, runDir: `/r/${seed}` };
}
const A: StudyArm = { name: 'a', label: 'A', set: {} };
const B: StudyArm = { name: 'b', label: 'B', set: {} };
const EVAL = { ...STUDY_EVAL_DEFAULTS, problems: 2, n: 4 };

describe('summarizeStudy (2 problems × 4 samples, hand numbers)', () => {
  // A: seed 0 → p0 2/4, p1 1/4 (avg 0.375); seed 1 → p0 3/4, p1 0/4 (0.375)
  // B: seed 0 → p0 4/4, p1 1/4 (0.625); seed 1 → p0 3/4, p1 1/4 (0.5)
  const s = summarizeStudy({
    name: 'hand', eval: EVAL, ks: [1, 2, 4], seeds: [0, 1], createdAt: 'x',
    arms: [
      { arm: A, results: [res(0, [[T, T, F, F], [T, F, F, F]]), res(1, [[T, T, T, F], [F, F, F, F]])] },
      { arm: B, results: [res(1, [[T, T, T, F], [T, F, F, F]]), res(0, [[T, T, T, T], [T, F, F, F]])] },
    ],
  });
  const [a, b] = s.arms;

  it('means over seeds with the t interval', () => {
    expect(a.perSeed).toEqual([0.375, 0.375]);
    expect([a.avgN.mean, a.avgN.low, a.avgN.high]).toEqual([0.375, 0.375, 0.375]);
    expect(b.seeds).toEqual([0, 1]); // sorted by seed whatever the order given
    expect(b.perSeed).toEqual([0.625, 0.5]);
    // s = 0.0883883, t_{0.975,1} = 12.7062047 → half = 12.7062047 · 0.0883883 / √2 = 0.7941378
    expect(b.avgN.low).toBeCloseTo(0.5625 - 0.7941378, 6);
  });

  it('pass@k per seed, then over seeds (unbiased estimator)', () => {
    // A seed 0: pass@2 = mean(1 − C(2,2)/C(4,2), 1 − C(3,2)/C(4,2)) = mean(5/6, 1/2) = 2/3; seed 1: mean(1, 0) = 1/2
    expect(a.passAtK['2'].mean).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(a.passAtK['1'].mean).toBeCloseTo(0.375, 12);
    // pass@4 with n = 4 is 1 when any sample is right: seed 0 mean(1, 1) = 1, seed 1 mean(1, 0) = 0.5
    expect(a.passAtK['4'].mean).toBe(0.75);
  });

  it('pairs B with A seed by seed and bootstraps over problems', () => {
    // Δ = (0.25, 0.125): mean 0.1875, s = 0.0883883, half 0.7941378
    const d = b.difference!;
    expect(d.seeds).toEqual([0, 1]);
    expect(d.paired.mean).toBeCloseTo(0.1875, 12);
    expect(d.paired.low).toBeCloseTo(0.1875 - 0.7941378, 6);
    expect(d.paired.high).toBeCloseTo(0.1875 + 0.7941378, 6);
    expect(d.sentence).toBe('B − A (held-out avg@4): +18.8 points [−60.7, +98.2] over 2 seeds; the interval includes 0');
    // per problem over seeds: A (0.625, 0.125), B (0.875, 0.25), B − A (0.25, 0.125): with two problems
    // the resampled means are 0.125, 0.375 or 0.625 (A) and the 2.5/97.5th percentiles the extremes
    expect([a.bootstrap.low, a.bootstrap.high]).toEqual([0.125, 0.625]);
    expect([d.bootstrap.low, d.bootstrap.high]).toEqual([0.125, 0.25]);
    expect(a.difference).toBeUndefined();
    expect(s.sentences).toEqual([d.sentence]);
    expect(s.complete).toBe(true);
  });

  it('a partial study compares the seeds both arms finished, and says it is incomplete', () => {
    const p = summarizeStudy({
      name: 'part', eval: EVAL, ks: [1], seeds: [0, 1],
      arms: [{ arm: A, results: [res(0, [[T, T, F, F], [T, F, F, F]]), res(1, [[T, T, T, F], [F, F, F, F]])] }, { arm: B, results: [res(0, [[T, T, T, T], [T, F, F, F]])] }],
    });
    expect(p.complete).toBe(false);
    expect(p.arms[1].difference!.seeds).toEqual([0]);
    expect(p.sentences).toEqual(['B − A (held-out avg@4): +25.0 points over 1 seed; no interval from one seed']);
    const md = formatStudyMarkdown(p);
    // seed 0 per problem: B − A = (1 − 0.5, 0.25 − 0.25) = (0.5, 0): the bootstrap's extremes are 0 and 0.5
    expect(md).toContain('| B | 1 | 62.5% | – | [25.0, 100.0]% | 62.5% | +25.0 | – | [0.0, +50.0] | 10.0% | 1m30s |');
    expect(md).toContain('Incomplete: not every arm has finished all 2 seeds');
  });
});
