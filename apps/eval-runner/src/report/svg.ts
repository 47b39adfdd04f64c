// Hand-written SVG charts (no plotting library, no CDN): line charts for per-step curves and
// pass@k, scatter plots for the exploration/exploitation comparison.
import { formatTick, linearScale, log2Scale, type Scale } from './scale.js';
import { movingAverage } from './stats.js';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export interface Series {
  name: string;
  points: [number, number][];
  color?: string;
  dashed?: boolean;
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

function frame(opts: ChartOptions, xs: number[], ys: number[]): Frame {
  const width = opts.width ?? 520;
  const height = opts.height ?? 300;
  const m = { l: 58, r: 14, t: opts.subtitle ? 44 : 30, b: 42 };
  const x = opts.logX ? log2Scale(xs, [m.l, width - m.r]) : linearScale(xs, [m.l, width - m.r]);
  const y = linearScale(ys, [height - m.b, m.t], { include: opts.yInclude });
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" class="title">${escapeXml(opts.title)}</text>`);
  if (opts.subtitle) parts.push(`<text x="${width / 2}" y="34" text-anchor="middle" class="subtitle">${escapeXml(opts.subtitle)}</text>`);
  for (const t of y.ticks) {
    const py = fmt(y(t));
    parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${py}" y2="${py}" class="grid"/>`);
    parts.push(`<text x="${m.l - 6}" y="${py}" dy="0.32em" text-anchor="end" class="tick">${formatTick(t)}</text>`);
  }
  for (const t of x.ticks) {
    const px = fmt(x(t));
    parts.push(`<line x1="${px}" x2="${px}" y1="${height - m.b}" y2="${height - m.b + 4}" class="axis"/>`);
    parts.push(`<text x="${px}" y="${height - m.b + 16}" text-anchor="middle" class="tick">${formatTick(t)}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" class="axis"/>`);
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}" class="axis"/>`);
  parts.push(`<text x="${(m.l + width - m.r) / 2}" y="${height - 6}" text-anchor="middle" class="label">${escapeXml(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle" class="label">${escapeXml(opts.yLabel)}</text>`);
  return { x, y, parts, width, height };
}

function legend(series: Series[], f: Frame): string {
  const items = series.map((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const y = 48 + i * 15;
    return `<g class="legend-item"><rect x="${f.width - 150}" y="${y - 8}" width="10" height="10" fill="${color}"/><text x="${f.width - 136}" y="${y}" class="legend">${escapeXml(s.name.length > 22 ? s.name.slice(0, 21) + '…' : s.name)}</text></g>`;
  });
  return items.join('');
}

function wrap(opts: ChartOptions, f: Frame, body: string, kind: string, empty: boolean): string {
  const note = empty ? `<text x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle" class="empty">no data in these runs</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(opts.id)}" data-plot="${escapeXml(opts.id)}" data-kind="${kind}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(opts.title)}">${f.parts.join('')}${body}${note}</svg>`;
}

export function lineChart(opts: ChartOptions, series: Series[]): string {
  const pts = series.flatMap((s) => s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)));
  const f = frame(opts, pts.map((p) => p[0]), pts.map((p) => p[1]));
  const body: string[] = [];
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const good = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (!opts.logX || a > 0));
    if (good.length === 0) return;
    const path = (pts: [number, number][]) => pts.map(([a, b], j) => `${j === 0 ? 'M' : 'L'}${fmt(f.x(a))},${fmt(f.y(b))}`).join('');
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    if (opts.smooth && good.length > 2 * opts.smooth) {
      const ma = movingAverage(good.map((p) => p[1]), opts.smooth);
      body.push(`<path d="${path(good)}" fill="none" stroke="${color}" stroke-width="1" stroke-opacity="0.3"${dash}/>`);
      body.push(`<path d="${path(good.map((p, j) => [p[0], ma[j]]))}" fill="none" stroke="${color}" stroke-width="2"${dash} class="series" data-series="${escapeXml(s.name)}"/>`);
      return;
    }
    body.push(`<path d="${path(good)}" fill="none" stroke="${color}" stroke-width="1.8"${dash} class="series" data-series="${escapeXml(s.name)}"/>`);
    if (good.length <= 40) for (const [a, b] of good) body.push(`<circle cx="${fmt(f.x(a))}" cy="${fmt(f.y(b))}" r="2.6" fill="${color}"/>`);
  });
  if (series.length > 1 || (series.length === 1 && series[0].name)) body.push(legend(series, f));
  return wrap(opts, f, body.join(''), 'line', pts.length === 0);
}

export function scatterChart(opts: ChartOptions, series: Series[]): string {
  const pts = series.flatMap((s) => s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)));
  const f = frame(opts, pts.map((p) => p[0]), pts.map((p) => p[1]));
  const body: string[] = [];
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const dots = s.points
      .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
      .map(([a, b]) => `<circle cx="${fmt(f.x(a))}" cy="${fmt(f.y(b))}" r="2.4"/>`)
      .join('');
    body.push(`<g fill="${color}" fill-opacity="0.55" class="series" data-series="${escapeXml(s.name)}">${dots}</g>`);
  });
  if (series.length > 0) body.push(legend(series, f));
  return wrap(opts, f, body.join(''), 'scatter', pts.length === 0);
}
