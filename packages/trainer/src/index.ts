// Public API of @verl-ts/trainer.
export {
  aggregateLoss, entropyFromLogits, klPenalty, logProbsFromLogits, maskedMean, policyLoss,
  LOSS_AGG_MODES, KL_ESTIMATORS,
} from './losses.js';
export type { LossAggMode, KlEstimator, PolicyLossInput, PolicyLossOptions, PolicyLossResult } from './losses.js';
