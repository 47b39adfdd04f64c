// The per-response auxiliary signal of VERL, a pure function of the indicators, the baselines
// and the global scale. Formulas from hf618/VERL verl/trainer/reward_manager_versions.py
// (`RewardManager.__call__`, the `use_aux_reward` branch):
//   pd_i  = clamp((g_i - mid_g) / (|mid_g| + ε), -5, 5)        g = guidance indicator (ERA)
//   τ_i   = sigmoid(gain · pd_i)      (PlanB; FixTwo: 0.5; FixOne: weights = explore + exploit)
//   w_i   = τ_i · w_explore + (1 - τ_i) · w_exploit
//   rd_ik = clamp((m_ik - mid_k) / (|mid_k| + ε), -5, 5)
//   aux_i = S · Σ_k w_ik · tanh(rd_ik)

import type { IndicatorName, VerlShaperConfig } from './shaper-config.js';

export type IndicatorValues = Record<IndicatorName, ArrayLike<number>>;

export interface AuxResult {
  aux: number[];
  /** τ per response (FixOne reports 0, as the reference logs it). */
  tau: number[];
  /** Clamped relative deviation of each configured indicator, per response. */
  deviations: Partial<Record<IndicatorName, number[]>>;
  /** Effective weight of each configured indicator, per response. */
  weights: Partial<Record<IndicatorName, number[]>>;
}

export function relativeDeviation(x: number, baseline: number, epsilon: number, clip: number): number {
  const d = (x - baseline) / (Math.abs(baseline) + epsilon);
  return Math.min(clip, Math.max(-clip, d));
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function computeAux(
  values: IndicatorValues,
  baselines: Partial<Record<IndicatorName, number>>,
  scale: number,
  config: VerlShaperConfig,
  count: number,
): AuxResult {
  const names = config.indicatorNames;
  const K = names.length;
  const { epsilon, deviationClip, ablation, modulationGain, exploreWeights, exploitWeights } = config;
  // Plain loops over [indicator][response]: this runs once per training step on every response.
  const dev: number[][] = [];
  const wts: number[][] = [];
  for (const n of names) {
    const mid = baselines[n];
    if (mid === undefined) throw new Error(`internal: no baseline for ${n}`);
    const v = values[n];
    const d = new Array<number>(count);
    for (let i = 0; i < count; i++) d[i] = relativeDeviation(v[i], mid, epsilon, deviationClip);
    dev.push(d);
    wts.push(new Array<number>(count));
  }
  const guide = dev[0];
  const aux = new Array<number>(count);
  const tau = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const t = ablation === 'fix-two' ? 0.5 : ablation === 'fix-one' ? 0 : sigmoid(modulationGain * guide[i]);
    tau[i] = t;
    let s = 0;
    for (let k = 0; k < K; k++) {
      const w = ablation === 'fix-one' ? exploreWeights[k] + exploitWeights[k] : t * exploreWeights[k] + (1 - t) * exploitWeights[k];
      wts[k][i] = w;
      // tanh(±5) etc. only matter where the weight is non-zero (the paper's ERA weight is 0)
      if (w !== 0) s += w * Math.tanh(dev[k][i]);
    }
    aux[i] = s * scale;
  }
  const deviations: Partial<Record<IndicatorName, number[]>> = {};
  const weights: Partial<Record<IndicatorName, number[]>> = {};
  names.forEach((n, k) => {
    deviations[n] = dev[k];
    weights[n] = wts[k];
  });
  return { aux, tau, deviations, weights };
}
