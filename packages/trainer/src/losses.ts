// Differentiable loss terms of the PPO actor, following volcengine/verl
// (verl/trainer/ppo/core_algos.py: agg_loss, compute_policy_loss_vanilla, kl_penalty;
// verl/utils/torch_functional.py: entropy_from_logits, logprobs_from_logits).
// Everything is written with slices, one-hot products and arithmetic masks only: no gather,
// no `where` with a computed condition, no stridedSlice, so gradients exist on every tfjs backend.
import * as tf from '@tensorflow/tfjs';

export type LossAggMode = 'token-mean' | 'seq-mean-token-sum' | 'seq-mean-token-mean' | 'seq-mean-token-sum-norm';
export const LOSS_AGG_MODES: readonly LossAggMode[] = ['token-mean', 'seq-mean-token-sum', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'];

/** KL estimators of J. Schulman, "Approximating KL divergence" (2020); names as in verl. */
export type KlEstimator = 'k1' | 'k2' | 'k3' | 'low_var_kl' | 'abs';
export const KL_ESTIMATORS: readonly KlEstimator[] = ['k1', 'k2', 'k3', 'low_var_kl', 'abs'];

/** sum(x * mask) / sum(mask); 0 when the mask is empty (instead of NaN). */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1e-8)) as tf.Scalar);
}

/**
 * verl `agg_loss` (verl/trainer/ppo/core_algos.py as of PR #3915 and later): reduce a [B, T]
 * per-token loss matrix to a scalar.
 * - token-mean: sum over all valid tokens / number of valid tokens (every token weighs the same)
 * - seq-mean-token-sum: per-sequence sum, then mean over the sequences that have a valid token
 * - seq-mean-token-mean: per-sequence mean, then mean over the sequences that have a valid token
 * - seq-mean-token-sum-norm: seq-mean-token-sum divided by a constant: `opts.scaleFactor` (Dr.GRPO's
 *   horizon; verl loss_scale_factor), default the width T (verl's `loss_mask.shape[-1]`)
 * Rows without any loss token are left out of the seq-* means (verl's `seq_mask`), so padding rows
 * or empty responses do not dilute the loss; an all-empty batch gives 0 (verl returns loss·0).
 */
export function aggregateLoss(lossMat: tf.Tensor, mask: tf.Tensor, mode: LossAggMode, opts: { scaleFactor?: number } = {}): tf.Scalar {
  if (lossMat.rank !== 2 || mask.rank !== 2) throw new RangeError(`aggregateLoss: loss and mask must be [B, T], got [${lossMat.shape}] and [${mask.shape}]`);
  if (lossMat.shape[0] !== mask.shape[0] || lossMat.shape[1] !== mask.shape[1]) {
    throw new RangeError(`aggregateLoss: loss [${lossMat.shape}] and mask [${mask.shape}] differ in shape`);
  }
  if (opts.scaleFactor !== undefined && !(opts.scaleFactor > 0)) throw new RangeError(`aggregateLoss: scaleFactor must be > 0, got ${opts.scaleFactor}`);
  return tf.tidy(() => {
    const masked = tf.mul(lossMat, mask);
    const tokensPerSeq = tf.sum(mask, 1);
    // 1 for rows with at least one loss token (verl: seq_mask = (sum(loss_mask, -1) > 0))
    const seqMask = tf.cast(tf.greater(tokensPerSeq, 0), 'float32');
    switch (mode) {
      case 'token-mean':
        return maskedMean(lossMat, mask);
      case 'seq-mean-token-sum':
        return maskedMean(tf.sum(masked, 1), seqMask);
      case 'seq-mean-token-mean':
        // verl divides by (count + 1e-8); an empty row's sum is 0, and it is masked out anyway
        return maskedMean(tf.div(tf.sum(masked, 1), tf.add(tokensPerSeq, 1e-8)), seqMask);
      case 'seq-mean-token-sum-norm':
        return tf.div(maskedMean(tf.sum(masked, 1), seqMask), opts.scaleFactor ?? lossMat.shape[1]!) as tf.Scalar;
      default:
        throw new RangeError(`unknown loss aggregation mode '${mode as string}' (expected one of ${LOSS_AGG_MODES.join(', ')})`);
    }
  });
}

/**
 * log p(label_t | ·) for each position of [B, T, V] logits: log_softmax then a one-hot
 * product (the gather-free form; its gradient is plain elementwise arithmetic).
 * `labels` is [B, T] of token ids (padding positions may hold any valid id, e.g. 0).
 */
export function logProbsFromLogits(logits: tf.Tensor3D, labels: number[][] | tf.Tensor2D, temperature = 1): tf.Tensor2D {
  const [B, T, V] = logits.shape;
  return tf.tidy(() => {
    const lab = Array.isArray(labels) ? tf.tensor2d(labels.flat(), [B, T], 'int32') : labels;
    if (lab.shape[0] !== B || lab.shape[1] !== T) throw new RangeError(`logProbsFromLogits: labels [${lab.shape}] do not match logits [${logits.shape}]`);
    const scaled = temperature === 1 ? logits : tf.div(logits, temperature);
    const logp = tf.logSoftmax(scaled, -1);
    const oneHot = tf.oneHot(tf.cast(lab, 'int32'), V) as tf.Tensor3D;
    return tf.sum(tf.mul(logp, oneHot), -1) as tf.Tensor2D;
  });
}

/** verl `entropy_from_logits`: H = logsumexp(z) - sum softmax(z)·z, over the last axis. */
export function entropyFromLogits(logits: tf.Tensor, temperature = 1): tf.Tensor {
  return tf.tidy(() => {
    const z = temperature === 1 ? logits : tf.div(logits, temperature);
    const lse = tf.logSumExp(z, -1);
    const p = tf.softmax(z, -1);
    return tf.sub(lse, tf.sum(tf.mul(p, z), -1));
  });
}

