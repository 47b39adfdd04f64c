// In-process evaluation of expression trees: exact rationals (BigInt) and a real float64
// evaluator used only to *reject* quickly (values that differ clearly cannot be equal).
// Anything that the float check cannot reject is confirmed by the CAS worker.
import type { Node } from './ast.js';
import { MAX_EXACT_BITS, Rational } from './rational.js';

/** Exact value when the expression is a rational number, else null. Never slow: powers are capped. */
export function exactValue(n: Node): Rational | null {
  try {
    return exact(n);
  } catch {
    return null;
  }
}

/** Intermediate results beyond this many bits abandon the exact path (keeps gcd cheap). */
const MAX_INTERMEDIATE_BITS = 2 * MAX_EXACT_BITS;

function exact(n: Node): Rational | null {
  const r = exactInner(n);
  if (r && (bits(r.n) > MAX_INTERMEDIATE_BITS || bits(r.d) > MAX_INTERMEDIATE_BITS)) return null;
  return r;
}

function bits(x: bigint): number {
  return (x < 0n ? -x : x).toString(16).length * 4;
}

function exactInner(n: Node): Rational | null {
  switch (n.t) {
    case 'num':
      return n.v;
    case 'neg': {
      const x = exact(n.x);
      return x && x.neg();
    }
    case 'add': {
      let acc = Rational.int(0);
      for (const c of n.a) {
        const v = exact(c);
        if (!v) return null;
        acc = acc.add(v);
      }
      return acc;
    }
    case 'mul': {
      let acc = Rational.int(1);
      for (const c of n.a) {
        const v = exact(c);
        if (!v) return null;
        acc = acc.mul(v);
      }
      return acc;
    }
    case 'div': {
      const a = exact(n.n);
      const b = exact(n.d);
      if (!a || !b || b.isZero()) return null;
      return a.div(b);
    }
    case 'pow': {
      const b = exact(n.b);
      const e = exact(n.e);
      if (!b || !e) return null;
      if (e.isInteger()) return b.pow(e);
      // rational exponent of a perfect power: 4^{1/2}, 8^{2/3}
      if (e.d <= 12n && b.n >= 0n) {
        const r = rootExact(b, Number(e.d));
        return r ? r.pow(Rational.of(e.n)) : null;
      }
      return null;
    }
    case 'pct': {
      const x = exact(n.x);
      return x && x.div(Rational.int(100));
    }
    case 'fn': {
      if (n.name === 'sqrt') {
        const x = exact(n.args[0]);
        return x && x.n >= 0n ? rootExact(x, 2) : null;
      }
      if (n.name === 'root') {
        const x = exact(n.args[0]);
        const k = exact(n.args[1]);
        if (!x || !k || !k.isInteger() || k.n < 1n || k.n > 12n || x.n < 0n) return null;
        return rootExact(x, Number(k.n));
      }
      if (n.name === 'factorial') {
        const x = exact(n.args[0]);
        if (!x || !x.isInteger() || x.n < 0n || x.n > 2000n) return null;
        let acc = 1n;
        for (let k = 2n; k <= x.n; k++) acc *= k;
        return Rational.of(acc);
      }
      if (n.name === 'abs') {
        const x = exact(n.args[0]);
        return x && (x.n < 0n ? x.neg() : x);
      }
      if (n.name === 'binom') {
        const a = exact(n.args[0]);
        const b = exact(n.args[1]);
        if (!a || !b || !a.isInteger() || !b.isInteger() || a.n < 0n || b.n < 0n || a.n > 5000n) return null;
        if (b.n > a.n) return Rational.int(0);
        let acc = 1n;
        for (let k = 1n; k <= b.n; k++) acc = (acc * (a.n - b.n + k)) / k;
        return Rational.of(acc);
      }
      return null;
    }
    default:
      return null;
  }
}

function rootExact(x: Rational, k: number): Rational | null {
  const a = intRoot(x.n, k);
  const b = intRoot(x.d, k);
  return a !== null && b !== null ? Rational.of(a, b) : null;
}

function intRoot(v: bigint, k: number): bigint | null {
  if (v < 0n) return null;
  if (v < 2n) return v;
  const K = BigInt(k);
  // Newton iteration from a float estimate
  let r = BigInt(Math.floor(Math.pow(Number(v), 1 / k)));
  if (r < 1n) r = 1n;
  for (let it = 0; it < 200; it++) {
    const next = ((K - 1n) * r + v / r ** (K - 1n)) / K;
    if (next === r || next === r + 1n || next === r - 1n) {
      for (const c of [next - 1n, next, next + 1n, r]) if (c >= 0n && c ** K === v) return c;
      return null;
    }
    r = next;
  }
  return null;
}

export type Env = Record<string, number>;

