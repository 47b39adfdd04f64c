import { describe, expect, it } from 'vitest';
import { resolveShaperConfig } from './shaper-config.js';
import { VerlShaper } from './shaper.js';

describe('shaper configuration', () => {
  it("defaults to the paper's settings and the default mode", () => {
    const c = resolveShaperConfig();
    expect(c).toMatchObject({
      mode: 'default',
      indicatorNames: ['era', 'erv', 'er'],
      exploreWeights: [0, 0, 1],
      exploitWeights: [0, 1, 0],
      modulationGain: 2,
      emaAlpha: 0.3,
      kappa: 2,
      globalWeight: 1,
      adaptiveWeight: false,
      ablation: 'none',
      addAdvantage: true,
      addReward: false,
      deviationClip: 5,
      epsilon: 1e-8,
      biasCorrection: true,
      bonusTokens: 'all',
      baselineLag: 0,
    });
  });

  it('reference mode switches the mode-dependent defaults, which stay overridable', () => {
    expect(resolveShaperConfig({ mode: 'reference' })).toMatchObject({ biasCorrection: false, bonusTokens: 'last', baselineLag: 1 });
    expect(resolveShaperConfig({ mode: 'reference', bonusTokens: 'all' }).bonusTokens).toBe('all');
    expect(resolveShaperConfig({ mode: 'reference', biasCorrection: undefined }).biasCorrection).toBe(false);
  });

  it('names the bad field', () => {
    expect(() => resolveShaperConfig({ kappa: 0 })).toThrow(/kappa must be a finite number > 0/);
    expect(() => resolveShaperConfig({ emaAlpha: 1.5 })).toThrow(/emaAlpha/);
    expect(() => resolveShaperConfig({ exploreWeights: [1, 0] })).toThrow(/exploreWeights must have one weight per indicator \(3\)/);
    expect(() => resolveShaperConfig({ indicatorNames: ['era', 'rank' as 'er', 'er'] })).toThrow(/unknown indicator "rank"/);
    expect(() => resolveShaperConfig({ mode: 'paper' as 'default' })).toThrow(/mode must be/);
    expect(() => resolveShaperConfig({ kapa: 2 } as unknown as { kappa: number })).toThrow(/unknown VerlShaper option "kapa"/);
    expect(() => resolveShaperConfig({ gateOnAddReward: true })).toThrow(/reference/);
    expect(() => resolveShaperConfig({ ablation: 'fix-three' as 'fix-one' })).toThrow(/ablation/);
  });
});

describe('VerlShaper.describe', () => {
  it('says which behaviour a run used', () => {
    expect(new VerlShaper().describe()).toBe(
      'VERL shaper, default mode: bias-corrected EMA baselines (α=0.3, updated with the current batch), ERA meta-control (gain 2), fixed weight 1, aux into advantage (bonus on every response token, clip |A0|/2)',
    );
    expect(new VerlShaper({ mode: 'reference', gateOnAddReward: true }).describe()).toBe(
      'VERL shaper, reference mode: raw EMA from 0 baselines (α=0.3, updated with the previous batch), ERA meta-control (gain 2), fixed weight 1, aux into advantage (bonus on the last token, clip |A0|/2) (gated off: addReward is false)',
    );
    expect(new VerlShaper({ addReward: true, addAdvantage: false, ablation: 'fix-one' }).describe()).toMatch(/fix-one, fixed weight 1, aux into reward$/);
  });
});
