// The VERL shaper's configuration as a zod schema, for configs that compose it (the trainer's
// `algorithm.verl.shaper`): every field with the paper's default (PAPER_DEFAULTS, from the
// authors' released script; see shaper-config.ts) and a one-line description. The three fields
// whose default depends on `mode` stay optional; `new VerlShaper(parsed)` fills them in.
// Parsing also runs resolveShaperConfig, so a bad value fails here, where the config is read.
import { z } from 'zod';
import { PAPER_DEFAULTS, resolveShaperConfig } from './shaper-config.js';

const indicator = z.enum(['era', 'erv', 'er']);

export const verlShaperConfigSchema = z.strictObject({
  mode: z.enum(['default', 'reference']).default('default')
    .describe("'default': the method as the paper describes it; 'reference': the authors' code path (baselines from 0, bonus on the last token)"),
  indicatorNames: z.array(indicator).min(1).default(() => [...PAPER_DEFAULTS.indicatorNames])
    .describe("indicator order; the first guides the meta-controller (paper: ERA, ERV, ER)"),
  exploreWeights: z.array(z.number()).default(() => [...PAPER_DEFAULTS.exploreWeights])
    .describe('weights per indicator when tau = 1 (reference --reward_weights)'),
  exploitWeights: z.array(z.number()).default(() => [...PAPER_DEFAULTS.exploitWeights])
    .describe('weights per indicator when tau = 0 (reference --reward_weights_exploit)'),
  modulationGain: z.number().default(PAPER_DEFAULTS.modulationGain).describe('g in tau = sigmoid(g * pd) (reference --modulation_gain)'),
  emaAlpha: z.number().gt(0).max(1).default(PAPER_DEFAULTS.emaAlpha).describe('alpha of the EMA baselines (reference --reward_ema_alpha)'),
  kappa: z.number().gt(0).default(PAPER_DEFAULTS.kappa).describe('kappa of the clip min(relu(aux), |A0|/kappa) (reference --adv_shaping_kappa)'),
  globalWeight: z.number().default(PAPER_DEFAULTS.globalWeight).describe('W, the global weight of aux (reference --aux_reward_global_weight)'),
  adaptiveWeight: z.boolean().default(PAPER_DEFAULTS.adaptiveWeight).describe('false: S = W (reference --aux_fix True); true: S = W * (1 - (emaScore + 1) / 2)'),
  ablation: z.enum(['none', 'fix-one', 'fix-two']).default(PAPER_DEFAULTS.ablation).describe("meta-controller ablation: 'none' = ERA control (reference hypothesis_type PlanB)"),
  addAdvantage: z.boolean().default(PAPER_DEFAULTS.addAdvantage).describe('add the clipped bonus to the advantage (reference add_adv)'),
  addReward: z.boolean().default(PAPER_DEFAULTS.addReward).describe('add aux to the reward before the estimator (reference add_reward)'),
  gateOnAddReward: z.boolean().default(PAPER_DEFAULTS.gateOnAddReward).describe("reference mode only: aux exists only when addReward is on, as in the released code"),
  deviationClip: z.number().gt(0).default(PAPER_DEFAULTS.deviationClip).describe('relative deviations are clamped to +-this'),
  epsilon: z.number().gt(0).default(PAPER_DEFAULTS.epsilon).describe('added to |baseline| in the relative deviations'),
  biasCorrection: z.boolean().optional().describe("read the EMAs bias-corrected (unset: the mode's, default true, reference false)"),
  bonusTokens: z.enum(['all', 'last']).optional().describe("where the bonus goes (unset: the mode's, default 'all', reference 'last')"),
  baselineLag: z.union([z.literal(0), z.literal(1)]).optional().describe("1: baselines updated with the previous batch (unset: the mode's, default 0, reference 1)"),
}).superRefine((c, ctx) => {
  // the cross-field checks (one weight per indicator, no repeats, the reference-only gate)
  try { resolveShaperConfig(c); } catch (e) { ctx.addIssue({ code: 'custom', message: (e as Error).message }); }
});

/** A parsed shaper config: every paper default filled in; `new VerlShaper(it)` takes it as is. */
export type VerlShaperConfigParsed = z.output<typeof verlShaperConfigSchema>;
export type VerlShaperConfigInput = z.input<typeof verlShaperConfigSchema>;
