// Log-probabilities of given tokens and the entropy of each position's next-token distribution,
// with the LM head applied a chunk of positions at a time, so the [B, T, vocab] logits never
// exist at once (issue 19). At Qwen2.5's 151,936-token vocabulary one position's logits are
// 594 KB: 128 positions are 78 MB, and the unchunked route (logits, their shifted slice, the
// log-softmax, the one-hot labels, their product) held about five times that.
//
// The formulas are verl's (verl/utils/torch_functional.py logprobs_from_logits,
// entropy_from_logits), as the trainer's losses.ts computes them from whole logits:
//   log p(y) = log_softmax(z / τ)[y]
//   H = logsumexp(z / τ) - Σ softmax(z / τ) · (z / τ)
// Each position's numbers depend on its own row of logits only, so chunking changes no number
// (tested against the whole-logits route).
import * as tf from '@tensorflow/tfjs';
import { Decoder, recordingGradients, type ForwardBatch } from './decoder.js';
import { CHUNK_LOGIT_BYTES } from './chunked-scores.js';

export interface TokenScoreOptions {
  /** softmax temperature τ (default 1) */
  temperature?: number;
  /** also the entropy of every scored position */
  entropy?: boolean;
  /** also the final hidden states (after the final norm) of the scored positions, [B, T', d] */
  hidden?: boolean;
  /** positions per chunk of the LM head (default: as many as keep one chunk's logits near 32 MiB) */
  chunkRows?: number;
}

export interface TokenScores {
  /** [B, T'] log-probabilities of labels[b][t] at position t */
  logProbs: tf.Tensor2D;
  /** [B, T'] entropies (with { entropy: true }) */
  entropy: tf.Tensor2D | null;
  /** [B, T', d] (with { hidden: true }) */
  hidden: tf.Tensor3D | null;
}

/**
 * Checks `labels` against a batch of B rows of T tokens and a vocabulary of V: B rows of equal
 * length T' ≤ T of ids in [0, V). Returns T'. `who` names the caller in the message.
 */
export function checkLabels(labels: number[][], B: number, T: number, V: number, who: string): number {
  const Tl = labels[0]?.length ?? 0;
  if (labels.length !== B || labels.some((r) => r.length !== Tl) || Tl > T) {
    throw new RangeError(`${who}: labels must be ${B} rows of equal length ≤ ${T}`);
  }
  for (const row of labels) for (const y of row) if (!(Number.isInteger(y) && y >= 0 && y < V)) throw new RangeError(`${who}: label ${y} outside the vocabulary [0, ${V})`);
  return Tl;
}

/**
 * Scores `labels` ([B][T'], T' ≤ T: position t of row b is scored against labels[b][t]; the
 * trainer passes the next tokens, T' = T - 1) under one full pass over `batch`. Outside a gradient
 * tape only (old-policy and reference log-probs). The caller disposes the tensors.
 */
export function scoreTokens(dec: Decoder, batch: ForwardBatch, labels: number[][], opts: TokenScoreOptions = {}): TokenScores {
  if (recordingGradients()) throw new Error('scoreTokens: not differentiable (called inside tf.grads / variableGrads); use forward()');
  const V = dec.config.vocabSize;
  const d = dec.config.hiddenSize;
  const tau = opts.temperature ?? 1;
  if (!(tau > 0)) throw new RangeError(`scoreTokens: temperature must be > 0, got ${tau}`);
  const B = batch.inputIds.length;
  const T = batch.inputIds[0]?.length ?? 0;
  const Tl = checkLabels(labels, B, T, V, 'scoreTokens');
  const chunk = Math.max(1, Math.floor(opts.chunkRows ?? CHUNK_LOGIT_BYTES / (4 * V)));
  const { h, ctx } = dec.trunk(batch);
  let hidden: tf.Tensor2D | null = null;
  const lps: tf.Tensor1D[] = [];
  const ents: tf.Tensor1D[] = [];
  try {
    // the scored positions' final hidden states, [B*T', d]
    hidden = tf.tidy(() => {
      const all = dec.finalNorm(h);
      return Tl === T ? all : (tf.reshape(tf.slice(tf.reshape(all, [B, T, d]), [0, 0, 0], [B, Tl, d]), [B * Tl, d]) as tf.Tensor2D);
    });
    h.dispose();
    const flat = labels.flat();
    for (let r0 = 0; r0 < B * Tl; r0 += chunk) {
      const n = Math.min(chunk, B * Tl - r0);
      const rows = hidden;
      tf.tidy(() => {
        const logits = dec.lmHead(tf.slice(rows, [r0, 0], [n, d]) as tf.Tensor2D);
        const z = tau === 1 ? logits : tf.div(logits, tau);
        const oneHot = tf.oneHot(tf.tensor1d(flat.slice(r0, r0 + n), 'int32'), V);
        lps.push(tf.keep(tf.sum(tf.mul(tf.logSoftmax(z, -1), oneHot), -1) as tf.Tensor1D));
        if (opts.entropy) ents.push(tf.keep(tf.sub(tf.logSumExp(z, -1), tf.sum(tf.mul(tf.softmax(z, -1), z), -1)) as tf.Tensor1D));
      });
    }
    const join = (parts: tf.Tensor1D[]) => tf.tidy(() => tf.reshape(parts.length === 1 ? parts[0].clone() : tf.concat(parts), [B, Tl]) as tf.Tensor2D);
    const logProbs = B * Tl === 0 ? tf.zeros([B, Tl]) as tf.Tensor2D : join(lps);
    const entropy = opts.entropy ? (B * Tl === 0 ? tf.zeros([B, Tl]) as tf.Tensor2D : join(ents)) : null;
    const out: TokenScores = { logProbs, entropy, hidden: opts.hidden ? (tf.reshape(hidden, [B, Tl, d]) as tf.Tensor3D) : null };
    return out;
  } finally {
    tf.dispose([...lps, ...ents]);
    if (hidden) hidden.dispose();
    if (!h.isDisposed) h.dispose();
    Decoder.disposeContext(ctx);
  }
}
