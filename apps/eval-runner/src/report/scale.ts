// Axis scales and "nice" tick values for the hand-written SVG charts.

export interface Scale {
  (v: number): number;
  ticks: number[];
  domain: [number, number];
  log: boolean;
}

/** Tick step from {1, 2, 5} × 10^e giving about `count` ticks over [lo, hi]. */
export function niceStep(lo: number, hi: number, count: number): number {
  const span = hi - lo;
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/** Domain padded out to whole ticks; a zero-width domain is widened so the axis is visible. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const step = niceStep(lo, hi, count);
  const clean = (v: number) => Number(v.toPrecision(12));
  return [clean(Math.floor(lo / step + 1e-9) * step), clean(Math.ceil(hi / step - 1e-9) * step)];
}

export function linearScale(values: number[], range: [number, number], opts: { count?: number; include?: number[] } = {}): Scale {
  const finite = values.concat(opts.include ?? []).filter(Number.isFinite);
  const [d0, d1] = niceDomain(finite.length ? Math.min(...finite) : 0, finite.length ? Math.max(...finite) : 1, opts.count ?? 5);
  const step = niceStep(d0, d1, opts.count ?? 5);
  const ticks: number[] = [];
  for (let t = d0; t <= d1 + step * 1e-6; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  const f = ((v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0])) as Scale;
  f.ticks = ticks;
  f.domain = [d0, d1];
  f.log = false;
  return f;
}

/** Base-2 log scale for k in pass@k (k = 1, 2, 4, … are evenly spaced). */
export function log2Scale(values: number[], range: [number, number]): Scale {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = pos.length ? Math.floor(Math.log2(Math.min(...pos))) : 0;
  let hi = pos.length ? Math.ceil(Math.log2(Math.max(...pos))) : 1;
  if (hi === lo) hi = lo + 1;
  const f = ((v: number) => range[0] + ((Math.log2(v) - lo) / (hi - lo)) * (range[1] - range[0])) as Scale;
  f.ticks = [];
  for (let e = lo; e <= hi; e++) f.ticks.push(2 ** e);
  f.domain = [2 ** lo, 2 ** hi];
  f.log = true;
  return f;
}

/** Short tick label: 0.25, 1.5k, 2e-4 … */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  if (a >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}
