// DAPO's two remedies for overlong responses (Yu et al., arXiv 2503.14476, §3.4), as
// volcengine/verl computes them:
// - soft overlong punishment (verl/workers/reward_manager/dapo.py, reward_model.overlong_buffer
//   {enable, len, penalty_factor}): expected = max_len − buffer, exceed = length − expected,
//   reward += min(−exceed / buffer · penalty_factor, 0). The length counts every generated token,
//   EOS included (verl reads it from the attention mask; here Rollout.responseIds.length).
// - overlong filtering: a response cut at the token limit (finishReason 'length') leaves the loss.
// Config: reward.overlong.{enabled, bufferLength, penaltyFactor} and actor.maskTruncated (config.ts).

/** verl overlong_buffer {enable, len, penalty_factor}: the penalty starts `bufferLength` tokens before
 *  the limit and reaches `penaltyFactor` at it. */
export interface OverlongOptions { enabled: boolean; bufferLength: number; penaltyFactor: number }

export const OVERLONG_DEFAULTS: Readonly<OverlongOptions> = Object.freeze({ enabled: false, bufferLength: 0, penaltyFactor: 1.0 });

/** Why `options` cannot be used with `maxResponseLength` tokens, or null; refuses what verl only warns
 *  about (a buffer longer than the limit: every response penalised) or divides by zero on (no buffer). */
export function overlongOptionsError(options: OverlongOptions, maxResponseLength: number): string | null {
  if (!options.enabled) return null;
  const { bufferLength, penaltyFactor } = options;
  if (!Number.isInteger(bufferLength) || bufferLength <= 0) return `reward.overlong.bufferLength must be a positive integer when the penalty is enabled (got ${bufferLength})`;
  if (bufferLength > maxResponseLength) {
    return `reward.overlong.bufferLength (${bufferLength}) is longer than the response limit (${maxResponseLength} tokens): every response would be penalised`;
  }
  if (!Number.isFinite(penaltyFactor) || penaltyFactor < 0) return `reward.overlong.penaltyFactor must be a finite number ≥ 0 (got ${penaltyFactor})`;
  return null;
}

/** The penalty (≤ 0) of a response of `responseLength` tokens under a limit of `maxResponseLength`; 0 when disabled. */
export function overlongPenalty(responseLength: number, maxResponseLength: number, options: OverlongOptions): number {
  if (!options.enabled) return 0;
  const err = overlongOptionsError(options, maxResponseLength);
  if (err) throw new RangeError(err);
  const exceed = responseLength - (maxResponseLength - options.bufferLength);
  // verl's min(x, 0), written so that a length within the limit gives +0, not −0
  const penalty = (-exceed / options.bufferLength) * options.penaltyFactor;
  return penalty < 0 ? penalty : 0;
}

/** The rewards with the penalty added, each response's penalty (≤ 0), and the share penalised (verl logs `overlong`). */
export interface OverlongShaping { rewards: number[]; penalties: number[]; penalisedRate: number }

/** Adds the overlong penalty to each reward; `lengths[i]` is response i's token count. */
export function applyOverlongPenalty(rewards: readonly number[], lengths: readonly number[], maxResponseLength: number, options: OverlongOptions): OverlongShaping {
  if (rewards.length !== lengths.length) throw new RangeError(`${rewards.length} rewards but ${lengths.length} response lengths`);
  const penalties = lengths.map((len) => overlongPenalty(len, maxResponseLength, options));
  const penalisedRate = penalties.length ? penalties.filter((p) => p < 0).length / penalties.length : 0;
  return { rewards: rewards.map((r, i) => r + penalties[i]), penalties, penalisedRate };
}

/** The loss mask (copied) with the rows of responses cut at the limit (finishReason 'length') set to 0;
 *  if every response was, the update has no loss tokens, as in verl. */
export function maskTruncatedResponses(lossMask: readonly (readonly number[])[], finishReasons: readonly string[]): number[][] {
  if (lossMask.length !== finishReasons.length) throw new RangeError(`${lossMask.length} mask rows but ${finishReasons.length} finish reasons`);
  return lossMask.map((row, i) => (finishReasons[i] === 'length' ? row.map(() => 0) : [...row]));
}
