// Configuration of the VERL shaper. Defaults are the paper's settings as passed by the
// authors' released script (hf618/VERL train.sh → train_grpo_math_tune_ray.sh):
// indicator names ['Effective Rank diff 2', 'Effective Rank diff', 'Effective Rank'] = ERA,
// ERV, ER; --reward_weights [0,0,1]; --reward_weights_exploit [0,1,0]; --modulation_gain 2.0;
// --reward_ema_alpha 0.3; --adv_shaping_kappa 2.0; --aux_reward_global_weight 1.0;
// --aux_fix True (fixed global weight); hypothesis_type PlanB (ERA meta-control).

import type { BonusTokens } from './broadcast.js';
import { assertScalar } from './validate.js';

export type IndicatorName = 'era' | 'erv' | 'er';
export type ShaperMode = 'default' | 'reference';
/** `none` = the paper's ERA meta-controller (reference `PlanB`); `fix-one`/`fix-two` = `FixOne`/`FixTwo`. */
export type ControllerAblation = 'none' | 'fix-one' | 'fix-two';

export interface VerlShaperConfig {
  /**
   * `reference`: the authors' code path (baselines from 0 without bias correction and one step
   * behind, no aux and no EMA updates on the first step, bonus on the final token).
   * `default`: the intended method (bias-corrected baselines that include the last batch,
   * bonus on every response token).
   */
  mode: ShaperMode;
  /** Indicator order; the first is the meta-controller's guidance indicator (reference `indicator_names[0]`). */
  indicatorNames: IndicatorName[];
  /** Weights per indicator when τ = 1 (exploration profile, `weights`). */
  exploreWeights: number[];
  /** Weights per indicator when τ = 0 (exploitation profile, `weights_exploit`). */
  exploitWeights: number[];
  /** g in τ = sigmoid(g·pd) (`modulation_gain`). */
  modulationGain: number;
  /** α of the EMAs: m ← (1-α)·m + α·x (`ema_alpha`). */
  emaAlpha: number;
  /** κ of the clip min(relu(aux), |A0|/κ) (`adv_shaping_kappa`); the sign of A0 is kept when κ > 1. */
  kappa: number;
  /** W, the global weight of aux (`aux_reward_global_weight`). */
  globalWeight: number;
  /** false: S = W (`aux_fix True`); true: S = W·(1 - (emaScore + 1)/2), scores in [-1, 1]. */
  adaptiveWeight: boolean;
  /** Meta-controller ablation (`hypothesis_type`). */
  ablation: ControllerAblation;
  /** Add the clipped bonus to the advantage (`add_adv`). */
  addAdvantage: boolean;
  /** Add aux to the reward before the estimator (`add_reward`); see `VerlShaper.shapeRewards`. */
  addReward: boolean;
  /**
   * Reference mode only: reproduce the released code's gate `use_aux_reward = add_reward and …`,
   * under which aux (and every EMA update) exists only when `addReward` is on. With the
   * released script's `add_reward False, add_adv True` the shaping then never fires.
   */
  gateOnAddReward: boolean;
  /** Deviations are clamped to ±this (reference 5.0). */
  deviationClip: number;
  /** Added to |baseline| in the relative deviations (reference 1e-8). */
  epsilon: number;
  /** Read the EMAs bias-corrected (mode default: default true, reference false). */
  biasCorrection: boolean;
  /** Where the bonus goes (mode default: default 'all', reference 'last'). */
  bonusTokens: BonusTokens;
  /**
   * 1: the indicator baselines are updated with the previous batch's means after the current
   * aux (reference: `metrics_old`); 0: with the current batch's means. Mode default: reference
   * 1, default 0.
   */
  baselineLag: 0 | 1;
}

export const PAPER_DEFAULTS: Omit<VerlShaperConfig, 'mode' | 'biasCorrection' | 'bonusTokens' | 'baselineLag'> = {
  indicatorNames: ['era', 'erv', 'er'],
  exploreWeights: [0, 0, 1],
  exploitWeights: [0, 1, 0],
  modulationGain: 2.0,
  emaAlpha: 0.3,
  kappa: 2.0,
  globalWeight: 1.0,
  adaptiveWeight: false,
  ablation: 'none',
  addAdvantage: true,
  addReward: false,
  gateOnAddReward: false,
  deviationClip: 5.0,
  epsilon: 1e-8,
};

