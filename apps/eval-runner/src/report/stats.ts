// Small statistics used by the report.

/** Pearson correlation coefficient r of paired samples; NaN when undefined (n < 2 or zero variance). */
export function pearson(x: number[], y: number[]): number {
  if (x.length !== y.length) throw new RangeError(`pearson: ${x.length} x values but ${y.length} y values`);
  const pairs: [number, number][] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) pairs.push([x[i], y[i]]);
  const n = pairs.length;
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (const [a, b] of pairs) {
    mx += a;
    my += b;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [a, b] of pairs) {
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) ** 2;
    syy += (b - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Trailing moving average (window w) for smoothing noisy per-step curves. */
export function movingAverage(values: number[], w: number): number[] {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`movingAverage: window must be a positive integer, got ${w}`);
  const out: number[] = [];
  let sum = 0;
  let count = 0;
  const q: number[] = [];
  for (const v of values) {
    q.push(v);
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
    if (q.length > w) {
      const old = q.shift()!;
      if (Number.isFinite(old)) {
        sum -= old;
        count--;
      }
    }
    out.push(count > 0 ? sum / count : Number.NaN);
  }
  return out;
}
