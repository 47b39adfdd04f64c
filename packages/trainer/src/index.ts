// Public API of @verl-ts/trainer.
// training
export { trainRL, type TrainRLOptions, type RLTrainerState } from './train-rl.js';
export { trainSFT, TINY_MODEL_DEFAULTS, type TrainSFTOptions, type TrainSFTResult, type SFTTrainerState } from './train-sft.js';
export { NonFiniteTrainingError, AbortedError, type TrainOptions, type TrainResult } from './run-loop.js';
export type { TrainingEngine, EngineSource } from './engine.js';
export { verifierReward, type RewardFn, type GradedReward } from './reward.js';
export { loadProblems, loadSFTProblems, sftTarget } from './problems.js';
export type { StepMetrics, SFTStepMetrics, TrainerHooks, PhaseTimes } from './metrics.js';
export { encodePrompt, type SampleRecord } from './rl-step.js';
export { evaluateAccuracy, type EvaluateOptions } from './evaluate.js';
// configuration
export { parseRLConfig, parseSFTConfig, rlConfigSchema, sftConfigSchema, optimizerFields, ConfigError } from './config.js';
export type { RLConfig, RLConfigInput, SFTConfig, SFTConfigInput, OptimizerConfig } from './config.js';
export { ConfigChangeError, diffConfigs, reconcileRunConfig, RL_FREE_FIELDS, SFT_FREE_FIELDS, type ConfigChange, type ConfigHistoryEntry } from './run-config.js';
// run folders and checkpoints
export { writeCheckpoint, listCheckpoints, latestCheckpoint, type CheckpointManifest, type CheckpointInfo } from './checkpoint.js';
export { readStepMetrics } from './run-files.js';
// loss terms and the update
export { aggregateLoss, entropyFromLogits, klPenalty, logProbsFromLogits, maskedMean, policyLoss, LOSS_AGG_MODES, KL_ESTIMATORS } from './losses.js';
export type { LossAggMode, KlEstimator, PolicyLossInput, PolicyLossOptions, PolicyLossResult } from './losses.js';
export { registerPolicyLoss, getPolicyLoss, listPolicyLosses, type PolicyLossFn } from './policy-losses.js';
export { applyOverlongPenalty, maskTruncatedResponses, overlongPenalty, type OverlongOptions, type OverlongShaping } from './overlong.js';
export { computeStepAdvantages, type AdvantageResult } from './advantages.js';
export { ppoUpdateAsync, type PPOSettings, type PPOData, type PPOUpdateStats } from './ppo-update.js';
export { scoreBatchAsync, type ScoreOptions, type ScoreResult } from './forward-pass.js';
export { buildTokenBatch, sliceTokenBatch, type TokenBatch, type SequencePair } from './batch.js';
export { AdamW, type AdamWOptions, type AdamWStateHeader } from './adamw.js';
export { learningRateAt, type LrSchedule } from './schedule.js';
export { accumulateGradients, addNChunked, clipByGlobalNormAsync, clipCoefficient, globalNormAsync, globalNormTensor } from './gradients.js';
export type { MicroBatchPass, PassHead } from './gradients.js';
export { DataCursor, type DataCursorState } from './data-cursor.js';
