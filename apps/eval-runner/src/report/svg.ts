// Hand-written SVG charts (no plotting library, no CDN): line charts for per-step curves and
// pass@k, scatter plots for the exploration/exploitation comparison.
import { formatTick, linearScale, log2Scale, type Scale } from './scale.js';
import { movingAverage } from './stats.js';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
/** One stroke pattern per series index, so that two series on the same values both stay
 *  visible (issue 17: the GRPO curve hid under the GRPO+VERL one) and print in grey. */
export const DASHES = ['', '7 4', '2 3', '10 3 2 3', '4 2 4 6', '1 4', '12 4', '6 2 1 2'];

export interface Series {
  name: string;
  points: [number, number][];
  color?: string;
  /** stroke-dasharray; default DASHES[index] */
  dash?: string;
  /** @deprecated use dash; true = '5 3' */
  dashed?: boolean;
  /** a shaded band around the line: [x, low, high] (e.g. the range over seeds) */
  band?: [number, number, number][];
}

/** Colour and stroke pattern of series i (an explicit colour or dash wins). */
export function seriesStyle(s: Series, i: number): { color: string; dash: string } {
  return { color: s.color ?? PALETTE[i % PALETTE.length], dash: s.dash ?? (s.dashed ? '5 3' : DASHES[i % DASHES.length]) };
}

export interface ChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  logX?: boolean;
  /** Values the y axis must include (e.g. 0 and 1 for accuracies). */
  yInclude?: number[];
  /** Extra caption line under the title (e.g. Pearson r). */
  subtitle?: string;
  /** Moving-average window: long noisy series are drawn faint, with their trailing mean on top. */
  smooth?: number;
  /** y values are fractions shown as percentages (ticks 0%…100%) */
  percent?: boolean;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

interface Frame {
  x: Scale;
  y: Scale;
  parts: string[];
  width: number;
  height: number;
}

const LEGEND_ROW = 16;

/** Legend rows below the plot: two entries per row (one per row when there are few). */
function legendRows(n: number): number {
  return n <= 1 ? n : Math.ceil(n / 2);
}

function frame(opts: ChartOptions, xs: number[], ys: number[], legendEntries = 0): Frame {
  const width = opts.width ?? 520;
  const extra = legendRows(legendEntries) * LEGEND_ROW + (legendEntries ? 6 : 0);
  const height = (opts.height ?? 300) + extra;
  // the legend lives under the x-axis label, outside the plot area, so it never covers data
  const m = { l: 58, r: 14, t: opts.subtitle ? 44 : 30, b: 42 + extra };
  const x = opts.logX ? log2Scale(xs, [m.l, width - m.r]) : linearScale(xs, [m.l, width - m.r]);
  const y = linearScale(ys, [height - m.b, m.t], { include: opts.yInclude });
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" class="title">${escapeXml(opts.title)}</text>`);
  if (opts.subtitle) parts.push(`<text x="${width / 2}" y="34" text-anchor="middle" class="subtitle">${escapeXml(opts.subtitle)}</text>`);
  for (const t of y.ticks) {
    const py = fmt(y(t));
    parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${py}" y2="${py}" class="grid"/>`);
    parts.push(`<text x="${m.l - 6}" y="${py}" dy="0.32em" text-anchor="end" class="tick">${opts.percent ? formatPercentTick(t) : formatTick(t)}</text>`);
  }
  for (const t of x.ticks) {
    const px = fmt(x(t));
    parts.push(`<line x1="${px}" x2="${px}" y1="${height - m.b}" y2="${height - m.b + 4}" class="axis"/>`);
    parts.push(`<text x="${px}" y="${height - m.b + 16}" text-anchor="middle" class="tick">${formatTick(t)}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" class="axis"/>`);
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}" class="axis"/>`);
  parts.push(`<text x="${(m.l + width - m.r) / 2}" y="${height - m.b + 32}" text-anchor="middle" class="label">${escapeXml(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle" class="label">${escapeXml(opts.yLabel)}</text>`);
  return { x, y, parts, width, height };
}

/** 0.25 → "25%" (for fractions). */
export function formatPercentTick(v: number): string {
  return `${Number((100 * v).toPrecision(4))}%`;
}

