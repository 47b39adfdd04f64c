// Sampling of one token from one row of logits.
//
// Order of the transforms follows vLLM's sampler and HF `generate`: temperature, then top-k,
// then top-p on the distribution renormalised after top-k
// (vllm/v1/sample/ops/topk_topp_sampler.py `apply_top_k_top_p`; HF TopKLogitsWarper /
// TopPLogitsWarper). A temperature below 1e-5 means greedy, as vLLM's `_SAMPLING_EPS`.
//
// Log-probs: by default the returned log-prob is that of the sampled token under the RAW model
// distribution, log_softmax(logits) with no temperature or truncation; this is vLLM V1's default
// (`logprobs_mode = "raw_logprobs"`) and equals what a trainer's own forward pass computes.
// `processedLogprob` is the log-prob under the distribution actually sampled from (after
// temperature, top-k, top-p; 0 for greedy), vLLM's "processed_logprobs".
import { Rng } from '@verl-ts/prng';
import { truncatedSupport } from './truncation.js';

/** Below this temperature sampling is greedy (vLLM `_SAMPLING_EPS`). */
export const GREEDY_TEMPERATURE_EPS = 1e-5;

export interface SamplingParams {
  /** Softmax temperature; 0 (or < 1e-5) is greedy. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 or -1 disables (HF uses 0, vLLM -1). Default disabled. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches topP. In (0, 1], default 1. */
  topP?: number;
}

export interface SampledToken {
  token: number;
  /** log p(token) under the raw model distribution log_softmax(logits). */
  logprob: number;
  /** log p(token) under the processed distribution that was sampled from (0 when greedy). */
  processedLogprob: number;
}

/** Throws a RangeError naming the bad field; returns the parameters with defaults filled in. */
export function validateSamplingParams(p: SamplingParams): Required<SamplingParams> {
  const temperature = p.temperature ?? 1;
  const topK = p.topK ?? 0;
  const topP = p.topP ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw new RangeError(`temperature must be a finite number >= 0, got ${temperature}`);
  }
  if (!Number.isInteger(topK) || topK < -1) throw new RangeError(`topK must be an integer >= -1 (0 or -1 = disabled), got ${topK}`);
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${topP}`);
  return { temperature, topK, topP };
}

/** True when these parameters always pick the argmax. */
export function isGreedy(p: SamplingParams): boolean {
  return (p.temperature ?? 1) < GREEDY_TEMPERATURE_EPS || p.topK === 1;
}

/** Index of the largest logit (the first one on ties, like torch.argmax). */
export function argmax(logits: ArrayLike<number>, offset = 0, size = logits.length - offset): number {
  let best = 0;
  let bestVal = -Infinity;
  for (let i = 0; i < size; i++) {
    const v = logits[offset + i];
    if (v > bestVal) {
      bestVal = v;
      best = i;
    }
  }
  return best;
}

/** log(sum(exp(x))) of a row, computed stably; throws on NaN. */
export function logSumExp(logits: ArrayLike<number>, offset = 0, size = logits.length - offset, scale = 1): number {
  let max = -Infinity;
  for (let i = 0; i < size; i++) {
    const v = logits[offset + i];
    if (Number.isNaN(v)) throw new RangeError(`logits contain NaN at index ${i}`);
    if (v > max) max = v;
  }
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) throw new RangeError('logits contain +Infinity');
  let sum = 0;
  for (let i = 0; i < size; i++) sum += Math.exp((logits[offset + i] - max) * scale);
  return max * scale + Math.log(sum);
}

/** log_softmax of a row in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const lse = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
  return out;
}

/**
 * The distribution sampling draws from, as its support (most likely first; ties by lower token
 * id) and renormalised probabilities. Exposed for tests and for servers that report it.
 */
export function processedDistribution(
  logits: ArrayLike<number>,
  params: SamplingParams,
  offset = 0,
  size = logits.length - offset,
): { tokens: Int32Array; probs: Float64Array } {
  const { temperature, topK, topP } = validateSamplingParams(params);
  if (size <= 0) throw new RangeError('cannot sample from an empty logits row');
  if (temperature < GREEDY_TEMPERATURE_EPS || topK === 1) {
    return { tokens: Int32Array.of(argmax(logits, offset, size)), probs: Float64Array.of(1) };
  }
  const invT = 1 / temperature;
  const lse = logSumExp(logits, offset, size, invT);
  const p = new Float64Array(size);
  for (let i = 0; i < size; i++) p[i] = Math.exp(logits[offset + i] * invT - lse);
  const support = Array.from(truncatedSupport(p, topK, topP)).sort((a, b) => p[b] - p[a] || a - b);
  const tokens = Int32Array.from(support);
  const probs = new Float64Array(tokens.length);
  let s = 0;
  for (let j = 0; j < tokens.length; j++) s += probs[j] = p[tokens[j]];
  for (let j = 0; j < tokens.length; j++) probs[j] /= s;
  return { tokens, probs };
}

/**
 * Samples one token from `logits[offset .. offset+size)` (a row of a [B, V] readback) with the
 * given parameters and generator.
 */
export function sampleToken(
  logits: ArrayLike<number>,
  params: SamplingParams,
  rng: Rng,
  offset = 0,
  size = logits.length - offset,
): SampledToken {
  const rawLse = logSumExp(logits, offset, size);
  if (isGreedy(params)) {
    validateSamplingParams(params);
    const token = argmax(logits, offset, size);
    return { token, logprob: logits[offset + token] - rawLse, processedLogprob: 0 };
  }
  const { temperature, topK, topP } = validateSamplingParams(params);
  if ((topK <= 0 || topK >= size) && topP >= 1) {
    // no truncation: inverse-CDF scan in token order, no sort needed
    const invT = 1 / temperature;
    const lse = logSumExp(logits, offset, size, invT);
    const u = rng.nextFloat();
    let acc = 0;
    let token = -1;
    let lastPositive = 0; // round-off can leave u >= the final sum: fall back to a possible token
    for (let i = 0; i < size; i++) {
      const q = Math.exp(logits[offset + i] * invT - lse);
      if (q > 0) lastPositive = i;
      acc += q;
      if (u < acc) {
        token = i;
        break;
      }
    }
    if (token < 0) token = lastPositive;
    return { token, logprob: logits[offset + token] - rawLse, processedLogprob: logits[offset + token] * invT - lse };
  }
  // truncated: find the support by selection (unordered; the distribution does not depend on
  // the order of the inverse-CDF scan, and the order is deterministic)
  const invT = 1 / temperature;
  const lse = logSumExp(logits, offset, size, invT);
  const p = new Float64Array(size);
  for (let i = 0; i < size; i++) p[i] = Math.exp(logits[offset + i] * invT - lse);
  const support = truncatedSupport(p, topK, topP);
  let mass = 0;
  for (const i of support) mass += p[i];
  const u = rng.nextFloat() * mass;
  let acc = 0;
  let token = support[support.length - 1];
  for (const i of support) {
    acc += p[i];
    if (u < acc) {
      token = i;
      break;
    }
  }
  return { token, logprob: logits[offset + token] - rawLse, processedLogprob: Math.log(p[token] / mass) };
}
