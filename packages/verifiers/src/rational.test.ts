import { describe, expect, it } from 'vitest';
import { MAX_EXACT_BITS, Rational } from './rational.js';

describe('Rational', () => {
  it('parses decimals and e-notation exactly', () => {
    expect(Rational.parseDecimal('0.3888')!.equals(Rational.of(243n, 625n))).toBe(true);
    expect(Rational.parseDecimal('-1.')!.toString()).toBe('-1');
    expect(Rational.parseDecimal('.0000672')!.equals(Rational.parseDecimal('6.72e-5')!)).toBe(true);
    expect(Rational.parseDecimal('4.5e33')!.toString()).toBe('4500000000000000000000000000000000');
    expect(Rational.parseDecimal('1e99999')).toBeNull();
    expect(Rational.parseDecimal('abc')).toBeNull();
  });
  it('reduces and keeps the sign on the numerator', () => {
    const r = Rational.of(6n, -4n);
    expect([r.n, r.d]).toEqual([-3n, 2n]);
    expect(() => Rational.of(1n, 0n)).toThrow(RangeError);
  });
  it('refuses powers beyond the size cap', () => {
    expect(Rational.int(2).pow(Rational.int(10))!.toString()).toBe('1024');
    expect(Rational.int(2).pow(Rational.int(-2))!.toString()).toBe('1/4');
    expect(Rational.int(9).pow(Rational.int(MAX_EXACT_BITS))).toBeNull();
    expect(Rational.int(2).pow(Rational.of(1n, 2n))).toBeNull();
  });
  it('converts huge values to floats without overflowing to NaN', () => {
    const big = Rational.of(10n ** 400n + 1n, 10n ** 399n);
    expect(big.toNumber()).toBeCloseTo(10, 10);
  });
});
