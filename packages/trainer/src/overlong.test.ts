import { describe, expect, it } from 'vitest';
import { applyOverlongPenalty, maskTruncatedResponses, overlongOptionsError, overlongPenalty, OVERLONG_DEFAULTS } from './overlong.js';

// Hand numbers from verl's dapo.py formula: expected = max − buffer; exceed = len − expected;
// penalty = min(−exceed / buffer · factor, 0).
describe('overlongPenalty (verl DAPORewardManager)', () => {
  const on = { enabled: true, bufferLength: 4, penaltyFactor: 1.0 }; // max 20 → expected 16

  it('is 0 up to and including expected_len = max − buffer', () => {
    expect(overlongPenalty(1, 20, on)).toBe(0);
    expect(overlongPenalty(10, 20, on)).toBe(0);
    expect(overlongPenalty(16, 20, on)).toBe(0); // exceed 0 → min(−0, 0) = 0
    expect(Object.is(overlongPenalty(16, 20, on), 0)).toBe(true); // +0, not −0
  });

  it('grows linearly inside the buffer', () => {
    expect(overlongPenalty(17, 20, on)).toBe(-0.25); // exceed 1 → −1/4
    expect(overlongPenalty(18, 20, on)).toBe(-0.5); // exceed 2 → −2/4
    expect(overlongPenalty(19, 20, on)).toBe(-0.75); // exceed 3 → −3/4
  });

  it('reaches −penalty_factor at the limit and keeps growing beyond it', () => {
    expect(overlongPenalty(20, 20, on)).toBe(-1); // exceed 4 → −4/4
    expect(overlongPenalty(22, 20, on)).toBe(-1.5); // exceed 6 → −6/4 (no floor in verl)
  });

  it('scales with penalty_factor', () => {
    const half = { ...on, penaltyFactor: 0.5 };
    expect(overlongPenalty(18, 20, half)).toBe(-0.25); // −2/4 · 0.5
    expect(overlongPenalty(20, 20, half)).toBe(-0.5);
    expect(overlongPenalty(20, 20, { ...on, penaltyFactor: 0 })).toBe(0);
  });

  it("matches DAPO's recipe numbers (max 20480, buffer 4096, factor 1.0)", () => {
    const dapo = { enabled: true, bufferLength: 4096, penaltyFactor: 1.0 }; // expected 16384
    expect(overlongPenalty(16384, 20480, dapo)).toBe(0);
    expect(overlongPenalty(18432, 20480, dapo)).toBe(-0.5); // exceed 2048
    expect(overlongPenalty(17408, 20480, dapo)).toBe(-0.25); // exceed 1024
  });

  it('is 0 when disabled, whatever the length (the default)', () => {
    expect(OVERLONG_DEFAULTS).toEqual({ enabled: false, bufferLength: 0, penaltyFactor: 1.0 });
    expect(overlongPenalty(999, 20, OVERLONG_DEFAULTS)).toBe(0);
    expect(overlongOptionsError(OVERLONG_DEFAULTS, 20)).toBeNull();
  });

  it('refuses a zero buffer, a buffer longer than the limit and a negative factor', () => {
    expect(overlongOptionsError({ enabled: true, bufferLength: 0, penaltyFactor: 1 }, 20)).toMatch(/bufferLength must be a positive integer/);
    expect(overlongOptionsError({ enabled: true, bufferLength: 21, penaltyFactor: 1 }, 20)).toMatch(/longer than the response limit \(20 tokens\)/);
    expect(overlongOptionsError({ enabled: true, bufferLength: 20, penaltyFactor: 1 }, 20)).toBeNull(); // expected 0: allowed
    expect(overlongOptionsError({ enabled: true, bufferLength: 4, penaltyFactor: -1 }, 20)).toMatch(/penaltyFactor/);
    expect(() => overlongPenalty(5, 20, { enabled: true, bufferLength: 0, penaltyFactor: 1 })).toThrow(RangeError);
  });
});

describe('applyOverlongPenalty', () => {
  it('adds each penalty to its reward and reports the penalised share', () => {
    const out = applyOverlongPenalty([1, 0, 1, 1], [10, 17, 19, 20], 20, { enabled: true, bufferLength: 4, penaltyFactor: 1 });
    expect(out.penalties).toEqual([0, -0.25, -0.75, -1]);
    expect(out.rewards).toEqual([1, -0.25, 0.25, 0]);
    expect(out.penalisedRate).toBe(0.75);
  });

  it('leaves rewards as they are when disabled', () => {
    const out = applyOverlongPenalty([1, 0], [20, 20], 20, OVERLONG_DEFAULTS);
    expect(out.rewards).toEqual([1, 0]);
    expect(out.penalisedRate).toBe(0);
  });

  it('refuses mismatched lengths', () => {
    expect(() => applyOverlongPenalty([1], [1, 2], 20, OVERLONG_DEFAULTS)).toThrow(/1 rewards but 2/);
  });
});

describe('maskTruncatedResponses (DAPO overlong filtering)', () => {
  const mask = [[1, 1, 0], [1, 1, 1], [1, 0, 0]];
  const reasons = ['stop', 'length', 'stop'];

  it('zeroes the rows of responses that hit the token limit', () => {
    expect(maskTruncatedResponses(mask, reasons)).toEqual([[1, 1, 0], [0, 0, 0], [1, 0, 0]]);
    expect(mask[1]).toEqual([1, 1, 1]); // input untouched
  });

  it('knows truncation from the finish reason only', () => {
    expect(maskTruncatedResponses(mask, ['length', 'stop', 'eos'])).toEqual([[0, 0, 0], [1, 1, 1], [1, 0, 0]]);
    expect(() => maskTruncatedResponses(mask, ['stop'])).toThrow(/3 mask rows but 1/);
  });
});