/** Real float64 value (NaN when undefined, complex, or unknown). */
export function floatValue(n: Node, env: Env): number {
  switch (n.t) {
    case 'num':
      return n.v.toNumber();
    case 'sym':
      return env[n.name] ?? NaN;
    case 'const':
      return n.name === 'pi' ? Math.PI : n.name === 'e' ? Math.E : n.name === 'inf' ? Infinity : NaN;
    case 'neg':
      return -floatValue(n.x, env);
    case 'add':
      return n.a.reduce((s, c) => s + floatValue(c, env), 0);
    case 'mul':
      return n.a.reduce((s, c) => s * floatValue(c, env), 1);
    case 'div':
      return floatValue(n.n, env) / floatValue(n.d, env);
    case 'pow': {
      const b = floatValue(n.b, env);
      const e = floatValue(n.e, env);
      if (b < 0 && !Number.isInteger(e)) {
        // a rational exponent with an odd denominator is the real odd root, as writers mean
        // it ((x^2-2)^{5/3} = \sqrt[3]{x^2-2}^5 for x^2 < 2); any other: leave to the CAS
        const odd = oddRootExponent(n.e);
        if (!odd) return NaN;
        const m = Math.pow(-b, e);
        return odd.n % 2n === 0n ? m : -m;
      }
      return Math.pow(b, e);
    }
    case 'pct':
      return floatValue(n.x, env) / 100;
    case 'fn':
      return floatFn(n.name, n.args.map((a) => floatValue(a, env)));
    default:
      return NaN;
  }
}

function floatFn(name: string, a: number[]): number {
  const x = a[0];
  switch (name) {
    case 'sqrt':
      return x < 0 ? NaN : Math.sqrt(x);
    case 'root':
      // an odd root of a negative number is real (\sqrt[3]{-8} = -2), as mathjs's nthRoot has it
      if (x < 0) return Number.isInteger(a[1]) && a[1] % 2 === 1 ? -Math.pow(-x, 1 / a[1]) : NaN;
      return Math.pow(x, 1 / a[1]);
    case 'sin':
      return Math.sin(x);
    case 'cos':
      return Math.cos(x);
    case 'tan':
      return Math.tan(x);
    case 'cot':
      return 1 / Math.tan(x);
    case 'sec':
      return 1 / Math.cos(x);
    case 'csc':
      return 1 / Math.sin(x);
    case 'sinh':
      return Math.sinh(x);
    case 'cosh':
      return Math.cosh(x);
    case 'tanh':
      return Math.tanh(x);
    case 'arcsin':
      return Math.asin(x);
    case 'arccos':
      return Math.acos(x);
    case 'arctan':
      return Math.atan(x);
    case 'arccot':
      return Math.atan(1 / x);
    case 'ln':
    case 'log':
      return Math.log(x);
    case 'log10':
      return Math.log10(x);
    case 'logb':
      return Math.log(x) / Math.log(a[1]);
    case 'exp':
      return Math.exp(x);
    case 'abs':
      return Math.abs(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'factorial':
      return Number.isInteger(x) && x >= 0 ? (x > 170 ? Infinity : fact(x)) : NaN;
    case 'binom':
      return Number.isInteger(x) && Number.isInteger(a[1]) && x >= 0 && x <= 170 && a[1] >= 0 ? fact(x) / (fact(a[1]) * fact(x - a[1])) : NaN;
    default:
      return NaN;
  }
}

function fact(k: number): number {
  let r = 1;
  for (let i = 2; i <= k; i++) r *= i;
  return r;
}

/** Deterministic sample values for free variables: point p, variable index v, in (0.3, 1.9). */
export function samplePoints(vars: string[], count: number): Env[] {
  const out: Env[] = [];
  for (let p = 0; p < count; p++) {
    const env: Env = {};
    vars.forEach((name, v) => {
      // each variable moves with its own step from point to point: with a common step the
      // difference of two variables was the same at every point, so "x = F" looked
      // proportional to "k = n" (found by the wrapped false-positive test)
      const u = fracPart(0.6180339887 * (p * (7 + 2 * v) + v * 3 + 1) + 0.1234567 * v + 0.31415926 * p * (v + 1));
      env[name] = 0.3 + 1.6 * u;
    });
    out.push(env);
  }
  return out;
}

/**
 * Sample points with negative values (every variable in (-1.9, -0.3)). Used leniently: they
 * only count where both sides are real there, which separates |x| from x without failing
 * forms that are equal on the positive reals only (ln x^2 and 2 ln x).
 */
export function negativePoints(vars: string[], count: number): Env[] {
  return samplePoints(vars, count + 3)
    .slice(3)
    .map((env) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, -v])));
}

function fracPart(x: number): number {
  return x - Math.floor(x);
}

/** The exponent as p/q when it is an exact rational whose denominator is odd (and > 1): a real odd root. */
export function oddRootExponent(e: Node): Rational | null {
  const r = exactValue(e);
  return r && r.d > 1n && r.d % 2n === 1n && r.d < 1000n ? r : null;
}
