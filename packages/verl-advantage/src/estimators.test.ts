import { describe, expect, it } from 'vitest';
import {
  drGrpoAdvantages,
  grpoAdvantages,
  reinforcePlusPlusBaselineAdvantages,
  rlooAdvantages,
} from './estimators.js';
import { broadcastOverMask, lengthsFromMask } from './broadcast.js';

// One batch used throughout, with the groups interleaved so that grouping must go by id:
//   group 'a': rewards 1, 0, 0, 1     (mean 0.5, sample std sqrt(1/3))
//   group 'b': rewards 1, 1, 1        (all equal: std 0)
//   group 'c': reward 0.5             (singleton)
//   group  7 : rewards 2, -1          (mean 0.5, sample std sqrt(4.5))
const rewards = [1, 1, 0, 0.5, 2, 0, 1, 1, -1, 1];
const groupIds = ['a', 'b', 'a', 'c', 7, 'a', 'b', 'a', 7, 'b'];

describe('grpo (core_algos.py compute_grpo_outcome_advantage)', () => {
  it('z-scores each group with the Bessel std + 1e-6; singleton: mean 0, std 1; equal rewards: 0', () => {
    // 0.5 / (sqrt(1/3) + 1e-6) = 0.8660239037870368
    const a = 0.8660239037870368;
    // 1.5 / (sqrt(4.5) + 1e-6) = 0.7071064478533713
    const d = 0.7071064478533713;
    // singleton: 0.5 / (1 + 1e-6) = 0.49999950000050003
    const c = 0.49999950000050003;
    const got = grpoAdvantages({ rewards, groupIds });
    const want = [a, 0, -a, c, d, -a, 0, a, -d, 0];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 14));
  });

  it('honours a custom epsilon', () => {
    // group [1, 0]: mean 0.5, sample std sqrt(0.5); eps 0.1 → 0.5 / (0.7071067811865476 + 0.1)
    const got = grpoAdvantages({ rewards: [1, 0], groupIds: [0, 0], epsilon: 0.1 });
    expect(got[0]).toBeCloseTo(0.619496715496477, 14);
    expect(got[1]).toBeCloseTo(-0.619496715496477, 14);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => grpoAdvantages({ rewards: [1, NaN], groupIds: [0, 0] })).toThrow(/rewards\[1\]/);
    expect(() => grpoAdvantages({ rewards: [1, 2], groupIds: [0] })).toThrow(RangeError);
    expect(() => grpoAdvantages({ rewards: [1], groupIds: [{} as unknown as number] })).toThrow(/groupIds\[0\]/);
    expect(grpoAdvantages({ rewards: [], groupIds: [] })).toEqual([]);
  });
});

describe('dr-grpo (grpo with norm_adv_by_std_in_grpo=False)', () => {
  it('subtracts the group mean only; a singleton keeps its reward', () => {
    expect(drGrpoAdvantages({ rewards, groupIds })).toEqual([0.5, 0, -0.5, 0.5, 1.5, -0.5, 0, 0.5, -1.5, 0]);
  });
});

describe('rloo (core_algos.py compute_rloo_outcome_advantage)', () => {
  it('is r_i minus the mean of the other responses; a singleton keeps its raw reward', () => {
    // group a (n=4): 1 - (0+0+1)/3 = 2/3, 0 - (1+0+1)/3 = -2/3; group 7: 2 - (-1) = 3, -1 - 2 = -3
    const got = rlooAdvantages({ rewards, groupIds });
    const want = [2 / 3, 0, -2 / 3, 0.5, 3, -2 / 3, 0, 2 / 3, -3, 0];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 14));
  });
});

