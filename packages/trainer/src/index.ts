// Public API of @verl-ts/trainer.
export {
  aggregateLoss, entropyFromLogits, klPenalty, logProbsFromLogits, maskedMean, policyLoss,
  LOSS_AGG_MODES, KL_ESTIMATORS,
} from './losses.js';
export type { AggregateLossOptions, LossAggMode, KlEstimator, PolicyLossInput, PolicyLossOptions, PolicyLossResult } from './losses.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions, AdamWStateHeader } from './adamw.js';
export { learningRateAt } from './schedule.js';
export type { LrSchedule, LrScheduleKind } from './schedule.js';
export { addNChunked, clipByGlobalNorm, clipByGlobalNormAsync, clipWithNorm, globalNorm, globalNormAsync, globalNormTensor, GradAccumulator } from './gradients.js';
export { readAsync, readSync } from './readback.js';
export type { TensorReads } from './readback.js';
export { parseRLConfig, parseSFTConfig, rlConfigSchema, sftConfigSchema, ConfigError } from './config.js';
export type { RLConfig, RLConfigInput, SFTConfig, SFTConfigInput } from './config.js';
export { Rng, permutation } from './rng.js';
export { DataCursor } from './data-cursor.js';
export type { DataCursorState } from './data-cursor.js';
export { writeCheckpoint, listCheckpoints, latestCheckpoint, readManifest, pruneCheckpoints, checkpointsRoot, MANIFEST } from './checkpoint.js';
export type { CheckpointManifest, CheckpointInfo } from './checkpoint.js';
export { trainRL, NonFiniteTrainingError } from './train-rl.js';
export type { TrainRLResult, RLTrainerState, TrainOptions } from './train-rl.js';
export { ConfigChangeError, diffConfigs, reconcileRunConfig, CONFIG_FILE, CONFIG_HISTORY_FILE, RL_FREE_FIELDS, SFT_FREE_FIELDS } from './run-config.js';
export type { ConfigChange, ConfigHistoryEntry } from './run-config.js';
export { trainSFT, TINY_MODEL_DEFAULTS } from './train-sft.js';
export type { TrainSFTResult, SFTDeps, SFTTrainerState } from './train-sft.js';
export type { RLDeps, ShaperWithRewards } from './rl-deps.js';
export type { StepMetrics, SFTStepMetrics, TrainerHooks, PhaseTimes, RunStartInfo } from './metrics.js';
export type { SampleRecord } from './rl-step.js';
export { AbortedError, encodePrompt } from './rl-step.js';
export { evaluateAccuracy } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { buildTokenBatch, sliceTokenBatch } from './batch.js';
export type { TokenBatch, SequencePair } from './batch.js';
export { scoreBatch, scoreBatchAsync } from './forward-pass.js';
export type { RankMetricsFn, ScoreOptions, ScoreResult } from './forward-pass.js';
export { ppoUpdate, ppoUpdateAsync, microBatchLoss } from './ppo-update.js';
export type { PPOSettings, PPOData, PPOUpdateStats } from './ppo-update.js';
export { computeStepAdvantages } from './advantages.js';
export { responseRankMetrics, defaultRLDeps, loadProblems } from './default-deps.js';
export { defaultSFTDeps, sftTarget, loadSFTProblems } from './default-sft-deps.js';
export type { PolicyModel, TokenizerLike, RolloutEngineLike, RolloutLike, ProblemLike, ShaperLike, RankMetricsRow } from './contracts.js';
export { applyOverlongPenalty, isTruncated, maskTruncatedResponses, overlongOptionsError, overlongPenalty, OVERLONG_DEFAULTS } from './overlong.js';
export type { OverlongOptions, OverlongShaping } from './overlong.js';
