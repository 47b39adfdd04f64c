// Public API of @verl-ts/verl-advantage: outcome-reward advantage estimators in a registry and
// the VERL shaper (ERA meta-controlled bonus on the GRPO advantage). No TensorFlow.js.

export type { AdvantageEstimator, AdvantageInput } from './estimators.js';
export {
  drGrpoAdvantages,
  grpoAdvantages,
  reinforcePlusPlusBaselineAdvantages,
  rlooAdvantages,
} from './estimators.js';
export type { BuiltinEstimatorName } from './registry.js';
export {
  computeAdvantages,
  getAdvantageEstimator,
  listAdvantageEstimators,
  registerAdvantageEstimator,
} from './registry.js';
export type { GroupId } from './groups.js';
export type { BonusTokens, TokenMask } from './broadcast.js';
export {
  broadcastOverMask,
  broadcastShapedAdvantages,
  broadcastShapedAdvantagesFlat,
  lastTokenIndex,
  lengthsFromMask,
} from './broadcast.js';
export type { ControllerAblation, IndicatorName, ShaperMode, VerlShaperConfig } from './shaper-config.js';
export { MODE_DEFAULTS, PAPER_DEFAULTS, resolveShaperConfig } from './shaper-config.js';
export { verlShaperConfigSchema, type VerlShaperConfigParsed, type VerlShaperConfigInput } from './shaper-config-schema.js';
export type { AuxResult, IndicatorValues } from './aux.js';
export { computeAux, relativeDeviation } from './aux.js';
export type { ShaperIndicators, ShaperStepInput, ShaperStepResult } from './shaper.js';
export { VerlShaper } from './shaper.js';
