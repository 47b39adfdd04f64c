// Per-step internals of the shaper, flattened to numbers for a metrics log (the reference logs
// the same quantities as `reward_manager/*` internal metrics in reward_manager_versions.py:
// percentage_deviation, diff_2_tendency (τ), weight_*, relative_deviation_*, scaling factor).

import type { AuxResult } from './aux.js';
import type { IndicatorName, VerlShaperConfig } from './shaper-config.js';
import { mean } from './validate.js';

/** What a step decided before computing anything per response. */
export interface Plan {
  active: boolean;
  baselines: Partial<Record<IndicatorName, number>>;
  scale: number;
  emaScore: number | undefined;
  result: AuxResult | null;
}

export interface StepOutcome {
  scores: ArrayLike<number> | undefined;
  a0: ArrayLike<number>;
  aux: number[];
  bonus: number[];
  advantages: number[];
  clipped: number;
  batchMeans: Partial<Record<IndicatorName, number>>;
}

export function stepStats(c: VerlShaperConfig, step: number, plan: Plan, o: StepOutcome): Record<string, number> {
  const n = o.a0.length;
  const s: Record<string, number> = {
    step,
    reference_mode: c.mode === 'reference' ? 1 : 0,
    active: plan.active ? 1 : 0,
    scale: plan.scale,
    aux_mean: mean(o.aux),
    bonus_mean: mean(o.bonus),
    bonus_frac: o.bonus.filter((b) => b > 0).length / n,
    clip_rate: o.clipped / n,
    adv0_mean: mean(o.a0),
    adv_mean: mean(o.advantages),
  };
  if (plan.emaScore !== undefined) s.ema_score = plan.emaScore;
  if (o.scores !== undefined) s.score_mean = mean(o.scores);
  for (const k of c.indicatorNames) {
    const b = plan.baselines[k];
    if (b !== undefined) s[`baseline/${k}`] = b;
    s[`batch_mean/${k}`] = o.batchMeans[k] as number;
  }
  const r = plan.result;
  if (r) {
    s.tau_mean = mean(r.tau);
    [s.tau_min, s.tau_max] = minMax(r.tau);
    s.aux_positive_frac = o.aux.filter((a) => a > 0).length / n;
    [s.aux_min, s.aux_max] = minMax(o.aux);
    for (const k of c.indicatorNames) {
      const d = r.deviations[k]!;
      s[`deviation/${k}_mean`] = mean(d);
      s[`deviation/${k}_saturated_frac`] = d.filter((x) => Math.abs(x) >= c.deviationClip).length / n;
      s[`weight/${k}_mean`] = mean(r.weights[k]!);
    }
  }
  return s;
}

function minMax(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
