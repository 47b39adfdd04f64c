// The actor update of one RL step, as verl's dp_actor.update_policy: for each PPO epoch and
// mini-batch of prompts (with all their responses), the gradients of
//   loss = pg_loss - entropy_coef·entropy + kl_coef·kl(π, π_ref)
// summed over micro-batches (each scaled by micro rows / mini rows), the global-norm clip, one AdamW
// step; a non-finite loss or gradient norm skips the update (verl skips the optimizer step then).
import * as tf from '@tensorflow/tfjs';
import { CHUNK_LOGIT_BYTES, type CausalLM, type HeadScores } from '@verl-ts/models';
import { sliceTokenBatch, type TokenBatch } from './batch.js';
import { aggregateLoss, entropyFromLogits, klPenalty, logProbsFromLogits } from './losses.js';
import type { RLConfig } from './config.js';
import { getPolicyLoss } from './policy-losses.js';
import type { AdamW } from './adamw.js';
import { accumulateGradients, clipCoefficient, type MicroBatchPass } from './gradients.js';

/** The RL config's actor settings, with batch sizes in rows (responses) and the rollout temperature. */
export type PPOSettings = Pick<RLConfig['actor'],
  'policyLoss' | 'clipLow' | 'clipHigh' | 'clipRatioC' | 'lossAggMode' | 'entropyCoef' | 'klCoef' | 'klEstimator' | 'ppoEpochs' | 'gradClip'> & {
  miniBatchRows: number;
  microBatchRows: number;
  temperature: number;
  /** logits [rows, L, vocab] over this many float32 bytes come from models' chunked head instead
   *  (default CHUNK_LOGIT_BYTES, 32 MiB; small values force it in tests) */
  headChunkBytes?: number;
};

export interface PPOData {
  batch: TokenBatch;
  /** [B][L-1] */
  oldLogProbs: number[][];
  refLogProbs: number[][] | null;
  advantages: number[][];
}

export interface PPOUpdateStats {
  updates: number;
  skipped: number;
  pgLoss: number;
  entropy: number;
  kl: number;
  approxKl: number;
  clipFraction: number;
  clipFractionLower: number;
  gradNorm: number;
  nonFiniteEvents: string[];
}

function rowsToTensor(rows: number[][], T: number): tf.Tensor2D {
  const B = rows.length;
  const flat = new Float32Array(B * T);
  rows.forEach((r, i) => { for (let j = 0; j < T; j++) flat[i * T + j] = r[j] ?? 0; });
  return tf.tensor2d(flat, [B, T]);
}

type LossTerms = { loss: tf.Scalar; pg: tf.Scalar; ent: tf.Scalar; kl: tf.Scalar; clip: tf.Scalar; clipLower: tf.Scalar; approxKl: tf.Scalar };

/** One micro-batch's loss terms from the model's logits [rows, L, V] (differentiable in them). */
export function microBatchLossFromLogits(
  logits: tf.Tensor3D, mb: TokenBatch, old: number[][], ref: number[][] | null, adv: number[][], s: PPOSettings,
): LossTerms {
  const rows = mb.inputIds.length;
  const T = mb.length - 1;
  const V = logits.shape[2];
  const shifted = tf.slice(logits, [0, 0, 0], [rows, T, V]) as tf.Tensor3D;
  const logProb = logProbsFromLogits(shifted, mb.labels, s.temperature);
  return microBatchLoss(logProb, () => entropyFromLogits(shifted, s.temperature), mb, old, ref, adv, s);
}

/** The same terms from the log-probs and entropies [rows, L-1] of models' chunked head (no logits). */
export function microBatchLossFromScores(
  scores: HeadScores, mb: TokenBatch, old: number[][], ref: number[][] | null, adv: number[][], s: PPOSettings,
): LossTerms {
  return microBatchLoss(scores.logProbs, () => scores.entropy!, mb, old, ref, adv, s);
}

function microBatchLoss(
  logProb: tf.Tensor2D, entropy: () => tf.Tensor, mb: TokenBatch, old: number[][], ref: number[][] | null, adv: number[][], s: PPOSettings,
): LossTerms {
  const T = mb.length - 1;
  const mask = rowsToTensor(mb.lossMask, T);
  const pl = getPolicyLoss(s.policyLoss)(
    { logProb, oldLogProb: rowsToTensor(old, T), advantages: rowsToTensor(adv, T), mask },
    { clipLow: s.clipLow, clipHigh: s.clipHigh, clipRatioC: s.clipRatioC, aggMode: s.lossAggMode },
  );
  let loss: tf.Scalar = pl.loss;
  let ent: tf.Scalar = tf.scalar(0);
  if (s.entropyCoef !== 0) {
    ent = aggregateLoss(entropy(), mask, s.lossAggMode);
    loss = tf.sub(loss, tf.mul(ent, s.entropyCoef));
  }
  let kl: tf.Scalar = tf.scalar(0);
  if (s.klCoef > 0 && ref) {
    kl = aggregateLoss(klPenalty(logProb, rowsToTensor(ref, T), s.klEstimator), mask, s.lossAggMode);
    loss = tf.add(loss, tf.mul(kl, s.klCoef));
  }
  return { loss, pg: pl.loss, ent, kl, clip: pl.clipFraction, clipLower: pl.clipFractionLower, approxKl: pl.approxKl };
}

