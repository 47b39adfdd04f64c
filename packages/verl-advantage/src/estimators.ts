// Outcome-reward advantage estimators, one scalar per response. Each mirrors the function of
// the same name in volcengine/verl verl/trainer/ppo/core_algos.py (commit b178a3c), which
// computes the scalar per response and then broadcasts it over the response mask; here the
// broadcast is a separate step (`broadcastOverMask`). The reference computes in float32,
// this code in float64.

import { groupIndices, groupMean, groupStd, type GroupId } from './groups.js';
import { assertFinite, assertLength, assertScalar } from './validate.js';

export interface AdvantageInput {
  /** Scalar outcome reward per response (the reference sums the token-level rewards). */
  rewards: ArrayLike<number>;
  /** Prompt id per response: responses to the same prompt form a group. */
  groupIds: ArrayLike<GroupId>;
  /**
   * Number of response tokens per response. Only `reinforce-plus-plus-baseline` uses it:
   * verl whitens over tokens, so a response weighs as many times as it has tokens. Without
   * it every response counts once (whitening over responses). See `lengthsFromMask`.
   */
  responseLengths?: ArrayLike<number>;
  /** Added to the group std in GRPO (reference default 1e-6). */
  epsilon?: number;
}

export type AdvantageEstimator = (input: AdvantageInput) => number[];

const GRPO_EPSILON = 1e-6; // core_algos.py compute_grpo_outcome_advantage(epsilon=1e-6)
const WHITEN_EPSILON = 1e-8; // torch_functional.py masked_mean / masked_whiten

function checkInput(input: AdvantageInput): { rewards: ArrayLike<number>; eps: number } {
  if (input == null || typeof input !== 'object') throw new TypeError('advantage input must be an object');
  const { rewards, groupIds } = input;
  if (rewards == null || typeof rewards.length !== 'number') throw new TypeError('rewards must be an array');
  assertLength('groupIds', groupIds, rewards.length, 'rewards');
  assertFinite('rewards', rewards);
  const eps = input.epsilon === undefined ? GRPO_EPSILON : assertScalar('epsilon', input.epsilon, (v) => v >= 0, '>= 0');
  return { rewards, eps };
}

/**
 * GRPO (core_algos.py `compute_grpo_outcome_advantage`, also hf618/VERL's copy):
 * `A_i = (r_i - mean_g) / (std_g + eps)` with the Bessel-corrected std (`torch.std`).
 * A group of one response uses mean 0 and std 1, so `A = r / (1 + eps)`.
 * A group whose rewards are all equal has std 0 and gets A = 0.
 */
export function grpoAdvantages(input: AdvantageInput): number[] {
  return groupNormalised(input, true);
}

/**
 * Dr. GRPO (the same function with `norm_adv_by_std_in_grpo=False`): `A_i = r_i - mean_g`;
 * a singleton group keeps its raw reward (mean 0).
 */
export function drGrpoAdvantages(input: AdvantageInput): number[] {
  return groupNormalised(input, false);
}

function groupNormalised(input: AdvantageInput, divideByStd: boolean): number[] {
  const { rewards, eps } = checkInput(input);
  const out = new Array<number>(rewards.length);
  for (const g of groupIndices(input.groupIds)) {
    const single = g.members.length === 1;
    const mu = single ? 0 : groupMean(rewards, g.members);
    const sd = single ? 1 : groupStd(rewards, g.members, mu);
    for (const i of g.members) out[i] = divideByStd ? (rewards[i] - mu) / (sd + eps) : rewards[i] - mu;
  }
  return out;
}

/**
 * RLOO (core_algos.py `compute_rloo_outcome_advantage`): with n > 1 responses,
 * `A_i = r_i·n/(n-1) - mean_g·n/(n-1)`, i.e. r_i minus the mean of the other n-1 rewards.
 * A singleton group keeps its raw reward (the reference leaves the score untouched).
 */
export function rlooAdvantages(input: AdvantageInput): number[] {
  const { rewards } = checkInput(input);
  const out = new Array<number>(rewards.length);
  for (const g of groupIndices(input.groupIds)) {
    const n = g.members.length;
    const mu = groupMean(rewards, g.members);
    for (const i of g.members) out[i] = n > 1 ? (rewards[i] * n) / (n - 1) - (mu * n) / (n - 1) : rewards[i];
  }
  return out;
}

/**
 * REINFORCE++ with baseline (core_algos.py `compute_reinforce_plus_plus_baseline_outcome_advantage`):
 * `s_i = r_i - mean_g` (singleton: mean 0), then `masked_whiten` over the batch's response
 * tokens (verl/utils/torch_functional.py). Every token of response i holds s_i, so with
 * L_i tokens and N = Σ L_i:
 *   μ = Σ L_i s_i / (N + 1e-8),  v = Σ L_i (s_i - μ)² / (N + 1e-8) · N / (N - 1),
 *   A_i = (s_i - μ) / sqrt(v + 1e-8),
 * and a response with no tokens gets 0 (its tokens are all masked). With `responseLengths`
 * this equals verl's token-level result exactly; without, L_i = 1 (whitening over responses).
 */
export function reinforcePlusPlusBaselineAdvantages(input: AdvantageInput): number[] {
  const { rewards } = checkInput(input);
  const n = rewards.length;
  let lengths: ArrayLike<number>;
  if (input.responseLengths === undefined) {
    lengths = new Array<number>(n).fill(1);
  } else {
    assertLength('responseLengths', input.responseLengths, n, 'rewards');
    assertFinite('responseLengths', input.responseLengths);
    for (let i = 0; i < n; i++) {
      if (input.responseLengths[i] < 0) throw new RangeError(`responseLengths[${i}] must be >= 0, got ${input.responseLengths[i]}`);
    }
    lengths = input.responseLengths;
  }
  const centred = new Array<number>(n);
  for (const g of groupIndices(input.groupIds)) {
    const mu = g.members.length === 1 ? 0 : groupMean(rewards, g.members);
    for (const i of g.members) centred[i] = rewards[i] - mu;
  }
  if (n === 0) return [];
  let tokens = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    tokens += lengths[i];
    weighted += lengths[i] * centred[i];
  }
  // masked_var raises on these two; so do we, naming the cause.
  if (tokens === 0) throw new RangeError('reinforce-plus-plus-baseline: the batch has no response tokens to whiten over');
  if (tokens === 1) throw new RangeError('reinforce-plus-plus-baseline: whitening over a single token divides by zero (N - 1 = 0)');
  const mu = weighted / (tokens + WHITEN_EPSILON);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += lengths[i] * (centred[i] - mu) ** 2;
  const variance = (ss / (tokens + WHITEN_EPSILON)) * (tokens / (tokens - 1));
  const scale = 1 / Math.sqrt(variance + WHITEN_EPSILON);
  return centred.map((s, i) => (lengths[i] === 0 ? 0 : (s - mu) * scale));
}
