// A decimal approximation of a non-terminating exact value: `2.6667` for `\frac{8}{3}`,
// `0.1429` for `\frac{1}{7}`. The field's graders disagree on rounding in general
// (Qwen2.5-Math grader.py `math_equal`: any |a−b| ≤ 1e-4·max(|a|,|b|), so even `1.0001` ≡ `1`;
// Math-Verify: both sides rounded to `float_rounding` decimals, 6 by default, and its interval
// test `(0.6, 2.6667]` ≡ `(\frac35, \frac83]`; prm800k and verl's math_dapo: exact). They agree
// where a writer could not have written the value exactly: a fraction whose decimal never ends.
// So the rule is scoped to that case (README "Equivalence", rule 3):
//   - one side is a decimal literal with at least 3 decimal places (`4.67` stays ≢ `14/3`);
//   - the other side is an exact rational whose decimal does not terminate (a terminating gold
//     such as `1` or `0.25` is compared exactly: `1.0001` ≢ `1`);
//   - the decimal is within half a unit of its last place (a correct rounding, or a truncation
//     that happens to be that close) and within Qwen's relative 1e-4 (`0.333` ≢ `\frac13`).
// And two decimals of which one has more than 6 places (a computed value such as `0.066666793`,
// not a typed answer) are equal when they agree rounded to 6 places, Math-Verify's default
// `float_rounding=6` (Qwen's 1e-4 accepts them too), and within 1e-4 relative, so that tiny
// values (`1e-7`, `2e-7`) that round alike stay different.
import { freeSymbols, type Node } from './ast.js';
import { floatValue } from './evaluate.js';
import { Rational } from './rational.js';

/** Decimal places of a terminating rational (2.6667 → 4, 3 → 0); -1 when it never terminates. */
export function decimalPlaces(r: Rational): number {
  let d = r.d;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  return d === 1n ? Math.max(twos, fives) : -1;
}

function decimalLiteral(n: Node): boolean {
  return n.t === 'num' || (n.t === 'neg' && n.x.t === 'num');
}

/** Whether `a` (with exact value `ea`) is a written decimal approximating the exact value `eb`. */
export function approximatesNonTerminating(a: Node, ea: Rational, eb: Rational): boolean {
  if (!decimalLiteral(a)) return false;
  const places = decimalPlaces(ea);
  if (places < 3 || decimalPlaces(eb) >= 0) return false;
  const diff = ea.sub(eb);
  const absDiff = diff.n < 0n ? diff.neg() : diff;
  // half a unit in the last place: |a − b| · 2 · 10^places ≤ 1
  if (absDiff.mul(Rational.of(2n * 10n ** BigInt(places))).sub(Rational.int(1)).n > 0n) return false;
  // relative 1e-4 against the larger magnitude (grader.py's isclose)
  const mag = (r: Rational) => (r.n < 0n ? r.neg() : r);
  const larger = mag(ea).sub(mag(eb)).n >= 0n ? mag(ea) : mag(eb);
  return absDiff.mul(Rational.int(10_000)).sub(larger).n <= 0n;
}

/** `r` rounded half away from zero to `places` decimals, as an integer count of 10^-places. */
function roundedUnits(r: Rational, places: number): bigint {
  const scale = 10n ** BigInt(places);
  const n = r.n < 0n ? -r.n : r.n;
  const units = (2n * n * scale + r.d) / (2n * r.d);
  return r.n < 0n ? -units : units;
}

/** Whether two decimal literals, one of more than 6 places, agree as computed values (above). */
export function agreeAsComputedDecimals(a: Node, ea: Rational, b: Node, eb: Rational): boolean {
  if (!decimalLiteral(a) || !decimalLiteral(b)) return false;
  const pa = decimalPlaces(ea);
  const pb = decimalPlaces(eb);
  if (pa < 0 || pb < 0 || Math.max(pa, pb) <= 6) return false;
  if (roundedUnits(ea, 6) !== roundedUnits(eb, 6)) return false;
  const diff = ea.sub(eb);
  const absDiff = diff.n < 0n ? diff.neg() : diff;
  const mag = (r: Rational) => (r.n < 0n ? r.neg() : r);
  const larger = mag(ea).sub(mag(eb)).n >= 0n ? mag(ea) : mag(eb);
  return absDiff.mul(Rational.int(10_000)).sub(larger).n <= 0n;
}

/** Significant digits of a terminating decimal as written without trailing zeros (0.0012 → 2). */
function significantDigits(r: Rational, places: number): number {
  const n = r.n < 0n ? -r.n : r.n;
  return ((n * 10n ** BigInt(places)) / r.d).toString().length;
}

/**
 * A fraction p/q (q ≤ 10 000) within float precision of `x`, found by continued fractions:
 * a closed form such as `\sqrt{\frac49}` or `\sin\frac{\pi}{6}` whose value is rational.
 */
function nearbyRational(x: number): Rational | null {
  const tol = 1e-12 * Math.max(1, Math.abs(x));
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let y = x;
  for (let step = 0; step < 40; step++) {
    const a = Math.floor(y);
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > 10_000) return null;
    if (Math.abs(x - h1 / k1) <= tol) return Rational.of(BigInt(h1), BigInt(k1));
    const frac = y - a;
    if (frac === 0) return null;
    y = 1 / frac;
  }
  return null;
}

/**
 * Whether `a` (a decimal literal of value `ea`) is a written approximation of the closed form
 * `b` whose value is irrational: `1.4142135623` or `1.4142` for `\sqrt2`, `3.14159` for `\pi`.
 * Math-Verify accepts it when the decimal has 6 or more places (both sides rounded to 6) and
 * the Qwen2.5-Math grader within 1e-4 relative; prm800k and math_dapo refuse (README
 * "Equivalence", rule 3). Scoped to what a writer means by an approximation:
 *   - the decimal has at least 4 decimal places and 4 significant digits (an integer, `1.414`
 *     or `0.0014` never matches);
 *   - `b` has no variables and no rational value: exactValue failed, and its float value is not
 *     within float precision of a fraction with a denominator ≤ 10 000 (then it is that
 *     fraction, and the rule for non-terminating rationals decides);
 *   - `a` is `b` correctly rounded or truncated at its last place (`1.4142135623` truncates
 *     √2 = 1.41421356237…), and within Qwen's relative 1e-4.
 * The float value of `b` carries about 1e-16 relative error; 1e-12 relative is allowed at
 * the edges of the window, which only matters for decimals of 12+ digits.
 */
export function approximatesIrrational(a: Node, ea: Rational, b: Node): boolean {
  if (!decimalLiteral(a) || freeSymbols(b).length) return false;
  const places = decimalPlaces(ea);
  if (places < 4 || significantDigits(ea, places) < 4) return false;
  const x = floatValue(b, {});
  if (!Number.isFinite(x) || x === 0) return false;
  const asFraction = nearbyRational(x);
  if (asFraction) return approximatesNonTerminating(a, ea, asFraction);
  const av = ea.toNumber();
  if (Math.sign(av) !== Math.sign(x)) return false;
  const unit = 10 ** -places;
  const margin = 1e-12 * Math.abs(x);
  // |x| − |a|: within half a unit either way (rounded) or in [0, 1 unit) (truncated)
  const gap = Math.abs(x) - Math.abs(av);
  if (gap < -(unit / 2 + margin) || gap > unit + margin) return false;
  return Math.abs(gap) <= 1e-4 * Math.max(Math.abs(av), Math.abs(x));
}
