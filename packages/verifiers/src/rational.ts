// Exact rational numbers over BigInt, used for the in-process fast path: integers, decimals,
// e-notation, fractions and integer powers compare exactly, so `0.18` never equals `18` and
// `18.001` never equals `18` (the Qwen2.5-Math grader accepts both, grader.py `math_equal`).

/** Largest power result we are willing to build, in bits; beyond it the exact path gives up. */
export const MAX_EXACT_BITS = 20_000;

export class Rational {
  readonly n: bigint;
  readonly d: bigint;

  private constructor(n: bigint, d: bigint) {
    this.n = n;
    this.d = d;
  }

  static of(n: bigint, d: bigint = 1n): Rational {
    if (d === 0n) throw new RangeError('Rational: zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return g > 1n ? new Rational(n / g, d / g) : new Rational(n, d);
  }

  static int(n: number | bigint): Rational {
    return new Rational(BigInt(n), 1n);
  }

  /**
   * Parses a plain decimal literal: `12`, `-3.50`, `.5`, `1.`, `4.5e33`, `1e-5`.
   * Returns null for anything else. Exponents beyond ±10000 are refused (not exact-safe).
   */
  static parseDecimal(s: string): Rational | null {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m) return null;
    const [, sign, ip = '', fp = '', ex] = m;
    if (ip === '' && fp === '') return null;
    const exp = ex === undefined ? 0 : Number(ex);
    if (!Number.isFinite(exp) || Math.abs(exp) > 10_000) return null;
    let n = BigInt((ip || '0') + fp);
    let d = 10n ** BigInt(fp.length);
    if (exp > 0) n *= 10n ** BigInt(exp);
    else if (exp < 0) d *= 10n ** BigInt(-exp);
    if (sign === '-') n = -n;
    return Rational.of(n, d);
  }

  isZero(): boolean {
    return this.n === 0n;
  }
  isInteger(): boolean {
    return this.d === 1n;
  }
  add(o: Rational): Rational {
    return Rational.of(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Rational): Rational {
    return Rational.of(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.n * o.n, this.d * o.d);
  }
  div(o: Rational): Rational {
    if (o.n === 0n) throw new RangeError('Rational: division by zero');
    return Rational.of(this.n * o.d, this.d * o.n);
  }
  neg(): Rational {
    return new Rational(-this.n, this.d);
  }
  equals(o: Rational): boolean {
    return this.n === o.n && this.d === o.d;
  }

  /** Integer power; null when the result would exceed MAX_EXACT_BITS (e.g. `9^{9^{9}}`). */
  pow(e: Rational): Rational | null {
    if (!e.isInteger()) return null;
    const k = e.n < 0n ? -e.n : e.n;
    if (this.n === 0n) return e.n < 0n ? null : e.n === 0n ? Rational.int(1) : this;
    if (this.n === 1n && this.d === 1n) return this;
    if (this.n === -1n && this.d === 1n) return k % 2n === 0n ? Rational.int(1) : this;
    const bits = BigInt(Math.max(bitLength(this.n), bitLength(this.d)));
    if (bits * k > BigInt(MAX_EXACT_BITS)) return null;
    const r = Rational.of(this.n ** k, this.d ** k);
    return e.n < 0n ? Rational.int(1).div(r) : r;
  }

  toNumber(): number {
    const v = Number(this.n) / Number(this.d);
    if (Number.isFinite(v) && v !== 0) return v;
    // huge numerator and denominator: scale down before dividing
    const shift = Math.max(bitLength(this.n), bitLength(this.d)) - 1000;
    if (shift <= 0) return v;
    const s = BigInt(shift);
    return Number(this.n >> s) / Number(this.d >> s);
  }

  toString(): string {
    return this.d === 1n ? this.n.toString() : `${this.n}/${this.d}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

function bitLength(x: bigint): number {
  if (x < 0n) x = -x;
  return x === 0n ? 0 : x.toString(16).length * 4;
}
