// The reward of one response. A run grades each response once with @verl-ts/verifiers, and the
// reward and the accuracy both come from that one result; trainRL takes another RewardFn for a
// task the verifiers do not cover.
import type { Problem } from '@verl-ts/datasets';
import { gradeAnswer, rewardFromGrade } from '@verl-ts/verifiers';
import type { RLConfig } from './config.js';

export interface GradedReward {
  reward: number;
  /** counts towards the step's `accuracy` */
  correct: boolean;
}

export type RewardFn = (response: string, problem: Problem) => Promise<GradedReward> | GradedReward;

/** `reward.fn` of the config: the paper reward or 1/0, from verifiers.gradeAnswer. */
export function verifierReward(reward: Pick<RLConfig['reward'], 'fn' | 'timeoutMs'>): RewardFn {
  return async (response, problem) => {
    const g = await gradeAnswer(response, problem, { timeoutMs: reward.timeoutMs });
    return { reward: rewardFromGrade(reward.fn, g), correct: g.correct };
  };
}