export const MODE_DEFAULTS: Record<ShaperMode, Pick<VerlShaperConfig, 'biasCorrection' | 'bonusTokens' | 'baselineLag'>> = {
  reference: { biasCorrection: false, bonusTokens: 'last', baselineLag: 1 },
  default: { biasCorrection: true, bonusTokens: 'all', baselineLag: 0 },
};

const INDICATORS: readonly IndicatorName[] = ['era', 'erv', 'er'];

/** Fills in defaults (the mode's, then the paper's) and checks every field. */
export function resolveShaperConfig(partial: Partial<VerlShaperConfig> = {}): VerlShaperConfig {
  if (partial == null || typeof partial !== 'object') throw new TypeError('VerlShaper config must be an object');
  const known = new Set<string>([...Object.keys(PAPER_DEFAULTS), 'mode', 'biasCorrection', 'bonusTokens', 'baselineLag']);
  for (const k of Object.keys(partial)) {
    if (!known.has(k)) throw new TypeError(`unknown VerlShaper option "${k}"`);
  }
  const mode = partial.mode ?? 'default';
  if (mode !== 'default' && mode !== 'reference') throw new RangeError(`mode must be 'default' or 'reference', got ${String(mode)}`);
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const c: VerlShaperConfig = { ...PAPER_DEFAULTS, ...MODE_DEFAULTS[mode], ...defined, mode };
  c.indicatorNames = [...c.indicatorNames];
  c.exploreWeights = [...c.exploreWeights];
  c.exploitWeights = [...c.exploitWeights];

  if (c.indicatorNames.length === 0) throw new RangeError('indicatorNames must not be empty');
  for (const n of c.indicatorNames) {
    if (!INDICATORS.includes(n)) throw new RangeError(`indicatorNames: unknown indicator "${String(n)}" (use ${INDICATORS.join(', ')})`);
  }
  if (new Set(c.indicatorNames).size !== c.indicatorNames.length) throw new RangeError('indicatorNames must not repeat');
  for (const key of ['exploreWeights', 'exploitWeights'] as const) {
    const w = c[key];
    if (!Array.isArray(w) || w.length !== c.indicatorNames.length) {
      throw new RangeError(`${key} must have one weight per indicator (${c.indicatorNames.length})`);
    }
    w.forEach((v, i) => assertScalar(`${key}[${i}]`, v, () => true, 'a finite number'));
  }
  assertScalar('modulationGain', c.modulationGain, () => true, 'a finite number');
  assertScalar('emaAlpha', c.emaAlpha, (v) => v > 0 && v <= 1, 'in (0, 1]');
  assertScalar('kappa', c.kappa, (v) => v > 0, 'a finite number > 0');
  assertScalar('globalWeight', c.globalWeight, () => true, 'a finite number');
  assertScalar('deviationClip', c.deviationClip, (v) => v > 0, 'a finite number > 0');
  assertScalar('epsilon', c.epsilon, (v) => v > 0, 'a finite number > 0');
  if (!['none', 'fix-one', 'fix-two'].includes(c.ablation)) throw new RangeError(`ablation must be 'none', 'fix-one' or 'fix-two', got ${String(c.ablation)}`);
  if (c.bonusTokens !== 'all' && c.bonusTokens !== 'last') throw new RangeError(`bonusTokens must be 'all' or 'last', got ${String(c.bonusTokens)}`);
  if (c.baselineLag !== 0 && c.baselineLag !== 1) throw new RangeError(`baselineLag must be 0 or 1, got ${String(c.baselineLag)}`);
  for (const key of ['adaptiveWeight', 'addAdvantage', 'addReward', 'gateOnAddReward', 'biasCorrection'] as const) {
    if (typeof c[key] !== 'boolean') throw new TypeError(`${key} must be a boolean, got ${typeof c[key]}`);
  }
  if (c.gateOnAddReward && mode !== 'reference') throw new RangeError('gateOnAddReward reproduces a reference-code gate; use it with mode: "reference"');
  return c;
}
