// The VERL shaper: owns the EMA baselines and their timing relative to the training step, and
// turns the GRPO advantage A0 into A = A0 + min(relu(aux), |A0|/κ).
//
// Reference sequencing (hf618/VERL verl/trainer/ppo/ray_trainer.py `fit` and
// verl/trainer/reward_manager_versions.py `RewardManager.__call__`), per training step t:
//   1. reward_fn(batch, metrics_old): `use_aux_reward = add_reward and calculator_enabled and
//      metrics_old`; metrics_old is {} on the first step, so step 1 has no aux and no EMA update.
//   2. aux_i from the current `mids` (EMAs that start at 0, read raw).
//   3. Then `ema_performance_score` ← EMA with the mean task score of THIS batch, and
//      `mids[k]` ← EMA with metrics_old's batch mean of indicator k, i.e. of the PREVIOUS batch.
//   4. compute_advantage: A = A0 + min(relu(aux_t), |A0_t|/κ) token-wise, where aux is non-zero
//      only at the final response token (the reward manager writes it there).
// `mode: 'default'` keeps the formulas but reads the EMAs bias-corrected, updates the indicator
// baselines with the current batch (no one-step lag), updates the EMAs from the first step on,
// and gives the bonus to every response token.

import { computeAux, type IndicatorValues } from './aux.js';
import type { BonusTokens } from './broadcast.js';
import { Ema } from './ema.js';
import { resolveShaperConfig, type IndicatorName, type ShaperMode, type VerlShaperConfig } from './shaper-config.js';
import { stepStats, type Plan } from './shaper-stats.js';
import { assertFinite, assertLength, mean } from './validate.js';

export interface ShaperIndicators {
  /** Effective rank per response. */
  er: ArrayLike<number>;
  /** Effective-rank velocity per response. */
  erv: ArrayLike<number>;
  /** Effective-rank acceleration per response. */
  era: ArrayLike<number>;
  /** Task score per response (needed for the adaptive weight; the reference's reward_tensor_0). */
  scores?: ArrayLike<number>;
}

export interface ShaperStepInput extends ShaperIndicators {
  /** The estimator's advantage per response (A0). */
  advantages0: ArrayLike<number>;
}

export interface ShaperStepResult {
  /** A0 + bonus: the advantage of the tokens that receive the bonus (see `bonusTokens`). */
  advantages: number[];
  /** The unclipped auxiliary signal per response (0 on steps without aux). */
  aux: number[];
  /** The clipped bonus min(relu(aux), |A0|/κ) per response (0 when `addAdvantage` is off). */
  bonus: number[];
  stats: Record<string, number>;
}

const FORMAT = 'verl-ts/verl-shaper';
const VERSION = 1;

export class VerlShaper {
  readonly config: Readonly<VerlShaperConfig>;
  private readonly baselineEmas: Map<IndicatorName, Ema>;
  private scoreEma: Ema;
  private pendingMeans: Partial<Record<IndicatorName, number>> | null = null;
  private stepsDone = 0;

  constructor(config: Partial<VerlShaperConfig> = {}) {
    const resolved = resolveShaperConfig(config);
    Object.freeze(resolved.indicatorNames);
    Object.freeze(resolved.exploreWeights);
    Object.freeze(resolved.exploitWeights);
    this.config = Object.freeze(resolved);
    this.baselineEmas = new Map(this.config.indicatorNames.map((n) => [n, new Ema(this.config.emaAlpha)]));
    this.scoreEma = new Ema(this.config.emaAlpha);
  }

  get mode(): ShaperMode {
    return this.config.mode;
  }

  /** Which response tokens get the bonus: every one (`'all'`) or the final one (`'last'`). */
  get bonusTokens(): BonusTokens {
    return this.config.bonusTokens;
  }

  /** One line saying what this shaper does, for run logs. */
  describe(): string {
    const c = this.config;
    const ema = c.biasCorrection ? 'bias-corrected EMA' : 'raw EMA from 0';
    const lag = c.baselineLag === 1 ? 'updated with the previous batch' : 'updated with the current batch';
    const weight = c.adaptiveWeight ? `adaptive weight W=${c.globalWeight}·(1-(ema_score+1)/2)` : `fixed weight ${c.globalWeight}`;
    const ctrl = c.ablation === 'none' ? `ERA meta-control (gain ${c.modulationGain})` : c.ablation;
    const where = [c.addReward ? 'reward' : '', c.addAdvantage ? `advantage (bonus on ${c.bonusTokens === 'all' ? 'every response token' : 'the last token'}, clip |A0|/${c.kappa})` : '']
      .filter(Boolean)
      .join(' and ');
    return `VERL shaper, ${c.mode} mode: ${ema} baselines (α=${c.emaAlpha}, ${lag}), ${ctrl}, ${weight}, aux into ${where || 'nothing'}${c.gateOnAddReward && !c.addReward ? ' (gated off: addReward is false)' : ''}`;
  }

