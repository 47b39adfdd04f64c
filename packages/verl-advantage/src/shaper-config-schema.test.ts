import { describe, it, expect } from 'vitest';
import { verlShaperConfigSchema } from './shaper-config-schema.js';
import { PAPER_DEFAULTS, resolveShaperConfig } from './shaper-config.js';
import { VerlShaper } from './shaper.js';

describe('verlShaperConfigSchema', () => {
  it('fills every paper default, and the shaper built from it equals one built from {}', () => {
    const parsed = verlShaperConfigSchema.parse({});
    expect(parsed).toMatchObject(PAPER_DEFAULTS);
    expect(parsed.mode).toBe('default');
    expect(new VerlShaper(parsed).config).toEqual(resolveShaperConfig({}));
    expect(new VerlShaper(verlShaperConfigSchema.parse({ mode: 'reference' })).config).toEqual(resolveShaperConfig({ mode: 'reference' }));
  });
  it('rejects unknown fields, out-of-range values and inconsistent weights where the config is read', () => {
    expect(verlShaperConfigSchema.safeParse({ kapa: 2 }).success).toBe(false);
    expect(verlShaperConfigSchema.safeParse({ kappa: 0 }).success).toBe(false);
    const r = verlShaperConfigSchema.safeParse({ exploreWeights: [1, 0] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toMatch(/one weight per indicator/);
    expect(verlShaperConfigSchema.safeParse({ gateOnAddReward: true }).error!.issues[0].message).toMatch(/mode: "reference"/);
  });
  it('describes every field in one line', () => {
    for (const [k, f] of Object.entries(verlShaperConfigSchema.shape)) {
      expect(f.description, k).toMatch(/^[^\n]{10,}$/);
    }
  });
});
