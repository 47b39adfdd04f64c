import { describe, it, expect } from 'vitest';
import { computeAdvantages, VerlShaper } from '@verl-ts/verl-advantage';
import { computeStepAdvantages } from './advantages.js';

const mask = [[0, 1, 1, 0], [0, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]];
const rank = [{ er: 3, erv: 0.1, era: 0.01 }, { er: 5, erv: 0.3, era: 0.05 }, { er: 2, erv: -0.1, era: -0.02 }, { er: 4, erv: 0.2, era: 0.0 }];

describe('computeStepAdvantages', () => {
  it('GRPO: (r - mean) / (std + 1e-6) per group, spread over the response tokens', () => {
    // group 0: rewards 1, 0 → mean 0.5, unbiased std 0.7071 → ±0.7071
    const r = computeStepAdvantages('grpo', [1, 0, 0, 0], [0, 0, 1, 1], mask, rank, null);
    const a = 0.5 / (Math.SQRT1_2 + 1e-6);
    expect(r.perResponse[0]).toBeCloseTo(a, 5);
    expect(r.perResponse[1]).toBeCloseTo(-a, 5);
    expect(r.perResponse[2]).toBeCloseTo(0, 12);
    expect(r.tokens[0]).toEqual([0, r.perResponse[0], r.perResponse[0], 0]);
    expect(r.tokens[1][0]).toBeCloseTo(0, 12);
  });
  it("VERL bonus goes to every token ('all') or to the last token ('last')", () => {
    const rewards = [1, 0, 1, 0];
    const groups = [0, 0, 1, 1];
    for (const mode of ['default', 'reference'] as const) {
      const shaper = new VerlShaper({ mode, gateOnAddReward: false });
      // warm the EMAs with a first step so the second has baselines
      computeStepAdvantages('grpo', rewards, groups, mask, rank, shaper);
      const r = computeStepAdvantages('grpo', rewards, groups, mask, rank.map((m) => ({ er: m.er * 1.5, erv: m.erv * 2, era: m.era * 3 })), shaper);
      const a0 = computeAdvantages('grpo', { rewards, groupIds: groups });
      const bonus = r.perResponse.map((a, i) => a - a0[i]);
      expect(bonus.some((b) => b > 0)).toBe(true);
      r.tokens.forEach((row, i) => {
        const idx = mask[i].map((m, t) => (m ? t : -1)).filter((t) => t >= 0);
        const last = idx[idx.length - 1];
        idx.forEach((t) => {
          const want = a0[i] + (mode === 'default' || t === last ? bonus[i] : 0);
          expect(row[t]).toBeCloseTo(want, 10);
        });
      });
      expect(Object.keys(r.shaperStats).length).toBeGreaterThan(0);
    }
  });
  it('skips shaping (with an event) when a rank metric is not finite', () => {
    const shaper = new VerlShaper();
    const r = computeStepAdvantages('grpo', [1, 0, 1, 0], [0, 0, 1, 1], mask, [{ er: NaN, erv: 0, era: 0 }, ...rank.slice(1)], shaper);
    expect(r.events[0]).toMatch(/not finite/);
    expect(r.perResponse).toEqual(computeAdvantages('grpo', { rewards: [1, 0, 1, 0], groupIds: [0, 0, 1, 1] }));
  });
});
