// Public API of @verl-ts/rank-metrics: effective rank (ER), its velocity (ERV) and
// acceleration (ERA) and related metrics of hidden states, in pure TypeScript.
export type { Matrix } from './matrix.js';
export { validateMatrix } from './matrix.js';
export {
  effectiveRank,
  logEffectiveRank,
  traditionalRank,
  renyiEntropy,
  sequenceMetrics,
  centredSpectrum,
  type RenyiOptions,
  type SequenceMetrics,
} from './effective-rank.js';
export { curvature } from './curvature.js';
export {
  rankDynamics,
  DEFAULT_STRIDE,
  DEFAULT_MAX_TOKENS,
  type RankDynamics,
  type RankDynamicsOptions,
} from './rank-dynamics.js';
export { singularValueEntropy, rankFromEigenvalues, renyiFromEigenvalues } from './spectrum.js';
export { symmetricEigenvalues, symmetricEigen } from './eigen.js';
export {
  batchRankMetrics,
  batchRankMetricsAsync,
  batchResponseMetrics,
  meanHiddenStates,
  datasetEffectiveRank,
  datasetEffectiveRankOf,
  type BatchDims,
  type BatchMask,
  type BatchRankOptions,
  type NonFinitePolicy,
  type ResponseRankMetrics,
} from './batch.js';
export { rankMetricsPool, defaultWorkerCount, type RankMetricsPool, type PoolStats } from './worker-pool.js';
export {
  tokenEntropies,
  batchTokenMetrics,
  type ResponseTokenMetrics,
  type TokenMetricsOptions,
} from './token-metrics.js';
