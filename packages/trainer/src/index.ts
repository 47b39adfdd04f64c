// Public API of @verl-ts/trainer.
// training
export { trainRL } from './train-rl.js';
export type { TrainRLOptions, RLTrainerState } from './train-rl.js';
export { trainSFT, TINY_MODEL_DEFAULTS } from './train-sft.js';
export type { TrainSFTOptions, TrainSFTResult, SFTTrainerState } from './train-sft.js';
export { NonFiniteTrainingError, AbortedError } from './run-loop.js';
export type { TrainOptions, TrainResult } from './run-loop.js';
export type { TrainingEngine, EngineSource } from './engine.js';
export type { RewardFn, GradedReward } from './reward.js';
export { verifierReward } from './reward.js';
export { loadProblems, loadSFTProblems, sftTarget } from './problems.js';
export type { StepMetrics, SFTStepMetrics, TrainerHooks, PhaseTimes, RunStartInfo } from './metrics.js';
export type { SampleRecord } from './rl-step.js';
export { encodePrompt } from './rl-step.js';
export { evaluateAccuracy } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
// configuration
export {
  parseRLConfig, parseSFTConfig, rlConfigSchema, sftConfigSchema, optimizerFields, ConfigError,
} from './config.js';
export type { RLConfig, RLConfigInput, SFTConfig, SFTConfigInput, OptimizerConfig } from './config.js';
export { ConfigChangeError, diffConfigs, reconcileRunConfig, CONFIG_FILE, CONFIG_HISTORY_FILE, RL_FREE_FIELDS, SFT_FREE_FIELDS } from './run-config.js';
export type { ConfigChange, ConfigHistoryEntry } from './run-config.js';
// run folders and checkpoints
export { writeCheckpoint, listCheckpoints, latestCheckpoint, readManifest, pruneCheckpoints, MANIFEST } from './checkpoint.js';
export type { CheckpointManifest, CheckpointInfo } from './checkpoint.js';
export { readStepMetrics } from './run-files.js';
// loss terms and the update
export {
  aggregateLoss, entropyFromLogits, klPenalty, logProbsFromLogits, maskedMean, policyLoss,
  LOSS_AGG_MODES, KL_ESTIMATORS,
} from './losses.js';
export type { LossAggMode, KlEstimator, PolicyLossInput, PolicyLossOptions, PolicyLossResult } from './losses.js';
export { registerPolicyLoss, getPolicyLoss, listPolicyLosses } from './policy-losses.js';
export type { PolicyLossFn } from './policy-losses.js';
export {
  applyOverlongPenalty, maskTruncatedResponses, overlongOptionsError, overlongPenalty, OVERLONG_DEFAULTS,
} from './overlong.js';
export type { OverlongOptions, OverlongShaping } from './overlong.js';
export { computeStepAdvantages } from './advantages.js';
export type { AdvantageResult } from './advantages.js';
export { ppoUpdateAsync } from './ppo-update.js';
export type { PPOSettings, PPOData, PPOUpdateStats } from './ppo-update.js';
export { scoreBatchAsync } from './forward-pass.js';
export type { ScoreOptions, ScoreResult } from './forward-pass.js';
export { buildTokenBatch, sliceTokenBatch } from './batch.js';
export type { TokenBatch, SequencePair } from './batch.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions, AdamWStateHeader } from './adamw.js';
export { learningRateAt } from './schedule.js';
export type { LrSchedule, LrScheduleKind } from './schedule.js';
export { accumulateGradients, addNChunked, clipByGlobalNormAsync, clipCoefficient, globalNormAsync, globalNormTensor } from './gradients.js';
export type { MicroBatchPass, PassHead } from './gradients.js';
export { DataCursor } from './data-cursor.js';
export type { DataCursorState } from './data-cursor.js';
