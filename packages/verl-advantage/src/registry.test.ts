import { describe, expect, it } from 'vitest';
import {
  computeAdvantages,
  getAdvantageEstimator,
  listAdvantageEstimators,
  registerAdvantageEstimator,
} from './registry.js';
import { grpoAdvantages } from './estimators.js';

describe('advantage estimator registry', () => {
  it('holds the four built-ins and accepts verl underscore spellings', () => {
    expect(listAdvantageEstimators()).toEqual(expect.arrayContaining(['dr-grpo', 'grpo', 'reinforce-plus-plus-baseline', 'rloo']));
    expect(getAdvantageEstimator('grpo')).toBe(grpoAdvantages);
    expect(computeAdvantages('reinforce_plus_plus_baseline', { rewards: [1, 0], groupIds: [0, 0] })).toHaveLength(2);
    expect(computeAdvantages('dr_grpo', { rewards: [1, 0], groupIds: [0, 0] })).toEqual([0.5, -0.5]);
  });

  it('lets users register their own estimator, and refuses silent overrides', () => {
    // a pass@k-like estimator: only the best response in each batch gets r_max - r_second
    const best = ({ rewards }: { rewards: ArrayLike<number> }) => {
      const r = Array.from(rewards);
      const sorted = [...r].sort((a, b) => b - a);
      return r.map((x) => (x === sorted[0] ? sorted[0] - sorted[1] : 0));
    };
    registerAdvantageEstimator('test-best-of', best);
    expect(computeAdvantages('test-best-of', { rewards: [0.2, 0.9, 0.5], groupIds: [0, 0, 0] })).toEqual([0, 0.9 - 0.5, 0]);
    registerAdvantageEstimator('test-best-of', best); // same function again: fine
    expect(() => registerAdvantageEstimator('test-best-of', () => [])).toThrow(/already registered/);
    expect(() => registerAdvantageEstimator('grpo', () => [])).toThrow(/already registered/);
    registerAdvantageEstimator('test-best-of', ({ rewards }) => Array.from(rewards, () => 1), { replace: true });
    expect(computeAdvantages('test-best-of', { rewards: [3, 4], groupIds: [0, 0] })).toEqual([1, 1]);
  });

  it('names the unknown estimator and checks what a custom one returns', () => {
    expect(() => computeAdvantages('ppo-magic', { rewards: [1], groupIds: [0] })).toThrow(/unknown advantage estimator "ppo-magic"; registered: .*grpo/);
    registerAdvantageEstimator('test-short', () => [0]);
    expect(() => computeAdvantages('test-short', { rewards: [1, 2], groupIds: [0, 0] })).toThrow(/returned 1 values for 2 rewards/);
  });
});
