import { describe, expect, it } from 'vitest';
import { VerlShaper } from './shaper.js';
import type { VerlShaperConfig } from './shaper-config.js';
import { grpoAdvantages } from './estimators.js';
import { STEPS, stepInput } from './test-utils/scenario.js';

/** mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBatch(r: () => number, prompts: number, n: number) {
  const groupIds: number[] = [];
  const rewards: number[] = [];
  const paper = [1, 0.5, -0.5, -1];
  for (let p = 0; p < prompts; p++) {
    for (let k = 0; k < n; k++) {
      groupIds.push(p);
      // a mix of the paper's discrete rewards and continuous ones; some groups all-equal
      rewards.push(p % 5 === 4 ? 1 : r() < 0.5 ? paper[Math.floor(r() * 4)] : 2 * r() - 1);
    }
  }
  const size = rewards.length;
  const pick = (scale: number, signed: boolean) =>
    Array.from({ length: size }, () => (r() < 0.05 ? 0 : signed ? (2 * r() - 1) * scale : r() * scale));
  return {
    advantages0: grpoAdvantages({ rewards, groupIds }),
    era: pick(0.05, true),
    erv: pick(1, true),
    er: pick(40, false),
    scores: rewards.map((x) => Math.max(-1, Math.min(1, x))),
  };
}

describe('VerlShaper properties (seeded random)', () => {
  it('never changes the sign of an advantage and never adds more than |A0|/κ', () => {
    const r = rng(20250923);
    let checked = 0;
    let bonused = 0;
    for (let run = 0; run < 60; run++) {
      const config: Partial<VerlShaperConfig> = {
        mode: r() < 0.5 ? 'reference' : 'default',
        kappa: 1 + 1e-3 + r() * 9, // the sign guarantee needs κ > 1
        ablation: (['none', 'fix-one', 'fix-two'] as const)[Math.floor(r() * 3)],
        adaptiveWeight: r() < 0.5,
        globalWeight: r() * 10,
        modulationGain: r() * 5,
        addReward: r() < 0.3,
      };
      const s = new VerlShaper(config);
      for (let t = 0; t < 6; t++) {
        const b = randomBatch(r, 1 + Math.floor(r() * 8), 1 + Math.floor(r() * 6));
        const out = s.step(b);
        out.advantages.forEach((a, i) => {
          const a0 = b.advantages0[i];
          expect(Math.sign(a)).toBe(Math.sign(a0));
          const added = out.bonus[i];
          expect(a).toBe(a0 + added);
          expect(added).toBeGreaterThanOrEqual(0);
          expect(added).toBeLessThanOrEqual(Math.abs(a0) / s.config.kappa);
          if (added > 0) bonused++;
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(bonused).toBeGreaterThan(100); // the property was exercised, not vacuous
  });
});

describe('VerlShaper serialisation', () => {
  for (const mode of ['reference', 'default'] as const) {
    it(`a resumed ${mode} shaper continues identically (through JSON text)`, () => {
      const config = { mode, adaptiveWeight: true, ablation: 'none' as const };
      const a = new VerlShaper(config);
      const r = rng(7);
      const batches = [...STEPS.map((s) => stepInput(s, true)), ...Array.from({ length: 4 }, () => randomBatch(r, 3, 4))];
      batches.slice(0, 3).forEach((b) => a.step(b));
      const b = VerlShaper.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
      expect(b.steps).toBe(3);
      expect(b.config).toEqual(a.config);
      expect(b.baselines()).toEqual(a.baselines());
      for (const batch of batches.slice(3)) {
        const x = a.step(batch);
        const y = b.step(batch);
        expect(y).toEqual(x); // bit-identical advantages, aux, bonus and stats
        expect(x.stats.active).toBe(1);
      }
      expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    });
  }

  it('rejects foreign or damaged state with a clear error', () => {
    const good = new VerlShaper({ mode: 'reference' }).toJSON() as Record<string, unknown>;
    expect(() => VerlShaper.fromJSON({})).toThrow(/not a serialised VerlShaper/);
    expect(() => VerlShaper.fromJSON({ ...good, version: 9 })).toThrow(/unsupported VerlShaper version 9/);
    const state = good.state as Record<string, unknown>;
    expect(() => VerlShaper.fromJSON({ ...good, state: { ...state, steps: -1 } })).toThrow(/steps/);
    expect(() => VerlShaper.fromJSON({ ...good, state: { ...state, baselines: { era: { value: 'x', updates: 0 } } } })).toThrow(/baselines\.era/);
    expect(() => VerlShaper.fromJSON({ ...good, state: { ...state, pendingMeans: { era: 1 } } })).toThrow(/pendingMeans\.erv/);
    expect(() => VerlShaper.fromJSON({ ...good, config: { kappa: -1 } })).toThrow(/kappa/);
  });
});