/**
 * verl `kl_penalty(logprob, ref_logprob, kind)`, per token:
 * - k1 ('kl'): log π - log π_ref
 * - k2 ('mse'): ½ (log π - log π_ref)²
 * - k3 / low_var_kl: r - log r - 1 with r = π_ref/π, the log-ratio clamped to ±20 and the
 *   result clamped to ±10 for stability (unbiased, non-negative, low variance)
 * - abs: |log π - log π_ref|
 */
export function klPenalty(logProb: tf.Tensor, refLogProb: tf.Tensor, kind: KlEstimator): tf.Tensor {
  return tf.tidy(() => {
    switch (kind) {
      case 'k1':
        return tf.sub(logProb, refLogProb);
      case 'abs':
        return tf.abs(tf.sub(logProb, refLogProb));
      case 'k2':
        return tf.mul(0.5, tf.square(tf.sub(logProb, refLogProb)));
      case 'k3':
      case 'low_var_kl': {
        const kl = tf.clipByValue(tf.sub(refLogProb, logProb), -20, 20);
        const kld = tf.sub(tf.sub(tf.exp(kl), kl), 1);
        return tf.clipByValue(kld, -10, 10);
      }
      default:
        throw new RangeError(`unknown KL estimator '${kind as string}' (expected one of ${KL_ESTIMATORS.join(', ')})`);
    }
  });
}

export interface PolicyLossInput {
  /** log π_θ(a_t) of the policy being optimised, [B, T] (differentiable) */
  logProb: tf.Tensor;
  /** log π_old(a_t) of the policy that produced the batch, [B, T] (constant) */
  oldLogProb: tf.Tensor;
  /** per-token advantages, [B, T] (constant) */
  advantages: tf.Tensor;
  /** 1 on response tokens, 0 elsewhere, [B, T] */
  mask: tf.Tensor;
}

export interface PolicyLossOptions {
  /** ε_low: the ratio is clipped from below at 1 - clipLow (verl clip_ratio_low, 0.2) */
  clipLow?: number;
  /** ε_high: the ratio is clipped from above at 1 + clipHigh (verl clip_ratio_high, 0.2; DAPO uses 0.28) */
  clipHigh?: number;
  /** dual-clip constant c > 1 (Ye et al. 2019, arXiv 1912.09729) for negative advantages; null = off */
  clipRatioC?: number | null;
  aggMode?: LossAggMode;
  /** seq-mean-token-sum-norm's constant divisor (see aggregateLoss) */
  aggScaleFactor?: number;
}

export interface PolicyLossResult {
  loss: tf.Scalar;
  /** fraction of valid tokens where the clipped branch was taken (verl pg_clipfrac) */
  clipFraction: tf.Scalar;
  /** fraction of valid tokens where the dual clip bound was taken (verl pg_clipfrac_lower) */
  clipFractionLower: tf.Scalar;
  /** masked mean of log π_old - log π (verl ppo_kl) */
  approxKl: tf.Scalar;
}

/**
 * PPO clipped surrogate (verl compute_policy_loss_vanilla):
 *   r = exp(clamp(log π - log π_old, -20, 20))
 *   L1 = -A·r,  L2 = -A·clamp(r, 1-ε_low, 1+ε_high),  L = max(L1, L2)
 *   dual clip (A < 0 only): L = min(L, -A·c)
 * aggregated with `aggMode` over the mask.
 */
export function policyLoss(input: PolicyLossInput, opts: PolicyLossOptions = {}): PolicyLossResult {
  const clipLow = opts.clipLow ?? 0.2;
  const clipHigh = opts.clipHigh ?? 0.2;
  const c = opts.clipRatioC ?? null;
  const mode = opts.aggMode ?? 'token-mean';
  if (!(clipLow >= 0 && clipLow < 1)) throw new RangeError(`clipLow must be in [0, 1), got ${clipLow}`);
  if (!(clipHigh >= 0)) throw new RangeError(`clipHigh must be >= 0, got ${clipHigh}`);
  if (c !== null && !(c > 1)) throw new RangeError(`clipRatioC (dual clip) must be > 1, got ${c}`);
  const { logProb, oldLogProb, advantages: adv, mask } = input;
  return tf.tidy(() => {
    const negApproxKl = tf.clipByValue(tf.sub(logProb, oldLogProb), -20, 20);
    const ratio = tf.exp(negApproxKl);
    const approxKl = maskedMean(tf.neg(negApproxKl), mask);
    const negAdv = tf.neg(adv);
    const l1 = tf.mul(negAdv, ratio);
    const l2 = tf.mul(negAdv, tf.clipByValue(ratio, 1 - clipLow, 1 + clipHigh));
    const clipped1 = tf.maximum(l1, l2);
    const clipFraction = maskedMean(tf.cast(tf.greater(l2, l1), 'float32'), mask);
    let losses: tf.Tensor = clipped1;
    let clipFractionLower: tf.Scalar = tf.scalar(0);
    if (c !== null) {
      const l3 = tf.mul(negAdv, c);
      const clipped2 = tf.minimum(l3, clipped1);
      // advantages are constants, so this arithmetic select keeps gradients well defined
      const isNeg = tf.cast(tf.less(adv, 0), 'float32');
      losses = tf.add(tf.mul(isNeg, clipped2), tf.mul(tf.sub(1, isNeg), clipped1));
      clipFractionLower = maskedMean(tf.mul(tf.cast(tf.greater(clipped1, l3), 'float32'), isNeg), mask);
    }
    const loss = aggregateLoss(losses, mask, mode, { scaleFactor: opts.aggScaleFactor });
    return { loss, clipFraction, clipFractionLower, approxKl };
  });
}