  /** Number of completed `step` calls. */
  get steps(): number {
    return this.stepsDone;
  }

  /** The baselines the next step will use (undefined where a bias-corrected EMA has no data yet). */
  baselines(): Partial<Record<IndicatorName, number>> {
    const out: Partial<Record<IndicatorName, number>> = {};
    for (const [n, e] of this.baselineEmas) out[n] = e.read(this.config.biasCorrection);
    return out;
  }

  /** The aux the next `step` will compute for these indicators; changes no state. */
  previewAux(indicators: ShaperIndicators): number[] {
    const n = this.checkIndicators(indicators, indicators?.era?.length ?? 0, 'era');
    const plan = this.plan(indicators, n);
    return plan.result ? plan.result.aux : new Array<number>(n).fill(0);
  }

  /**
   * Rewards for the estimator: `rewards + aux` when `addReward` is on and aux is active this
   * step, else a copy of `rewards`. Call it before the estimator and before `step` of the same
   * training step (it changes no state); see the README for the call order.
   */
  shapeRewards(input: ShaperIndicators & { rewards: ArrayLike<number> }): number[] {
    const n = input.rewards?.length;
    if (typeof n !== 'number') throw new TypeError('rewards must be an array');
    assertFinite('rewards', input.rewards);
    this.checkIndicators(input, n, 'rewards');
    const out = Array.from(input.rewards);
    if (!this.config.addReward) return out;
    const plan = this.plan(input, n);
    if (plan.result) for (let i = 0; i < n; i++) out[i] += plan.result.aux[i];
    return out;
  }

  /** One training step: computes aux and the shaped advantages, then advances the EMAs. */
  step(input: ShaperStepInput): ShaperStepResult {
    if (input == null || typeof input !== 'object') throw new TypeError('step input must be an object');
    const a0 = input.advantages0;
    if (a0 == null || typeof a0.length !== 'number') throw new TypeError('advantages0 must be an array');
    assertFinite('advantages0', a0);
    const n = this.checkIndicators(input, a0.length, 'advantages0', true);
    const c = this.config;
    const plan = this.plan(input, n);

    const aux = plan.result ? plan.result.aux : new Array<number>(n).fill(0);
    const bonus = new Array<number>(n).fill(0);
    const advantages = Array.from(a0);
    let clipped = 0;
    if (plan.result && c.addAdvantage) {
      for (let i = 0; i < n; i++) {
        const cap = Math.abs(a0[i]) / c.kappa;
        const relu = Math.max(aux[i], 0);
        if (relu > cap) clipped++;
        bonus[i] = Math.min(relu, cap);
        advantages[i] = a0[i] + bonus[i];
      }
    }

    const batchMeans = this.batchMeans(input);
    const stats = stepStats(c, this.stepsDone + 1, plan, { scores: input.scores, a0, aux, bonus, advantages, clipped, batchMeans });
    this.advance(input, batchMeans);
    return { advantages, aux, bonus, stats };
  }

  toJSON(): unknown {
    return {
      format: FORMAT,
      version: VERSION,
      config: { ...this.config },
      state: {
        steps: this.stepsDone,
        baselines: Object.fromEntries([...this.baselineEmas].map(([n, e]) => [n, e.toJSON()])),
        score: this.scoreEma.toJSON(),
        pendingMeans: this.pendingMeans,
      },
    };
  }

