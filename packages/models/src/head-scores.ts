// The head of a gradient pass as scores instead of logits: the final norm, then the log-probs
// (and entropies) of given labels through chunked-scores.ts, so a loss of log-probs never has the
// [B, T, vocab] logits on its tape (issue 19). For losses that need only p(label) and H, as the
// PPO loss (verl's dp_actor computes exactly these two from the logits); losses that read the
// logits themselves (SFT's argmax accuracy) keep Decoder.head.
import * as tf from '@tensorflow/tfjs';
import type { Decoder, PassContext } from './decoder.js';
import { chunkedTokenScores, type ChunkedScoreOptions } from './chunked-scores.js';

export interface ScoredLossOptions extends ChunkedScoreOptions {
  /** [B][T'], T' ≤ T: position t of row b is scored against labels[b][t] (the next tokens: T' = T - 1) */
  labels: number[][];
}

export interface HeadScores {
  /** [B, T'] log p(labels[b][t]) at temperature τ */
  logProbs: tf.Tensor2D;
  /** [B, T'] entropies at temperature τ (with { entropy: true }), else null */
  entropy: tf.Tensor2D | null;
}

/** Scores of opts.labels from the last layer's output [B*T, d] (differentiable; labels already checked). */
export function headScores(dec: Decoder, last: tf.Tensor2D, ctx: PassContext, opts: ScoredLossOptions): HeadScores {
  const { B, T } = ctx;
  const d = dec.config.hiddenSize;
  const Tl = opts.labels[0]?.length ?? 0;
  const N = B * Tl;
  if (N === 0) return { logProbs: tf.zeros([B, Tl]), entropy: opts.entropy ? tf.zeros([B, Tl]) : null };
  const hidden = dec.finalNorm(last);
  // the scored positions' hidden states, [B*T', d]
  const rows = Tl === T ? hidden : (tf.reshape(tf.slice(tf.reshape(hidden, [B, T, d]), [0, 0, 0], [B, Tl, d]), [N, d]) as tf.Tensor2D);
  const scores = chunkedTokenScores(rows, dec.lmHeadVariable() as tf.Tensor2D, opts.labels.flat(), opts);
  const row = (i: number) => tf.reshape(tf.slice(scores, [i, 0], [1, N]), [B, Tl]) as tf.Tensor2D;
  return { logProbs: row(0), entropy: opts.entropy ? row(1) : null };
}
