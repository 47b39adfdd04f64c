// The no-gradient passes of an RL step: log-probs (and token entropies) of the sampled tokens
// under the current ("old") policy and the frozen reference, and the final-layer hidden states
// of the response tokens, handed to the rank metrics one micro-batch at a time so the
// [B, T, D] states of the whole batch never have to be held at once. models' scoreTokens computes
// them (bit-identical to log_softmax of the whole logits: compared on cpu and wasm, tiny-arith).
import * as tf from '@tensorflow/tfjs';
import type { CausalLM } from '@verl-ts/models';
import { batchRankMetrics, type ResponseRankMetrics } from '@verl-ts/rank-metrics';
import { sliceTokenBatch, type TokenBatch } from './batch.js';

export interface ScoreOptions {
  microBatchSize: number;
  temperature?: number;
  withEntropy?: boolean;
  /** ER / ERV / ERA of each row's loss-token hidden states (rank-metrics); non-finite states give NaN
   *  metrics, and the step then skips VERL shaping */
  rankMetrics?: { stride: number; maxTokens: number };
}

export interface ScoreResult {
  /** [B][L-1] log-probs of the labels (0 outside the row) */
  logProbs: number[][];
  /** [B][L-1] token entropies (only withEntropy) */
  entropy: number[][] | null;
  metrics: ResponseRankMetrics[] | null;
  forwardMs: number;
  metricsMs: number;
}

/** The passes, one `await data()` per micro-batch (works on every backend, webgpu included). */
export async function scoreBatchAsync(model: CausalLM, batch: TokenBatch, opts: ScoreOptions): Promise<ScoreResult> {
  const B = batch.inputIds.length;
  const T = batch.length - 1;
  const logProbs: number[][] = [];
  const entropy: number[][] | null = opts.withEntropy ? [] : null;
  const metrics: ResponseRankMetrics[] | null = opts.rankMetrics ? [] : null;
  let forwardMs = 0;
  let metricsMs = 0;
  const mb = Math.max(1, opts.microBatchSize);
  for (let s = 0; s < B; s += mb) {
    const sub = sliceTokenBatch(batch, s, Math.min(B, s + mb));
    const rows = sub.inputIds.length;
    const t = sub.length - 1;
    const t0 = performance.now();
    // models' scoreTokens: the LM head a chunk of positions at a time, never [rows, t, V] logits
    const out = model.scoreTokens({ inputIds: sub.inputIds, attentionMask: sub.attentionMask }, sub.labels, {
      temperature: opts.temperature ?? 1, entropy: opts.withEntropy, hidden: opts.rankMetrics !== undefined,
    });
    // log-probs, entropies and hidden states leave the device in one read
    const D = out.hidden ? out.hidden.shape[2] : 0;
    const parts = [out.logProbs, ...(out.entropy ? [out.entropy] : []), ...(out.hidden ? [out.hidden] : [])];
    const joined = parts.length === 1 ? out.logProbs : tf.tidy(() => tf.concat(parts.map((p) => tf.reshape(p, [-1]))));
    let all: Float32Array;
    try {
      all = (await joined.data()) as Float32Array;
    } finally {
      tf.dispose(parts);
      joined.dispose();
    }
    const n = rows * t;
    const lpData = all.subarray(0, n);
    const entData = out.entropy ? all.subarray(n, 2 * n) : null;
    const hData = out.hidden ? all.slice((out.entropy ? 2 : 1) * n) : null;
    forwardMs += performance.now() - t0;
    for (let r = 0; r < rows; r++) {
      const row = new Array<number>(T).fill(0);
      for (let j = 0; j < t; j++) row[j] = sub.lossMask[r][j] || batch.attentionMask[s + r][j + 1] ? lpData[r * t + j] : 0;
      logProbs.push(row);
      if (entropy && entData) entropy.push([...entData.subarray(r * t, (r + 1) * t), ...new Array<number>(T - t).fill(0)]);
    }
    if (metrics && hData && opts.rankMetrics) {
      const t1 = performance.now();
      metrics.push(...batchRankMetrics(hData, { batch: rows, time: t, dim: D }, sub.lossMask, { ...opts.rankMetrics, nonFinite: 'nan' }));
      metricsMs += performance.now() - t1;
    }
  }
  return { logProbs, entropy, metrics, forwardMs, metricsMs };
}
