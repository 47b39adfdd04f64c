// Statistics of a study (arms × seeds, held-out problems): confidence intervals over seeds, a
// bootstrap over problems, and the paired difference of two arms.
//
// - Over seeds: each seed is one independent training run, so its held-out score is one draw;
//   the 95% interval of the mean is mean ± t_{0.975, n−1} · s / √n with s the sample standard
//   deviation (n − 1 in the denominator) and t the Student t quantile with n − 1 degrees of
//   freedom (e.g. t_{0.975,4} = 2.776 for 5 seeds). One seed gives no interval.
// - Over problems (bootstrap): the problems are resampled with replacement B times (B = 2000 by
//   default, seeded, so the interval is reproducible) and the 2.5th and 97.5th percentiles of the
//   resampled means are the interval (percentile method, linear interpolation between order
//   statistics as numpy's default). It measures how much the score depends on which problems were
//   drawn, not the seed-to-seed variation of training.
// - Paired difference: arm − first arm, seed by seed (both arms ran with the same seed, hence the
//   same data order and sampling seeds), then the t interval of those differences. Pairing
//   removes the part of the variation the two runs of a seed share.
import { Rng } from '@verl-ts/prng';

/** Regularised incomplete beta I_x(a, b), by the continued fraction (modified Lentz). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  // the continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return (Math.exp(lnFront) * f) / a;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function logGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** P(T ≤ t) for Student's t with `dof` degrees of freedom. */
export function studentTCdf(t: number, dof: number): number {
  const tail = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `dof` degrees of freedom (bisection on the CDF). */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(dof > 0)) throw new RangeError(`studentTQuantile: dof must be positive, got ${dof}`);
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Interval {
  /** number of values (seeds, or problems for the bootstrap) */
  n: number;
  mean: number;
  /** NaN when there is no interval (one value) */
  low: number;
  high: number;
}

export interface MeanCI extends Interval {
  /** sample standard deviation (n − 1); NaN for one value */
  sd: number;
  /** t_{(1+level)/2, n−1}; NaN for one value */
  t: number;
}

function meanOf(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Mean with its Student t interval (n − 1 degrees of freedom). */
export function meanCI(values: readonly number[], level = 0.95): MeanCI {
  if (values.length === 0) throw new RangeError('meanCI: no values');
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('meanCI: non-finite value');
  const n = values.length;
  const mean = meanOf(values);
  if (n < 2) return { n, mean, sd: Number.NaN, t: Number.NaN, low: Number.NaN, high: Number.NaN };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const t = studentTQuantile((1 + level) / 2, n - 1);
  const half = (t * sd) / Math.sqrt(n);
  return { n, mean, sd, t, low: mean - half, high: mean + half };
}

/** The q-quantile (0..1) of sorted values, interpolating linearly between order statistics. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export const BOOTSTRAP_RESAMPLES = 2000;

/** Percentile bootstrap interval of the mean of `values` (one value per problem). */
export function bootstrapCI(values: readonly number[], opts: { resamples?: number; seed?: number; level?: number } = {}): Interval & { resamples: number } {
  if (values.length === 0) throw new RangeError('bootstrapCI: no values');
  const B = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = opts.level ?? 0.95;
  const rng = new Rng(opts.seed ?? 0); // the project's one seeded generator (@verl-ts/prng)
  const n = values.length;
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[rng.nextInt(n)];
    means[b] = s / n;
  }
  const sorted = Array.from(means).sort((x, y) => x - y);
  return { n, mean: meanOf(values), low: percentile(sorted, (1 - level) / 2), high: percentile(sorted, (1 + level) / 2), resamples: B };
}

/** arm − base seed by seed (the same seeds, in the same order), with the t interval of the differences. */
export function pairedDifference(arm: readonly number[], base: readonly number[], level = 0.95): MeanCI {
  if (arm.length !== base.length) throw new RangeError(`pairedDifference: ${arm.length} values for the arm but ${base.length} for the base (pairs need the same seeds)`);
  return meanCI(arm.map((v, i) => v - base[i]), level);
}

/** "+0.4", "−1.2" (U+2212 minus) in percentage points of a fraction. */
export function signedPoints(fraction: number, digits = 1): string {
  const v = 100 * fraction;
  const s = Math.abs(v).toFixed(digits);
  if (Number(s) === 0) return s; // no sign on a difference that rounds to 0
  return `${v < 0 ? '−' : '+'}${s}`;
}

/**
 * One sentence per comparison, e.g. "GRPO+VERL − GRPO: +0.4 points [−1.2, +2.0] over 5 seeds;
 * the interval includes 0". `diff` holds fractions (0.004 = 0.4 points).
 */
export function comparisonSentence(arm: string, base: string, diff: MeanCI, what = ''): string {
  const head = `${arm} − ${base}${what ? ` (${what})` : ''}: ${signedPoints(diff.mean)} points`;
  const seeds = `${diff.n} seed${diff.n === 1 ? '' : 's'}`;
  if (!Number.isFinite(diff.low)) return `${head} over ${seeds}; no interval from one seed`;
  const interval = `[${signedPoints(diff.low)}, ${signedPoints(diff.high)}]`;
  let verdict: string;
  if (diff.low > 0) verdict = `the interval excludes 0: ${arm} is higher`;
  else if (diff.high < 0) verdict = `the interval excludes 0: ${arm} is lower`;
  else verdict = 'the interval includes 0';
  return `${head} ${interval} over ${seeds}; ${verdict}`;
}
