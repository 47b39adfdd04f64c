import { describe, expect, it } from 'vitest';
import { VerlShaper } from './shaper.js';
import { grpoAdvantages } from './estimators.js';
import { A, GROUPS, STEPS, expectAllClose, stepInput } from './test-utils/scenario.js';

// Reference sequencing (hf618/VERL ray_trainer.py fit + reward_manager_versions.py):
//   step 1: metrics_old = {} → no aux, no EMA update at all.
//   step 2: mids = 0 → every deviation is x/1e-8, clamped to ±5; then mids ← 0.3·means(step 1).
//   step 3: mids = 0.3·(0.02, 0.5, 20) = (0.006, 0.15, 6); then mids ← 0.7·mids + 0.3·means(step 2)
//           = (0.0042 + 0.012, 0.105 + 0.12, 4.2 + 6.6) = (0.0162, 0.225, 10.8).
//   step 4: mids = (0.0162, 0.225, 10.8).
const T5 = 0.9999092042625951; // tanh(5)
const S10 = 0.9999546021312976; // sigmoid(2·5)

describe("VerlShaper, mode 'reference'", () => {
  it('gives no aux and no bonus on the first step, and leaves the baselines at 0', () => {
    const s = new VerlShaper({ mode: 'reference' });
    expect(s.bonusTokens).toBe('last');
    const out = s.step(stepInput(STEPS[0]));
    expect(out.aux).toEqual([0, 0, 0, 0]);
    expect(out.bonus).toEqual([0, 0, 0, 0]);
    expect(out.advantages).toEqual(stepInput(STEPS[0]).advantages0);
    expect(out.stats.active).toBe(0);
    expect(out.stats.tau_mean).toBeUndefined();
    expect(s.baselines()).toEqual({ era: 0, erv: 0, er: 0 });
  });

  it('saturates every deviation at ±5 on step 2 (baselines still 0) and clips the bonus at |A0|/κ', () => {
    const s = new VerlShaper({ mode: 'reference' });
    s.step(stepInput(STEPS[0]));
    const out = s.step(stepInput(STEPS[1]));
    // responses 0, 1, 3: all indicators > 0 → rd = +5 everywhere → aux = τ·tanh5 + (1-τ)·tanh5 = tanh5
    // response 2: ERA, ERV < 0 → pd = rd_ERV = -5, rd_ER = +5 → aux = (2·sigmoid(-10) - 1)·tanh5
    expectAllClose(out.aux, [T5, T5, (2 * (1 - S10) - 1) * T5, T5], 14);
    expect(out.stats['deviation/era_saturated_frac']).toBe(1);
    expect(out.stats['deviation/er_saturated_frac']).toBe(1);
    expect(out.stats.tau_max).toBeCloseTo(S10, 14);
    expect(out.stats.tau_min).toBeCloseTo(1 - S10, 14);
    // A0 = [A, -A, -A, A]; bonus = min(relu(aux), A/2): A/2 where aux > 0, 0 for response 2 (aux < 0)
    expectAllClose(out.bonus, [A / 2, A / 2, 0, A / 2], 14);
    // the negative advantage of response 1 is halved, not flipped
    expectAllClose(out.advantages, [1.5 * A, -A / 2, -A, 1.5 * A], 14);
    expect(out.stats.clip_rate).toBe(0.75);
    expect(out.stats.bonus_frac).toBe(0.75);
    expect(s.baselines()).toEqual({ era: 0.3 * 0.02, erv: 0.3 * 0.5, er: 0.3 * 20 });
  });

  it('runs a four-step sequence with raw EMA baselines one batch behind', () => {
    const s = new VerlShaper({ mode: 'reference' });
    const outs = STEPS.map((b) => s.step(stepInput(b)));
    expect(outs[2].stats['baseline/era']).toBeCloseTo(0.006, 15);
    expect(outs[2].stats['baseline/erv']).toBeCloseTo(0.15, 15);
    expect(outs[2].stats['baseline/er']).toBeCloseTo(6, 13);
    expectAllClose(outs[2].aux, [0.9964526186781503, 0.8437163834457351, 0.9866125386957887, 0.9901448963248712]);
    expect(outs[3].stats['baseline/era']).toBeCloseTo(0.0162, 15);
    expect(outs[3].stats['baseline/erv']).toBeCloseTo(0.225, 15);
    expect(outs[3].stats['baseline/er']).toBeCloseTo(10.8, 13);
    expectAllClose(outs[3].aux, [0.7285026595498518, 0.7704142070737339, 0.7574234982601796, 0.7574234982601796]);
    expect(outs[3].stats.tau_mean).toBeCloseTo((0.6151791234846267 + 0.9497061487324923 + 2 * 0.8460177040912333) / 4, 12);
    // group 0 of step 4 has rewards [1, 1]: A0 = 0, so no bonus despite aux > 0
    expectAllClose(outs[3].advantages, [0, 0, -A / 2, 1.5 * A], 14);
    // after step 4: mids = 0.7·(0.0162, 0.225, 10.8) + 0.3·means(step 3) = (0.02034, 0.2775, 14.16)
    const b = s.baselines();
    expect(b.era).toBeCloseTo(0.02034, 15);
    expect(b.erv).toBeCloseTo(0.2775, 15);
    expect(b.er).toBeCloseTo(14.16, 13);
  });

  it('adaptive weight: S = W·(1 - (ema+1)/2), the score EMA starts at 0 and first updates on step 2', () => {
    const s = new VerlShaper({ mode: 'reference', adaptiveWeight: true });
    const outs = STEPS.map((b) => s.step(stepInput(b, true)));
    expect(outs[1].stats.scale).toBe(0.5); // ema 0
    expectAllClose(outs[1].aux, [T5 / 2, T5 / 2, ((2 * (1 - S10) - 1) * T5) / 2, T5 / 2], 14);
    // after step 2: ema = 0.3·0.5 = 0.15 → S = 1 - 1.15/2 = 0.425
    expect(outs[2].stats.scale).toBeCloseTo(0.425, 15);
    expectAllClose(outs[2].aux, [0.4234923629382139, 0.35857946296443743, 0.41931032894571024, 0.4208115809380703]);
    // after step 3: ema = 0.7·0.15 + 0.3·0.5 = 0.255 → S = 0.3725; the clip no longer binds for response 2
    expect(outs[3].stats.scale).toBeCloseTo(0.3725, 15);
    expectAllClose(outs[3].advantages, [0, 0, -0.4249655280860447, 0.9892460342898786]);
    // previewAux needs no scores (S comes from the EMA); step does (it updates the EMA)
    expect(s.previewAux(STEPS[0])).toHaveLength(4);
    expect(() => s.step(stepInput(STEPS[0]))).toThrow(/scores are required when adaptiveWeight is on/);
  });

  it('gateOnAddReward reproduces the released script (add_reward False, add_adv True): shaping never fires', () => {
    const s = new VerlShaper({ mode: 'reference', gateOnAddReward: true, addReward: false });
    for (const b of STEPS) {
      const inp = stepInput(b, true);
      const out = s.step(inp);
      expect(out.advantages).toEqual(inp.advantages0);
      expect(out.stats.active).toBe(0);
    }
    expect(s.baselines()).toEqual({ era: 0, erv: 0, er: 0 });
    expect(s.toJSON()).toMatchObject({ state: { score: { value: 0, updates: 0 } } });
  });

  it('add-reward: aux enters the reward before GRPO (case 3), and with add_adv also the advantage (case 4)', () => {
    for (const addAdvantage of [false, true]) {
      const s = new VerlShaper({ mode: 'reference', addReward: true, addAdvantage });
      const b0 = STEPS[0];
      expect(s.shapeRewards(b0)).toEqual(b0.rewards); // step 1: no aux
      s.step(stepInput(b0));
      const b = STEPS[1];
      const preview = s.previewAux(b);
      const shaped = s.shapeRewards({ rewards: b.rewards, era: b.era, erv: b.erv, er: b.er });
      expectAllClose(shaped, [1 + T5, T5, (2 * (1 - S10) - 1) * T5, 1 + T5], 14);
      expect(s.steps).toBe(1); // shapeRewards and previewAux change no state
      const a0 = grpoAdvantages({ rewards: shaped, groupIds: GROUPS });
      const out = s.step({ advantages0: a0, era: b.era, erv: b.erv, er: b.er });
      expect(out.aux).toEqual(preview);
      if (addAdvantage) {
        expectAllClose(out.bonus, a0.map((x, i) => (i === 2 ? 0 : Math.min(out.aux[i], Math.abs(x) / 2))), 14);
      } else {
        expect(out.bonus).toEqual([0, 0, 0, 0]);
        expect(out.advantages).toEqual(a0);
      }
    }
  });
});