  static fromJSON(json: unknown): VerlShaper {
    const j = json as { format?: unknown; version?: unknown; config?: unknown; state?: Record<string, unknown> } | null;
    if (!j || j.format !== FORMAT) throw new TypeError(`not a serialised VerlShaper (format must be "${FORMAT}")`);
    if (j.version !== VERSION) throw new TypeError(`unsupported VerlShaper version ${String(j.version)} (expected ${VERSION})`);
    if (!j.state || typeof j.state !== 'object') throw new TypeError('serialised VerlShaper: missing state');
    const shaper = new VerlShaper(j.config as Partial<VerlShaperConfig>);
    const st = j.state;
    if (!Number.isInteger(st.steps) || (st.steps as number) < 0) throw new TypeError('shaper state: steps must be an integer >= 0');
    shaper.stepsDone = st.steps as number;
    const bl = (st.baselines ?? {}) as Record<string, unknown>;
    for (const n of shaper.config.indicatorNames) {
      shaper.baselineEmas.set(n, Ema.fromJSON(shaper.config.emaAlpha, bl[n], `baselines.${n}`));
    }
    shaper.scoreEma = Ema.fromJSON(shaper.config.emaAlpha, st.score, 'score');
    if (st.pendingMeans != null) {
      const pm = st.pendingMeans as Record<string, unknown>;
      const means: Partial<Record<IndicatorName, number>> = {};
      for (const n of shaper.config.indicatorNames) {
        const v = pm[n];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`shaper state: pendingMeans.${n} must be a finite number`);
        means[n] = v;
      }
      shaper.pendingMeans = means;
    }
    return shaper;
  }

  // ---- internals ----

  /**
   * Checks that er/erv/era (and scores) are finite arrays of length n. Only `step` needs the
   * scores (to update the score EMA); aux itself reads the EMA, not this batch's scores.
   */
  private checkIndicators(ind: ShaperIndicators, n: number, against: string, needScores = false): number {
    if (ind == null || typeof ind !== 'object') throw new TypeError('indicators must be an object');
    for (const k of ['er', 'erv', 'era'] as const) {
      if (ind[k] == null) throw new TypeError(`${k} is required (one value per response)`);
    }
    if (n === 0) throw new RangeError(`${against} is empty: a shaper step needs at least one response`);
    for (const k of ['er', 'erv', 'era'] as const) {
      const v = ind[k];
      assertLength(k, v, n, against);
      assertFinite(k, v);
    }
    if (ind.scores !== undefined) {
      assertLength('scores', ind.scores, n, against);
      assertFinite('scores', ind.scores);
    } else if (needScores && this.config.adaptiveWeight) {
      throw new TypeError('scores are required when adaptiveWeight is on (the weight follows an EMA of the task score)');
    }
    return n;
  }

  /** Reference gate `use_aux_reward`: false on the first step (and always, with gateOnAddReward and no addReward). */
  private referenceGateOpen(): boolean {
    const c = this.config;
    return this.stepsDone >= 1 && (!c.gateOnAddReward || c.addReward);
  }

  private plan(ind: ShaperIndicators, n: number): Plan {
    const c = this.config;
    const baselines = this.baselines();
    const emaScore = this.scoreEma.read(c.biasCorrection);
    // S: hf618 reward_manager_versions.py, performance_scaling_factor (aux_fix → W).
    const scale = c.adaptiveWeight ? c.globalWeight * (1 - ((emaScore ?? 0) + 1) / 2) : c.globalWeight;
    const haveBaselines = c.indicatorNames.every((k) => baselines[k] !== undefined);
    // No aux on the first step in either mode: there is no earlier batch to deviate from.
    const active = (c.mode === 'reference' ? this.referenceGateOpen() : this.stepsDone >= 1) && haveBaselines;
    const values: IndicatorValues = { er: ind.er, erv: ind.erv, era: ind.era };
    const result = active ? computeAux(values, baselines, scale, c, n) : null;
    return { active, baselines, scale, emaScore, result };
  }

  private batchMeans(ind: ShaperIndicators): Partial<Record<IndicatorName, number>> {
    const out: Partial<Record<IndicatorName, number>> = {};
    for (const k of this.config.indicatorNames) out[k] = mean(ind[k]);
    return out;
  }

  /** Advances the EMAs after the step's aux is computed (the order of the reference). */
  private advance(ind: ShaperIndicators, batchMeans: Partial<Record<IndicatorName, number>>): void {
    const c = this.config;
    const gate = c.mode === 'reference' ? this.referenceGateOpen() : true;
    if (gate && ind.scores !== undefined) this.scoreEma.update(mean(ind.scores));
    const updateWith = (means: Partial<Record<IndicatorName, number>>) => {
      for (const [k, e] of this.baselineEmas) e.update(means[k] as number);
    };
    if (c.baselineLag === 0) {
      if (gate) updateWith(batchMeans);
    } else {
      if (gate && this.pendingMeans) updateWith(this.pendingMeans);
      this.pendingMeans = batchMeans;
    }
    this.stepsDone += 1;
  }
}
