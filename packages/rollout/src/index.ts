// Public API of @verl-ts/rollout.
export type { Rollout, GenerateOptions, GenerateProgress, GeneratedToken, RolloutEngine, FinishReason } from './types.js';
// the project's one seeded generator (@verl-ts/prng), re-exported for engines built on this package
export { Rng, type RngState } from '@verl-ts/prng';
export {
  sampleToken,
  processedDistribution,
  validateSamplingParams,
  isGreedy,
  argmax,
  logSumExp,
  logSoftmax,
  GREEDY_TEMPERATURE_EPS,
  type SamplingParams,
  type SampledToken,
} from './sampling.js';
export { normalizeGenerateOptions, arePromptIds, checkPromptIds, checkPromptSeeds, type NormalizedOptions } from './options.js';
export { findStop, resumeSearchAt } from './stop.js';
export { createLocalEngine, type LocalEngine, type LocalEngineOptions } from './local-engine.js';
export { createRemoteEngine, RemoteEngineError, type RemoteEngineOptions } from './remote-engine.js';
export { ServerPool, parseServerList, type ServerLease, type ServerPoolOptions } from './remote-pool.js';
export { createCompletionsServer, type CompletionsServerOptions } from './completions-server.js';
export { parseCompletionRequest, type CompletionRequest } from './completion-request.js';
export { parseChatRequest, type ChatRenderer } from './chat-request.js';
export { modelContextLength } from './context-length.js';
export { RequestError, DEFAULT_LIMITS, type CompletionsLimits } from './request-error.js';
