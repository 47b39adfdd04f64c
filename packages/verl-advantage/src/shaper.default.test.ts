import { describe, expect, it } from 'vitest';
import { VerlShaper } from './shaper.js';
import { A, STEPS, expectAllClose, stepInput } from './test-utils/scenario.js';

// Default sequencing: the EMAs update after every step (from step 1 on) with the CURRENT batch,
// and are read bias-corrected, m̂ = m / (1 - 0.7^n):
//   after step 1: m = 0.3·(0.02, 0.5, 20), n = 1 → m̂ = (0.02, 0.5, 20)  (the step-1 means)
//   after step 2: m = 0.21·means1 + 0.3·means2 = (0.0162, 0.225, 10.8), n = 2
//                 → m̂ = m / 0.51 = (0.0317647…, 0.4411765…, 21.1764706…)
// Without bias correction the same raw values are read as they are.

describe("VerlShaper, mode 'default'", () => {
  it('gives no aux on the first step, then deviations relative to the first batch mean', () => {
    const s = new VerlShaper();
    expect(s.mode).toBe('default');
    expect(s.bonusTokens).toBe('all');
    expect(s.baselines()).toEqual({ era: undefined, erv: undefined, er: undefined });
    const first = s.step(stepInput(STEPS[0]));
    expect(first.aux).toEqual([0, 0, 0, 0]);
    expect(first.stats.active).toBe(0);
    const b = s.baselines();
    expect(b.era).toBeCloseTo(0.02, 15);
    expect(b.erv).toBeCloseTo(0.5, 15);
    expect(b.er).toBeCloseTo(20, 13);
    const out = s.step(stepInput(STEPS[1]));
    expect(out.stats.active).toBe(1);
    expect(out.stats.tau_mean).toBeCloseTo((0.9525740590574315 + 0.731058480324076 + 0.04742594094256852 + 0.9990889456198212) / 4, 12);
    expectAllClose(out.aux, [0.029569615273315277, 0.1088436663700478, -0.8386361590313821, 0.10027104529648058]);
    // responses 0, 1, 3: aux below the cap A/2 → full bonus; response 2: aux < 0 → none
    expectAllClose(out.advantages, [0.7366753964612769, -0.5982621148179138, -A, 0.8073768264844422]);
    expect(out.stats.clip_rate).toBe(0);
    expect(out.stats.bonus_frac).toBe(0.75);
    expect(out.stats['deviation/era_saturated_frac']).toBe(0); // no ±5 saturation with a real baseline
  });

  it('keeps bias-corrected baselines through a multi-step sequence', () => {
    const s = new VerlShaper();
    const outs = STEPS.slice(0, 3).map((b) => s.step(stepInput(b)));
    expect(outs[2].stats['baseline/era']).toBeCloseTo(0.0162 / 0.51, 15);
    expect(outs[2].stats['baseline/erv']).toBeCloseTo(0.225 / 0.51, 15);
    expect(outs[2].stats['baseline/er']).toBeCloseTo(10.8 / 0.51, 13);
    expectAllClose(outs[2].aux, [0.15568561321609162, -0.4083810243400903, 0.06601718694140958, 0.02609000002555597]);
    expectAllClose(outs[2].advantages, [-0.55142016797187, A, 0.7731229681293712, -0.6810157811624057]);
    // after step 3: m = 0.7·(0.0162, 0.225, 10.8) + 0.3·(0.03, 0.4, 22) = (0.02034, 0.2775, 14.16), n = 3
    const b = s.baselines();
    expect(b.era).toBeCloseTo(0.02034 / (1 - 0.343), 15);
    expect(b.erv).toBeCloseTo(0.2775 / 0.657, 15);
    expect(b.er).toBeCloseTo(14.16 / 0.657, 13);
  });

  it('without bias correction reads the raw EMA (0.3·means1 at step 2)', () => {
    const s = new VerlShaper({ biasCorrection: false });
    const outs = STEPS.slice(0, 3).map((b) => s.step(stepInput(b)));
    expect(outs[1].stats['baseline/er']).toBeCloseTo(6, 13);
    expectAllClose(outs[1].aux, [0.9866040826044925, 0.993101161267736, -0.971894179079403, 0.9903909262698258]);
    expect(outs[2].stats['baseline/er']).toBeCloseTo(10.8, 13);
    expectAllClose(outs[2].aux, [0.8650249300718013, 0.14417298295727277, 0.7531255901384281, 0.7708963742723104]);
    expectAllClose(outs[2].advantages, [-A / 2, 0.8512787641452344, 1.5 * A, -A / 2]);
  });

  it('adaptive weight follows the bias-corrected score EMA from step 1', () => {
    const s = new VerlShaper({ adaptiveWeight: true });
    const outs = STEPS.slice(0, 3).map((b) => s.step(stepInput(b, true)));
    expect(outs[1].stats.ema_score).toBeCloseTo(0.75, 15); // mean score of step 1
    expect(outs[1].stats.scale).toBeCloseTo(0.125, 15); // 1 - (0.75 + 1)/2
    expectAllClose(outs[1].aux, [0.0036962019091644096, 0.013605458296255975, -0.10482951987892276, 0.012533880662060072]);
    // ema = (0.21·0.75 + 0.3·0.5)/0.51 = 0.6029412 → S = 0.1985294
    expect(outs[2].stats.scale).toBeCloseTo(0.19852941176470584, 14);
    expectAllClose(outs[2].advantages, [-0.6761976079759434, A, 0.7202121344778003, -0.7019261488299469]);
  });

  it('FixTwo (τ = 0.5) and FixOne (both channels at weight 1) through the shaper', () => {
    // step 2 against the step-1 means (0.02, 0.5, 20); e.g. response 0: rd_ERV = -0.4, rd_ER = 0.05
    const two = new VerlShaper({ ablation: 'fix-two' });
    two.step(stepInput(STEPS[0]));
    const t = two.step(stepInput(STEPS[1]));
    expectAllClose(t.aux, [-0.16499529023858617, 0.07444251677499024, -0.3928418237872705, 0.43063107106586523]);
    expect(t.stats.tau_mean).toBe(0.5);
    expect(t.stats['weight/er_mean']).toBe(0.5);
    const one = new VerlShaper({ ablation: 'fix-one' });
    one.step(stepInput(STEPS[0]));
    const o = one.step(stepInput(STEPS[1]));
    expectAllClose(o.aux, [-0.32999058047717233, 0.14888503354998048, -0.785683647574541, 0.8612621421317305]);
    expect(o.stats.tau_mean).toBe(0);
    expect(o.stats['weight/erv_mean']).toBe(1);
    // clip: response 3 has aux 0.861 > A/2 = 0.354
    expectAllClose(o.bonus, [0, 0.14888503354998048, 0, A / 2]);
    expect(o.stats.clip_rate).toBe(0.25);
  });

  it('gives no bonus to groups with equal rewards (A0 = 0)', () => {
    const s = new VerlShaper();
    STEPS.slice(0, 3).forEach((b) => s.step(stepInput(b)));
    const out = s.step(stepInput(STEPS[3]));
    expect(out.aux[0]).not.toBe(0);
    expect(out.bonus.slice(0, 2)).toEqual([0, 0]);
    expect(out.advantages.slice(0, 2)).toEqual([0, 0]);
  });

  it('rejects bad input with the field name', () => {
    const s = new VerlShaper();
    const ok = stepInput(STEPS[0]);
    expect(() => s.step({ ...ok, er: [1, 2, 3] })).toThrow(/er has 3 entries but advantages0 has 4/);
    expect(() => s.step({ ...ok, era: [0, NaN, 0, 0] })).toThrow(/era\[1\] must be a finite number/);
    expect(() => s.step({ ...ok, advantages0: [], era: [], erv: [], er: [] })).toThrow(/empty/);
    expect(() => s.step({ advantages0: ok.advantages0, era: ok.era, erv: ok.erv } as never)).toThrow(/er is required/);
    expect(() => s.previewAux({ erv: [1], er: [1] } as never)).toThrow(/era is required/);
    expect(() => s.shapeRewards({ rewards: [1, 0], era: [0, 0], erv: [0, 0], er: [0] })).toThrow(/er has 1 entries but rewards has 2/);
    expect(s.steps).toBe(0); // failed calls change nothing
  });
});
