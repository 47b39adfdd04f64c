// Differentiable loss terms of the PPO actor, after volcengine/verl (verl/trainer/ppo/core_algos.py:
// agg_loss, compute_policy_loss_vanilla, kl_penalty; verl/utils/torch_functional.py:
// entropy_from_logits, logprobs_from_logits). Slices, one-hot products and arithmetic masks only (no
// gather, no `where` on a computed condition, no stridedSlice): gradients exist on every tfjs backend.
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
 * verl `agg_loss` (core_algos.py, PR #3915 and later), [B, T] → scalar: token-mean Σ L·m / Σ m;
 * seq-mean-token-sum / -mean: each row's sum / mean, averaged over the rows with a loss token (verl's
 * seq_mask: empty rows do not dilute it); seq-mean-token-sum-norm: seq-mean-token-sum / `scaleFactor`
 * (Dr.GRPO's horizon, verl loss_scale_factor; default T). An all-empty batch gives 0 (verl: loss·0).
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

/** log p(label_t) of [B, T, V] logits: log_softmax times a one-hot of the [B, T] labels (gather-free). */
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
 * verl `kl_penalty` per token: k1 log π − log π_ref; k2 ½(log π − log π_ref)²; k3 / low_var_kl
 * r − log r − 1 with r = π_ref/π (log-ratio clamped to ±20, result to ±10, as verl); abs |log π − log π_ref|.
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

/** [B, T]: log π_θ (differentiable), log π_old of the policy that sampled, advantages, and the 1/0 loss mask. */
export interface PolicyLossInput { logProb: tf.Tensor; oldLogProb: tf.Tensor; advantages: tf.Tensor; mask: tf.Tensor }

export interface PolicyLossOptions {
  /** the ratio is clipped to [1 − clipLow, 1 + clipHigh] (verl clip_ratio_low / _high, 0.2; DAPO clip-higher 0.28) */
  clipLow?: number;
  clipHigh?: number;
  /** dual-clip constant c > 1 (Ye et al. 2019, arXiv 1912.09729) for negative advantages; null = off */
  clipRatioC?: number | null;
  aggMode?: LossAggMode;
  /** seq-mean-token-sum-norm's constant divisor (see aggregateLoss) */
  aggScaleFactor?: number;
}

/** The loss, and the shares of loss tokens that took the clip / dual-clip bound (verl pg_clipfrac, pg_clipfrac_lower)
 *  and the masked mean of log π_old − log π (verl ppo_kl). */
export interface PolicyLossResult { loss: tf.Scalar; clipFraction: tf.Scalar; clipFractionLower: tf.Scalar; approxKl: tf.Scalar }

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
