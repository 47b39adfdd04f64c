// Public API of @verl-ts/trainer.
export {
  aggregateLoss, entropyFromLogits, klPenalty, logProbsFromLogits, maskedMean, policyLoss,
  LOSS_AGG_MODES, KL_ESTIMATORS,
} from './losses.js';
export type { LossAggMode, KlEstimator, PolicyLossInput, PolicyLossOptions, PolicyLossResult } from './losses.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions, AdamWStateHeader } from './adamw.js';
export { learningRateAt } from './schedule.js';
export type { LrSchedule, LrScheduleKind } from './schedule.js';
export { clipByGlobalNorm, globalNorm, GradAccumulator } from './gradients.js';
export { parseRLConfig, parseSFTConfig, rlConfigSchema, sftConfigSchema, ConfigError } from './config.js';
export type { RLConfig, RLConfigInput, SFTConfig, SFTConfigInput } from './config.js';
export { Rng, permutation } from './rng.js';
export { DataCursor } from './data-cursor.js';
export type { DataCursorState } from './data-cursor.js';
export { writeCheckpoint, listCheckpoints, latestCheckpoint, readManifest, pruneCheckpoints, checkpointsRoot, MANIFEST } from './checkpoint.js';
export type { CheckpointManifest, CheckpointInfo } from './checkpoint.js';
