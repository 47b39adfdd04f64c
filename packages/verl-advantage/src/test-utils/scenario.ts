// A four-step toy run shared by the shaper tests (the same batches as scripts/hand-numbers.py):
// four responses per step, two prompts (groups 0 and 1) with two responses each.
import { expect } from 'vitest';
import { grpoAdvantages } from '../estimators.js';

export interface ToyStep {
  era: number[];
  erv: number[];
  er: number[];
  rewards: number[];
}

export const GROUPS = [0, 0, 1, 1];

export const STEPS: ToyStep[] = [
  // means: ERA 0.02, ERV 0.5, ER 20; score 0.75
  { era: [0.01, 0.03, 0.02, 0.02], erv: [0.4, 0.6, 0.5, 0.5], er: [19, 21, 20, 20], rewards: [1, 0, 1, 1] },
  // means: ERA 0.04, ERV 0.4, ER 22; score 0.5
  { era: [0.05, 0.03, -0.01, 0.09], erv: [0.3, 0.5, -0.2, 1.0], er: [21, 23, 22, 22], rewards: [1, 0, 0, 1] },
  // means: ERA 0.03, ERV 0.4, ER 22; score 0.5
  { era: [0.06, 0.01, 0.03, 0.02], erv: [0.45, 0.2, 0.5, 0.45], er: [25, 20, 21, 22], rewards: [0, 1, 1, 0] },
  // group 0 has equal rewards (A0 = 0)
  { era: [0.02, 0.04, 0.03, 0.03], erv: [0.4, 0.4, 0.4, 0.4], er: [22, 22, 22, 22], rewards: [1, 1, 0, 1] },
];

/** GRPO A0 of a two-response group with rewards 1 and 0: ±0.5/(sqrt(0.5) + 1e-6). */
export const A = 0.7071057811879616;

export function stepInput(s: ToyStep, withScores = false) {
  const advantages0 = grpoAdvantages({ rewards: s.rewards, groupIds: GROUPS });
  return { advantages0, era: s.era, erv: s.erv, er: s.er, ...(withScores ? { scores: s.rewards } : {}) };
}

export function expectAllClose(got: number[], want: number[], digits = 12): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(g, `index ${i}`).toBeCloseTo(want[i], digits));
}
