import { describe, expect, it } from 'vitest';
import { broadcastOverMask, broadcastShapedAdvantages, broadcastShapedAdvantagesFlat, lastTokenIndex, lengthsFromMask } from './broadcast.js';

const mask = [
  [1, 1, 1, 0],
  [1, 1, 0, 0],
  [0, 0, 0, 0],
];

describe('broadcast over a token mask', () => {
  it('multiplies each scalar by its mask row', () => {
    expect(broadcastOverMask([2, -1, 5], mask)).toEqual([
      [2, 2, 2, 0],
      [-1, -1, -0, -0],
      [0, 0, 0, 0],
    ]);
    expect(lengthsFromMask(mask)).toEqual([3, 2, 0]);
    expect(lastTokenIndex(mask[0])).toBe(2);
    expect(lastTokenIndex(mask[2])).toBe(-1);
    expect(() => broadcastOverMask([1], mask)).toThrow(/mask has 3 entries but advantages has 1/);
  });

  it("puts the bonus on the last response token ('last') or on every one ('all')", () => {
    const a0 = [2, -1, 5];
    const bonus = [0.5, 0.25, 1];
    expect(broadcastShapedAdvantages(a0, bonus, mask, 'last')).toEqual([
      [2, 2, 2.5, 0],
      [-1, -0.75, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(broadcastShapedAdvantages(a0, bonus, mask, 'all')).toEqual([
      [2.5, 2.5, 2.5, 0],
      [-0.75, -0.75, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(() => broadcastShapedAdvantages(a0, bonus, mask, 'first' as 'all')).toThrow(/bonusTokens/);
    // flat [B, T] Float32Array, optionally wider than the mask
    const flat = broadcastShapedAdvantagesFlat(a0, bonus, mask, 'last', 5);
    expect(Array.from(flat)).toEqual([2, 2, 2.5, 0, 0, -1, -0.75, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(broadcastShapedAdvantagesFlat(a0, bonus, mask, 'all'))).toEqual(broadcastShapedAdvantages(a0, bonus, mask, 'all').flat());
    expect(() => broadcastShapedAdvantagesFlat(a0, bonus, mask, 'all', 3)).toThrow(/width/);
    expect(() => broadcastShapedAdvantages(a0, [1], mask, 'all')).toThrow(/bonus has 1 entries/);
  });
});