/** Legend under the plot: a stroke sample in the series' colour and pattern, then its name. */
function legend(series: Series[], f: Frame, kind: 'line' | 'dot'): string {
  const perRow = series.length <= 1 ? 1 : 2;
  const colWidth = (f.width - 70) / perRow;
  const max = Math.floor(colWidth / 6) - 5;
  const top = f.height - legendRows(series.length) * LEGEND_ROW - 2;
  const items = series.map((s, i) => {
    const { color, dash } = seriesStyle(s, i);
    const x = 58 + (i % perRow) * colWidth;
    const y = top + Math.floor(i / perRow) * LEGEND_ROW + 8;
    const sample = kind === 'line'
      ? `<line x1="${fmt(x)}" x2="${fmt(x + 26)}" y1="${y - 4}" y2="${y - 4}" stroke="${color}" stroke-width="2.2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
      : `<circle cx="${fmt(x + 13)}" cy="${y - 4}" r="4" fill="${color}" fill-opacity="0.7"/>`;
    const name = s.name.length > max ? s.name.slice(0, max - 1) + '…' : s.name;
    return `<g class="legend-item" data-legend="${escapeXml(s.name)}">${sample}<text x="${fmt(x + 32)}" y="${y}" class="legend">${escapeXml(name)}</text></g>`;
  });
  return `<g class="legend-box">${items.join('')}</g>`;
}

function wrap(opts: ChartOptions, f: Frame, body: string, kind: string, empty: boolean): string {
  const note = empty ? `<text x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle" class="empty">no data in these runs</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(opts.id)}" data-plot="${escapeXml(opts.id)}" data-kind="${kind}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(opts.title)}">${f.parts.join('')}${body}${note}</svg>`;
}

export function lineChart(opts: ChartOptions, series: Series[]): string {
  const pts = series.flatMap((s) => s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)));
  const bandPts = series.flatMap((s) => (s.band ?? []).filter(([a, lo, hi]) => Number.isFinite(a) && Number.isFinite(lo) && Number.isFinite(hi)));
  const showLegend = series.length > 1 || (series.length === 1 && Boolean(series[0].name));
  const f = frame(opts, [...pts.map((p) => p[0]), ...bandPts.map((p) => p[0])], [...pts.map((p) => p[1]), ...bandPts.flatMap((p) => [p[1], p[2]])], showLegend ? series.length : 0);
  const body: string[] = [];
  // bands first, so that every line is drawn over every band
  series.forEach((s, i) => {
    const band = (s.band ?? []).filter(([a, lo, hi]) => Number.isFinite(a) && Number.isFinite(lo) && Number.isFinite(hi) && (!opts.logX || a > 0));
    if (band.length < 2) return;
    const { color } = seriesStyle(s, i);
    const upper = band.map(([a, , hi], j) => `${j === 0 ? 'M' : 'L'}${fmt(f.x(a))},${fmt(f.y(hi))}`).join('');
    const lower = [...band].reverse().map(([a, lo]) => `L${fmt(f.x(a))},${fmt(f.y(lo))}`).join('');
    body.push(`<path d="${upper}${lower}Z" fill="${color}" fill-opacity="0.13" stroke="none" class="band" data-series="${escapeXml(s.name)}"/>`);
  });
  series.forEach((s, i) => {
    const { color, dash: pattern } = seriesStyle(s, i);
    const good = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (!opts.logX || a > 0));
    if (good.length === 0) return;
    const path = (pts: [number, number][]) => pts.map(([a, b], j) => `${j === 0 ? 'M' : 'L'}${fmt(f.x(a))},${fmt(f.y(b))}`).join('');
    const dash = pattern ? ` stroke-dasharray="${pattern}"` : '';
    if (opts.smooth && good.length > 2 * opts.smooth) {
      const ma = movingAverage(good.map((p) => p[1]), opts.smooth);
      body.push(`<path d="${path(good)}" fill="none" stroke="${color}" stroke-width="1" stroke-opacity="0.3"${dash}/>`);
      body.push(`<path d="${path(good.map((p, j) => [p[0], ma[j]]))}" fill="none" stroke="${color}" stroke-width="2"${dash} class="series" data-series="${escapeXml(s.name)}"/>`);
      return;
    }
    body.push(`<path d="${path(good)}" fill="none" stroke="${color}" stroke-width="1.8"${dash} class="series" data-series="${escapeXml(s.name)}"/>`);
    if (good.length <= 40) for (const [a, b] of good) body.push(`<circle cx="${fmt(f.x(a))}" cy="${fmt(f.y(b))}" r="2.6" fill="${color}"/>`);
  });
  if (showLegend) body.push(legend(series, f, 'line'));
  return wrap(opts, f, body.join(''), 'line', pts.length === 0);
}

export function scatterChart(opts: ChartOptions, series: Series[]): string {
  const pts = series.flatMap((s) => s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)));
  const f = frame(opts, pts.map((p) => p[0]), pts.map((p) => p[1]), series.length);
  const body: string[] = [];
  series.forEach((s, i) => {
    const { color } = seriesStyle(s, i);
    const dots = s.points
      .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
      .map(([a, b]) => `<circle cx="${fmt(f.x(a))}" cy="${fmt(f.y(b))}" r="2.4"/>`)
      .join('');
    body.push(`<g fill="${color}" fill-opacity="0.55" class="series" data-series="${escapeXml(s.name)}">${dots}</g>`);
  });
  if (series.length > 0) body.push(legend(series, f, 'dot'));
  return wrap(opts, f, body.join(''), 'scatter', pts.length === 0);
}

export interface IntervalRow {
  name: string;
  mean: number;
  /** NaN: no interval (drawn as the point alone) */
  low: number;
  high: number;
  color?: string;
}

/**
 * One row per estimate: a dot at the mean and a whisker over its interval, the x axis in
 * percent (fractions) or percentage points; a vertical line at 0 when `zero` (differences).
 */
export function intervalChart(opts: { id: string; title: string; xLabel: string; subtitle?: string; zero?: boolean; points?: boolean; width?: number }, rows: IntervalRow[]): string {
  const width = opts.width ?? 620;
  const labelW = 190;
  const rowH = 26;
  const top = opts.subtitle ? 46 : 32;
  const height = top + rows.length * rowH + 46;
  const values = rows.flatMap((r) => [r.mean, r.low, r.high]).filter(Number.isFinite);
  if (opts.zero) values.push(0);
  const x = linearScale(values, [labelW, width - 20]);
  const tick = (v: number) => (opts.points ? `${v > 0 ? '+' : ''}${Number((100 * v).toPrecision(4))}` : formatPercentTick(v));
  const parts: string[] = [`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`];
  parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" class="title">${escapeXml(opts.title)}</text>`);
  if (opts.subtitle) parts.push(`<text x="${width / 2}" y="34" text-anchor="middle" class="subtitle">${escapeXml(opts.subtitle)}</text>`);
  const bottom = top + rows.length * rowH;
  for (const t of x.ticks) {
    parts.push(`<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${top}" y2="${bottom}" class="grid"/>`);
    parts.push(`<text x="${fmt(x(t))}" y="${bottom + 14}" text-anchor="middle" class="tick">${tick(t)}</text>`);
  }
  if (opts.zero) parts.push(`<line x1="${fmt(x(0))}" x2="${fmt(x(0))}" y1="${top - 4}" y2="${bottom}" stroke="#555" stroke-width="1.2" class="zero"/>`);
  parts.push(`<text x="${(labelW + width - 20) / 2}" y="${bottom + 34}" text-anchor="middle" class="label">${escapeXml(opts.xLabel)}</text>`);
  rows.forEach((r, i) => {
    const color = r.color ?? PALETTE[i % PALETTE.length];
    const y = top + i * rowH + rowH / 2;
    const name = r.name.length > 30 ? r.name.slice(0, 29) + '…' : r.name;
    parts.push(`<text x="${labelW - 10}" y="${y}" dy="0.32em" text-anchor="end" class="label">${escapeXml(name)}</text>`);
    const g: string[] = [];
    if (Number.isFinite(r.low) && Number.isFinite(r.high)) {
      g.push(`<line x1="${fmt(x(r.low))}" x2="${fmt(x(r.high))}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2.2"/>`);
      for (const v of [r.low, r.high]) g.push(`<line x1="${fmt(x(v))}" x2="${fmt(x(v))}" y1="${y - 6}" y2="${y + 6}" stroke="${color}" stroke-width="2"/>`);
    }
    if (Number.isFinite(r.mean)) g.push(`<circle cx="${fmt(x(r.mean))}" cy="${y}" r="4.5" fill="${color}"/>`);
    parts.push(`<g class="series" data-series="${escapeXml(r.name)}">${g.join('')}</g>`);
  });
  const empty = rows.length === 0 ? `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="empty">no data</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(opts.id)}" data-plot="${escapeXml(opts.id)}" data-kind="interval" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(opts.title)}">${parts.join('')}${empty}</svg>`;
}