describe('reinforce-plus-plus-baseline (group mean, then masked_whiten over tokens)', () => {
  // centred scores s = [.5, 0, -.5, .5, 1.5, -.5, 0, .5, -1.5, 0] (singleton: s = r since mean := 0)
  it('whitens over responses when no lengths are given', () => {
    // N = 10, μ = 0.5/(10+1e-8) ≈ 0.05; Σ(s-μ)² = Σs² - Nμ² = 5.75 - 0.025 = 5.725;
    // v = 5.725/10 · 10/9 = 0.636111…; A = (s - μ)/sqrt(v + 1e-8)
    const mu = 0.5 / (10 + 1e-8);
    const v = ((5.75 - 10 * mu * mu) / (10 + 1e-8)) * (10 / 9);
    expect(v).toBeCloseTo(0.6361111, 6);
    const got = reinforcePlusPlusBaselineAdvantages({ rewards, groupIds });
    expect(got[4]).toBeCloseTo((1.5 - 0.05) / Math.sqrt(0.6361111111), 6);
    expect(got[4]).toBeCloseTo(1.8180319, 6);
    expect(got[1]).toBeCloseTo(-0.05 / Math.sqrt(0.6361111111), 6);
  });

  it('weights responses by token count like the token-level reference, and zeroes empty responses', () => {
    // Batch: groups [1,0,0,1], [0.5], [2,-1] → s = [.5,-.5,-.5,.5,.5,1.5,-1.5]
    const r = [1, 0, 0, 1, 0.5, 2, -1];
    const g = [0, 0, 0, 0, 1, 2, 2];
    // hand-computed (see the doc comment's formula), lengths 1 each:
    //   μ = 0.5/7 = 0.0714286, v = (5.75 - 7μ²)/7 · 7/6 = 0.952381
    const eq = [0.4391550309395188, -0.5855400410087167, -0.5855400410087167, 0.4391550309395188, 0.4391550309395188, 1.4638501028877544, -1.6102351129569523];
    reinforcePlusPlusBaselineAdvantages({ rewards: r, groupIds: g }).forEach((x, i) => expect(x).toBeCloseTo(eq[i], 12));
    // lengths [3,0,2,4,1,2,2]: N = 14, μ = (1.5 - 1 + 2 + .5 + 3 - 3)/14 = 3/14, v = 0.8351648
    const L = [3, 0, 2, 4, 1, 2, 2];
    const want = [0.3126409440659349, 0, -0.7816023595786356, 0.3126409440659349, 0.3126409440659349, 1.4068842477105055, -1.875845663223206];
    const got = reinforcePlusPlusBaselineAdvantages({ rewards: r, groupIds: g, responseLengths: L });
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i], 12));

    // Same numbers from a literal token-level masked_whiten over a padded [B, T] mask.
    const T = 5;
    const mask = L.map((l) => Array.from({ length: T }, (_, t) => (t < l ? 1 : 0)));
    expect(lengthsFromMask(mask)).toEqual(L);
    const centred = [0.5, -0.5, -0.5, 0.5, 0.5, 1.5, -1.5];
    const tok = broadcastOverMask(centred, mask);
    let sum = 0;
    let cnt = 0;
    tok.forEach((row, i) => row.forEach((x, t) => ((sum += x * mask[i][t]), (cnt += mask[i][t]))));
    const m = sum / (cnt + 1e-8);
    let ss = 0;
    tok.forEach((row, i) => row.forEach((x, t) => (ss += (x - m) ** 2 * mask[i][t])));
    const variance = (ss / (cnt + 1e-8)) * (cnt / (cnt - 1));
    tok.forEach((row, i) =>
      row.forEach((x, t) => {
        if (mask[i][t]) expect(got[i]).toBeCloseTo((x - m) / Math.sqrt(variance + 1e-8), 12);
      }),
    );
  });

  it('refuses to whiten over fewer than two tokens, like masked_var', () => {
    expect(() => reinforcePlusPlusBaselineAdvantages({ rewards: [1, 0], groupIds: [0, 0], responseLengths: [1, 0] })).toThrow(/single token/);
    expect(() => reinforcePlusPlusBaselineAdvantages({ rewards: [1, 0], groupIds: [0, 0], responseLengths: [0, 0] })).toThrow(/no response tokens/);
    expect(() => reinforcePlusPlusBaselineAdvantages({ rewards: [1, 0], groupIds: [0, 0], responseLengths: [1, -1] })).toThrow(/responseLengths\[1\]/);
  });
});
