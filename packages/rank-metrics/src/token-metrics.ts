// Token-level uncertainty from the policy's logits, for the paper's comparison of
// token-level metrics with hidden-state metrics (arXiv 2509.23808, Sec. 4): the entropy of
// the next-token distribution and the log-probability / probability of the sampled token.
// Logits at position t are the distribution that produced token t (align before calling).

import { assertFinite } from './matrix.js';
import { type BatchMask, maskIndices } from './batch.js';

export interface TokenMetricsOptions {
  /** Sampling temperature; logits are divided by it first (default 1). */
  temperature?: number;
}

function checkTemperature(temperature: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new RangeError(`temperature must be a finite number > 0, got ${temperature}`);
  }
}

/**
 * Softmax summary of one row of logits: log Z (log-sum-exp), the entropy
 * H = log Z - sum p z, and the largest probability. Stable for large logits.
 */
function rowStats(logits: ArrayLike<number>, off: number, vocab: number, invT: number): { logZ: number; entropy: number; maxProb: number } {
  let max = -Infinity;
  for (let k = 0; k < vocab; k++) max = Math.max(max, logits[off + k] * invT);
  let z = 0;
  let ez = 0;
  for (let k = 0; k < vocab; k++) {
    const x = logits[off + k] * invT - max;
    const e = Math.exp(x);
    z += e;
    ez += e * x;
  }
  const logZ = Math.log(z);
  return { logZ: logZ + max, entropy: logZ - ez / z, maxProb: 1 / z };
}

/** Entropy (nats) of softmax(logits / T) at every position of a [time, vocab] array. */
export function tokenEntropies(
  logits: Float32Array | Float64Array,
  dims: { time: number; vocab: number },
  opts: TokenMetricsOptions = {},
): Float64Array {
  const { time, vocab } = dims;
  if (logits.length !== time * vocab) {
    throw new RangeError(`logits.length is ${logits.length} but time*vocab = ${time}*${vocab} = ${time * vocab}`);
  }
  const temperature = opts.temperature ?? 1;
  checkTemperature(temperature);
  assertFinite(logits, vocab, 'logits');
  const out = new Float64Array(time);
  for (let t = 0; t < time; t++) out[t] = rowStats(logits, t * vocab, vocab, 1 / temperature).entropy;
  return out;
}

export interface ResponseTokenMetrics {
  /** Mean next-token entropy over the response tokens (nats). */
  entropy: number;
  /** Mean log-probability of the sampled tokens. */
  logProb: number;
  /** Mean probability of the sampled tokens (confidence). */
  confidence: number;
  /** Mean of the largest next-token probability. */
  maxProbability: number;
  /** exp(-logProb). */
  perplexity: number;
  /** Number of response tokens. */
  tokens: number;
}

/**
 * Token-level metrics per response of a padded batch: logits [B, T, V] (row-major),
 * sampled token ids [B][T] or flat [B*T], and the [B, T] response mask. Responses without
 * tokens get zeros (perplexity 1) and tokens = 0.
 */
export function batchTokenMetrics(
  logits: Float32Array | Float64Array,
  dims: { batch: number; time: number; vocab: number },
  tokenIds: ArrayLike<number>[] | ArrayLike<number>,
  mask: BatchMask,
  opts: TokenMetricsOptions = {},
): ResponseTokenMetrics[] {
  const { batch, time, vocab } = dims;
  for (const k of ['batch', 'time', 'vocab'] as const) {
    if (!Number.isInteger(dims[k]) || dims[k] < 0) throw new RangeError(`dims.${k} must be a non-negative integer, got ${dims[k]}`);
  }
  if (logits.length !== batch * time * vocab) {
    throw new RangeError(
      `logits.length is ${logits.length} but batch*time*vocab = ${batch}*${time}*${vocab} = ${batch * time * vocab}`,
    );
  }
  const temperature = opts.temperature ?? 1;
  checkTemperature(temperature);
  const invT = 1 / temperature;
  const nested = Array.isArray(tokenIds) && (tokenIds.length === 0 || typeof tokenIds[0] !== 'number');
  const idAt = (b: number, t: number): number =>
    nested ? (tokenIds as ArrayLike<number>[])[b][t] : (tokenIds as ArrayLike<number>)[b * time + t];
  if (nested) {
    const ids = tokenIds as ArrayLike<number>[];
    if (ids.length !== batch) throw new RangeError(`tokenIds has ${ids.length} rows, expected batch = ${batch}`);
    ids.forEach((r, b) => {
      if (r.length !== time) throw new RangeError(`tokenIds row ${b} has length ${r.length}, expected time = ${time}`);
    });
  } else if ((tokenIds as ArrayLike<number>).length !== batch * time) {
    throw new RangeError(`tokenIds.length is ${(tokenIds as ArrayLike<number>).length}, expected batch*time = ${batch * time}`);
  }
  return maskIndices(mask, batch, time).map((positions, b) => {
    let entropy = 0;
    let logProb = 0;
    let confidence = 0;
    let maxProbability = 0;
    for (const t of positions) {
      const off = (b * time + t) * vocab;
      assertFinite(logits.subarray(off, off + vocab), vocab, `logits[${b}][${t}]`);
      const id = idAt(b, t);
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new RangeError(`token id ${id} at [${b}][${t}] is outside 0..${vocab - 1}`);
      }
      const s = rowStats(logits, off, vocab, invT);
      const lp = logits[off + id] * invT - s.logZ;
      entropy += s.entropy;
      logProb += lp;
      confidence += Math.exp(lp);
      maxProbability += s.maxProb;
    }
    const n = positions.length;
    if (n === 0) return { entropy: 0, logProb: 0, confidence: 0, maxProbability: 0, perplexity: 1, tokens: 0 };
    return {
      entropy: entropy / n,
      logProb: logProb / n,
      confidence: confidence / n,
      maxProbability: maxProbability / n,
      perplexity: Math.exp(-logProb / n),
      tokens: n,
    };
  });
}
