// Small numeric helpers for metrics.

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Population standard deviation (0 for a single value, NaN for none). */
export function std(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / xs.length);
}

/** JSON has no NaN/Infinity: write them as null so every line stays valid JSON. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