// the per-micro-batch statistics, in the order they are stacked for the readback
const STAT_KEYS = ['pg', 'ent', 'kl', 'clip', 'clipLower', 'approxKl', 'loss'] as const;

/**
 * One actor update. One `await data()` per optimizer update (the only readback webgpu has in
 * Node), holding the statistics of each of its micro-batches and the gradient norm.
 */
export async function ppoUpdateAsync(
  model: CausalLM, optimizer: AdamW, data: PPOData, s: PPOSettings, lr: number,
  onProgress?: (done: number, total: number) => void,
): Promise<PPOUpdateStats> {
  const B = data.batch.inputIds.length;
  const mini = Math.max(1, Math.min(s.miniBatchRows, B));
  const micro = Math.max(1, Math.min(s.microBatchRows, mini));
  const sums = { pg: 0, ent: 0, kl: 0, clip: 0, clipLower: 0, approxKl: 0, n: 0 };
  const gradNorms: number[] = [];
  const events: string[] = [];
  let updates = 0;
  let skipped = 0;
  const totalUpdates = s.ppoEpochs * Math.ceil(B / mini);
  for (let epoch = 0; epoch < s.ppoEpochs; epoch++) {
    for (let m0 = 0; m0 < B; m0 += mini) {
      const m1 = Math.min(B, m0 + mini);
      const ranges: [number, number][] = [];
      for (let u0 = m0; u0 < m1; u0 += micro) ranges.push([u0, Math.min(m1, u0 + micro)]);
      const passes = ranges.map(([u0, u1]): MicroBatchPass => {
        const mb = sliceTokenBatch(data.batch, u0, u1);
        const cut = (rows: number[][]) => rows.slice(u0, u1).map((r) => r.slice(0, mb.length - 1));
        const [old, ref, adv] = [cut(data.oldLogProbs), data.refLogProbs ? cut(data.refLogProbs) : null, cut(data.advantages)];
        // logits over one chunk: models' chunked head scores the labels; otherwise the whole logits, as before
        const chunked = (u1 - u0) * mb.length * model.config.vocabSize * 4 > (s.headChunkBytes ?? CHUNK_LOGIT_BYTES);
        return {
          batch: { inputIds: mb.inputIds, attentionMask: mb.attentionMask },
          scored: chunked ? { labels: mb.labels, temperature: s.temperature, entropy: s.entropyCoef !== 0, chunkBytes: s.headChunkBytes } : undefined,
          loss: ({ logits, scores }) => {
            const r = scores ? microBatchLossFromScores(scores, mb, old, ref, adv, s) : microBatchLossFromLogits(logits, mb, old, ref, adv, s);
            return { loss: tf.mul(r.loss, (u1 - u0) / (m1 - m0)) as tf.Scalar, stats: STAT_KEYS.map((k) => r[k]) };
          },
        };
      });
      const { grads: g, stats, norm } = await accumulateGradients(model, passes);
      let finite = true;
      ranges.forEach(([u0, u1], i) => {
        const p = Object.fromEntries(STAT_KEYS.map((k, j) => [k, stats[i][j]])) as Record<(typeof STAT_KEYS)[number], number>;
        if (!Number.isFinite(p.loss)) { finite = false; events.push(`epoch ${epoch} rows ${u0}-${u1}: loss is ${p.loss}`); }
        sums.pg += p.pg; sums.ent += p.ent; sums.kl += p.kl; sums.clip += p.clip; sums.clipLower += p.clipLower; sums.approxKl += p.approxKl; sums.n++;
      });
      if (!Number.isFinite(norm)) { finite = false; events.push(`epoch ${epoch} rows ${m0}-${m1}: gradient norm is ${norm}`); }
      if (finite) {
        // the clip inside the update, each gradient freed once applied (no clipped copies)
        optimizer.apply(g, lr, { gradScale: clipCoefficient(norm, s.gradClip), disposeGrads: true });
        gradNorms.push(norm);
        updates++;
      } else {
        tf.dispose(g);
        skipped++;
      }
      onProgress?.(updates + skipped, totalUpdates);
    }
  }
  const n = Math.max(1, sums.n);
  return {
    updates, skipped,
    pgLoss: sums.pg / n, entropy: sums.ent / n, kl: sums.kl / n, approxKl: sums.approxKl / n,
    clipFraction: sums.clip / n, clipFractionLower: sums.clipLower / n,
    gradNorm: gradNorms.length ? gradNorms.reduce((a, b) => a + b, 0) / gradNorms.length : NaN,
    nonFiniteEvents: events,
  };
}
