import { describe, expect, it } from 'vitest';
import { computeAux, relativeDeviation, sigmoid } from './aux.js';
import { resolveShaperConfig } from './shaper-config.js';

// One response against baselines mid = (ERA 0.1, ERV 1.0, ER 10):
//   pd = (0.15 - 0.1)/(0.1 + 1e-8) = 0.49999995, τ = sigmoid(2·pd) = 0.73105856
//   rd_ERV = 0.5/(1 + 1e-8) = 0.499999995, rd_ER = 2/(10 + 1e-8) = 0.1999999998
//   aux = τ·tanh(rd_ER) + (1-τ)·tanh(rd_ERV) = 0.731059·0.197375 + 0.268941·0.462117 = 0.268575
const values = { era: [0.15], erv: [1.5], er: [12] };
const mid = { era: 0.1, erv: 1.0, er: 10 };

describe('aux (reward_manager_versions.py, use_aux_reward branch)', () => {
  it('PlanB: ERA steers between the ER (explore) and ERV (exploit) channels', () => {
    const r = computeAux(values, mid, 1, resolveShaperConfig(), 1);
    expect(r.tau[0]).toBeCloseTo(0.7310585589688131, 14);
    expect(r.deviations.era![0]).toBeCloseTo(0.4999999500000049, 14);
    expect(r.deviations.erv![0]).toBeCloseTo(0.4999999950000001, 14);
    expect(r.deviations.er![0]).toBeCloseTo(0.1999999998, 14);
    expect(r.aux[0]).toBeCloseTo(0.26857537018031136, 14);
    expect(r.weights.era![0]).toBe(0);
    expect(r.weights.er![0]).toBeCloseTo(0.7310585589688131, 14);
    expect(r.weights.erv![0]).toBeCloseTo(1 - 0.7310585589688131, 14);
    // S scales aux linearly
    expect(computeAux(values, mid, 0.5, resolveShaperConfig(), 1).aux[0]).toBeCloseTo(0.26857537018031136 / 2, 14);
  });

  it('FixTwo fixes τ = 0.5; FixOne adds both profiles (weights 1, 1) and logs τ = 0', () => {
    const two = computeAux(values, mid, 1, resolveShaperConfig({ ablation: 'fix-two' }), 1);
    expect(two.tau[0]).toBe(0.5);
    expect(two.aux[0]).toBeCloseTo(0.3297462366802333, 14); // (tanh 0.2 + tanh 0.5)/2
    const one = computeAux(values, mid, 1, resolveShaperConfig({ ablation: 'fix-one' }), 1);
    expect(one.tau[0]).toBe(0);
    expect(one.aux[0]).toBeCloseTo(0.6594924733604666, 14); // tanh 0.2 + tanh 0.5
  });

  it('clamps deviations at ±5, so τ saturates at sigmoid(±10)', () => {
    expect(relativeDeviation(10, 0.1, 1e-8, 5)).toBe(5);
    expect(relativeDeviation(-10, 0.1, 1e-8, 5)).toBe(-5);
    expect(relativeDeviation(3, 0, 1e-8, 5)).toBe(5); // a zero baseline: 3/1e-8
    expect(relativeDeviation(0, 0, 1e-8, 5)).toBe(0);
    // negative baseline: |mid| in the denominator
    expect(relativeDeviation(-0.3, -0.2, 1e-8, 5)).toBeCloseTo(-0.1 / 0.2, 7);
    const hi = computeAux({ era: [10], erv: [1.5], er: [12] }, mid, 1, resolveShaperConfig(), 1);
    expect(hi.tau[0]).toBeCloseTo(0.9999546021312976, 15);
    const lo = computeAux({ era: [-10], erv: [1.5], er: [12] }, mid, 1, resolveShaperConfig(), 1);
    expect(lo.tau[0]).toBeCloseTo(4.5397868702434395e-5, 15);
    expect(sigmoid(0)).toBe(0.5);
  });
});
