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
import type { Node } from './ast.js';
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
