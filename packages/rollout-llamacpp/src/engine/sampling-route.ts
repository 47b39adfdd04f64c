// Which sampler draws the next token, and what llama.cpp is asked for at each step.
//
// Our distribution (@verl-ts/rollout's sampleToken, as vLLM and HF): temperature, then top-k, then
// top-p on the tempered distribution. llama.cpp's chain as node-llama-cpp 3.21.1 builds it
// (llama/addon/AddonSampler.cpp, rebuildChainIfNeeded): top-k → top-p → min-p → temperature →
// dist. Top-k keeps the same tokens before or after a temperature (it only orders them), but
// top-p does not: at T ≠ 1 it keeps another nucleus. So the chain draws from our distribution
// exactly when T = 1 or top-p is off; otherwise only the exact route does.
//
// The chain reports the probability of its token under the distribution it drew from (node-llama-
// cpp's `confidence`): that is the processed log-prob. The raw log-prob needs the normaliser over
// the whole vocabulary, which only the full copy (the exact route) gives, so a call that asks for
// raw log-probs (the default) takes the exact route.
import type { ControlledEvaluateInputItem } from 'node-llama-cpp';
import { isGreedy, type Rng, type SamplingParams } from '@verl-ts/rollout';

/** 'greedy': llama.cpp's argmax; 'llama.cpp': its seeded sampler chain; 'exact': our sampleToken on the full distribution. */
export type SamplingRoute = 'greedy' | 'llama.cpp' | 'exact';

type GenerateNext = NonNullable<Extract<ControlledEvaluateInputItem, unknown[]>[1]['generateNext']>;

export function samplingRoute(params: SamplingParams, logprobsMode: 'raw' | 'processed'): SamplingRoute {
  if (isGreedy(params)) return 'greedy';
  const temperature = params.temperature ?? 1;
  const topP = params.topP ?? 1;
  if (logprobsMode === 'processed' && (temperature === 1 || topP >= 1)) return 'llama.cpp';
  return 'exact';
}

/**
 * What llama.cpp computes after evaluating a response's last token. For the chain every option is
 * given, since node-llama-cpp fills in its own defaults otherwise (top-k 40, top-p 0.95): top-k 0
 * is the whole vocabulary, top-p 1 is off (llama_sampler_top_p returns at p >= 1). The chain's
 * seed is the next word of the response's generator, so a call's seed still reproduces it.
 */
export function generateNextFor(route: SamplingRoute, params: SamplingParams, rng: Rng): GenerateNext {
  if (route === 'greedy') return { token: true, confidence: true };
  if (route === 'exact') return { probabilities: true };
  const topK = params.topK ?? 0;
  return {
    token: true,
    confidence: true,
    options: { temperature: params.temperature ?? 1, topK: topK > 0 ? topK : 0, topP: params.topP ?? 1, minP: 0, seed: rng.nextUint32() },
  };
}
