// DAPO's two remedies for overlong responses (Yu et al., "DAPO", arXiv 2503.14476, §3.4
// "Overlong Reward Shaping"), as volcengine/verl computes them:
//
// - Soft overlong punishment (verl `verl/workers/reward_manager/dapo.py`, DAPORewardManager,
//   config `reward_model.overlong_buffer.{enable,len,penalty_factor}`): with
//     expected_len = max_resp_len − buffer_len
//     exceed_len   = valid_response_length − expected_len
//   the score gets   reward += min(−exceed_len / buffer_len · penalty_factor, 0).
//   A response no longer than expected_len is untouched; inside the buffer the penalty grows
//   linearly to −penalty_factor at max_resp_len. `valid_response_length` counts every generated
//   token, the EOS token included (verl takes it from the attention mask), which is what
//   `Rollout.responseIds.length` holds here.
// - Overlong filtering (DAPO §3.4: "mask the loss of truncated samples"): a response that hit
//   the token limit without EOS/stop (`finishReason === 'length'`) has its loss mask zeroed, so
//   it neither pushes up nor down a policy for an answer it was never allowed to finish.
//
// Config names (packages/trainer/src/config.ts): `reward.overlong.enabled`,
// `reward.overlong.bufferLength`, `reward.overlong.penaltyFactor` (verl's enable / len /
// penalty_factor; defaults off, 0, 1.0) and `actor.maskTruncated` (default false). Pure
// functions on plain numbers: no TensorFlow.js.

export interface OverlongOptions {
  /** verl `overlong_buffer.enable`; when false no reward changes */
  enabled: boolean;
  /** verl `overlong_buffer.len`: how many tokens before the limit the penalty starts */
  bufferLength: number;
  /** verl `overlong_buffer.penalty_factor`: the penalty reached at the length limit */
  penaltyFactor: number;
}

export const OVERLONG_DEFAULTS: Readonly<OverlongOptions> = Object.freeze({ enabled: false, bufferLength: 0, penaltyFactor: 1.0 });

/**
 * Why `options` cannot be used with `maxResponseLength` tokens, or null when they can.
 * verl only warns when the buffer is longer than the limit (expected_len < 0, so every
 * response is penalised) and divides by zero with a zero buffer; both are refused here.
 */
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

/**
 * The soft overlong penalty (≤ 0) of one response of `responseLength` tokens (EOS included)
 * under a limit of `maxResponseLength` new tokens; 0 when disabled. Throws on options that
 * {@link overlongOptionsError} refuses.
 */
export function overlongPenalty(responseLength: number, maxResponseLength: number, options: OverlongOptions): number {
  if (!options.enabled) return 0;
  const err = overlongOptionsError(options, maxResponseLength);
  if (err) throw new RangeError(err);
  const expectedLength = maxResponseLength - options.bufferLength;
  const exceed = responseLength - expectedLength;
  // min(x, 0) of verl, written so that a non-exceeding length gives +0, not −0
  const penalty = (-exceed / options.bufferLength) * options.penaltyFactor;
  return penalty < 0 ? penalty : 0;
}

export interface OverlongShaping {
  /** rewards with the penalty added */
  rewards: number[];
  /** the penalty of each response (≤ 0) */
  penalties: number[];
  /** share of responses with a negative penalty (verl logs `overlong`) */
  penalisedRate: number;
}

/** Adds the overlong penalty to each reward; `lengths[i]` is response i's token count. */
export function applyOverlongPenalty(rewards: readonly number[], lengths: readonly number[], maxResponseLength: number, options: OverlongOptions): OverlongShaping {
  if (rewards.length !== lengths.length) throw new RangeError(`${rewards.length} rewards but ${lengths.length} response lengths`);
  const penalties = lengths.map((len) => overlongPenalty(len, maxResponseLength, options));
  const penalised = penalties.filter((p) => p < 0).length;
  return {
    rewards: rewards.map((r, i) => r + penalties[i]),
    penalties,
    penalisedRate: penalties.length ? penalised / penalties.length : 0,
  };
}

/** A response was truncated when generation stopped at the token limit, not on EOS or a stop string. */
export function isTruncated(finishReason: string): boolean {
  return finishReason === 'length';
}

/**
 * The loss mask with every truncated response's row set to 0 (DAPO overlong filtering), or the
 * same rows (copied) when `maskTruncated` is false. `lossMask[i]` is response i's per-token mask.
 * When every response is truncated the whole mask is 0 and the update has no tokens: the loss
 * aggregation then sees an empty mask, as verl does for a batch of only truncated samples.
 */
export function maskTruncatedResponses(lossMask: readonly (readonly number[])[], finishReasons: readonly string[], maskTruncated: boolean): number[][] {
  if (lossMask.length !== finishReasons.length) throw new RangeError(`${lossMask.length} mask rows but ${finishReasons.length} finish reasons`);
  return lossMask.map((row, i) => (maskTruncated && isTruncated(finishReasons[i]) ? row.map(() => 0) : [...row]));
}
