// Scalar comparison: exact rationals in-process, a float64 evaluation that can only reject,
// then the CAS worker (mathjs, 64 digits) for what survives. Also the equation check
// (proportional sides) and the shared check context with its deadline.
import { freeSymbols, type Node } from './ast.js';
import { exactValue, floatValue, negativePoints, samplePoints } from './evaluate.js';
import { agreeAsComputedDecimals, approximatesIrrational, approximatesNonTerminating, decimalPlaces } from './decimal-approximation.js';
import { Rational } from './rational.js';
import { toMathjs, UnsupportedNode } from './to-mathjs.js';
import type { CasPool } from './worker-pool.js';

export class CheckTimeout extends Error {}

export interface EquivContext {
  /** comma lists are ordered (fill-in blanks) rather than solution sets */
  ordered: boolean;
  /** the question asks for a rounded value: a decimal gold is matched at its precision */
  roundedGold?: boolean;
  /** absolute time (ms since epoch) by which the check must end */
  deadline: number;
  pool: CasPool;
}

export function checkDeadline(ctx: EquivContext): void {
  if (Date.now() > ctx.deadline) throw new CheckTimeout('timeout: time limit reached while comparing');
}

/** A canonical key of a tree (structural identity). */
export function nodeKey(n: Node): string {
  return JSON.stringify(n, (_k, v: unknown) => (v instanceof Rational ? v.toString() : v));
}

function close(x: number, y: number, rel: number): boolean {
  return Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y)) + 1e-300;
}

function varsOf(a: Node, b: Node): string[] {
  return [...new Set([...freeSymbols(a), ...freeSymbols(b)])].sort();
}

function floatRendering(r: Rational | null): boolean {
  if (!r || r.d === 1n) return false;
  // a terminating decimal (the denominator has only the factors 2 and 5) of 15+ digits
  const places = decimalPlaces(r);
  if (places < 0) return false;
  const scaled = ((r.n < 0n ? -r.n : r.n) * 10n ** BigInt(places)) / r.d;
  return scaled.toString().length >= 15;
}

export async function scalarEqual(a: Node, b: Node, ctx: EquivContext): Promise<boolean> {
  checkDeadline(ctx);
  const ea = exactValue(a);
  const eb = exactValue(b);
  if (ea && eb && ea.equals(eb)) return true;
  // a decimal of 15 or more significant digits is a float64 rendering of a value
  // (0.0833333333333333 for 1/12), not a rounding by the writer: compared to float precision
  if (floatRendering(ea) || floatRendering(eb)) {
    const x = floatValue(a, {});
    const y = floatValue(b, {});
    if (Number.isFinite(x) && Number.isFinite(y) && close(x, y, 1e-13)) return true;
  }
  // `2.6667` for `\frac{8}{3}`: a rounding of a value no decimal can write (decimal-approximation.ts)
  if (ea && eb && (approximatesNonTerminating(a, ea, eb) || approximatesNonTerminating(b, eb, ea))) return true;
  // `0.0666668` for `0.066666793`: computed decimals that agree to 6 places
  if (ea && eb && agreeAsComputedDecimals(a, ea, b, eb)) return true;
  // `1.4142135623` for `\sqrt2`: a rounded or truncated decimal of an irrational closed form
  if (ea && !eb && approximatesIrrational(a, ea, b)) return true;
  if (eb && !ea && approximatesIrrational(b, eb, a)) return true;
  if (ea && eb) return false;
  if (nodeKey(a) === nodeKey(b)) return true;
  const vars = varsOf(a, b);
  const strict = samplePoints(vars, vars.length ? 6 : 1);
  const envs = vars.length ? [...strict, ...negativePoints(vars, 2)] : strict;
  for (const env of envs) {
    const x = floatValue(a, env);
    const y = floatValue(b, env);
    if (Number.isFinite(x) && Number.isFinite(y) && !close(x, y, 1e-7)) return false;
    if (Number.isFinite(x) !== Number.isFinite(y) && !Number.isNaN(x) && !Number.isNaN(y)) return false;
  }
  return cas(a, b, 'equal', vars, envs, ctx, strict.length);
}

export async function proportional(a: Node, b: Node, ctx: EquivContext): Promise<boolean> {
  checkDeadline(ctx);
  const vars = varsOf(a, b);
  if (!vars.length) return false;
  const envs = samplePoints(vars, 6);
  let ratio: number | null = null;
  for (const env of envs) {
    const x = floatValue(a, env);
    const y = floatValue(b, env);
    if (!Number.isFinite(x) || !Number.isFinite(y) || y === 0) continue;
    const r = x / y;
    if (ratio === null) ratio = r;
    else if (!close(r, ratio, 1e-7)) return false;
  }
  return cas(a, b, 'proportional', vars, envs, ctx);
}

async function cas(a: Node, b: Node, mode: 'equal' | 'proportional', vars: string[], envs: Record<string, number>[], ctx: EquivContext, lenientFrom = envs.length): Promise<boolean> {
  const names = new Map<string, string>();
  vars.forEach((v, k) => names.set(v, `v${k}`));
  let sa: string;
  let sb: string;
  try {
    sa = toMathjs(a, names);
    sb = toMathjs(b, names);
  } catch (e) {
    if (e instanceof UnsupportedNode) return false;
    throw e;
  }
  const points = envs.map((env) => Object.fromEntries(vars.map((v) => [names.get(v)!, env[v]])));
  const remaining = ctx.deadline - Date.now();
  if (remaining <= 0) throw new CheckTimeout('timeout: time limit reached before the CAS check');
  const r = await ctx.pool.run({ pairs: [{ a: sa, b: sb, mode }], points, lenientFrom }, remaining);
  if (r.startupMs) ctx.deadline += r.startupMs;
  if (!r.ok) {
    if (r.reason.startsWith('timeout')) throw new CheckTimeout(r.reason);
    throw new Error(r.reason); // reported by gradeAnswer as `error: …`
  }
  return r.results[0];
}
