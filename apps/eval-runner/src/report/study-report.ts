// The report of a study (`verl compare`): the generated sentences first, the held-out table and
// interval plots, then training curves with one line per arm (the mean over seeds, a shaded band
// from the lowest to the highest seed) in the arm's own colour and stroke pattern, and a table of
// every run's settings. Percentages for fractions throughout.
import { figure, htmlPage } from './html.js';
import { stepSeries, STEP_METRICS } from './series.js';
import { DASHES, escapeXml, intervalChart, lineChart, PALETTE, type Series } from './svg.js';
import type { RunData } from './load-run.js';
import { signedPoints } from '../study/stats.js';
import type { StudySummary } from '../study/summary.js';

export interface StudyArmRuns {
  name: string;
  label: string;
  runs: RunData[];
}

export interface RunSettings {
  run: string;
  arm: string;
  seed: number;
  /** the run's config.json */
  config: Record<string, unknown>;
}

interface Curve {
  id: string;
  title: string;
  metric: readonly string[];
  yLabel: string;
  percent?: boolean;
  caption: string;
}

/** Per-step curves; the keys are the trainer's StepMetrics fields (flattened by load-run.ts). */
export const STUDY_CURVES: Curve[] = [
  { id: 'plot-study-reward', title: 'Reward', metric: STEP_METRICS.reward, yLabel: 'mean reward', caption: 'Mean reward of the sampled responses (overlong penalty included where the arm has it).' },
  { id: 'plot-study-accuracy', title: 'Training accuracy', metric: STEP_METRICS.accuracy, yLabel: 'correct', percent: true, caption: 'Share of sampled responses graded correct.' },
  { id: 'plot-study-length', title: 'Response length', metric: ['responseLengthMean'], yLabel: 'tokens', caption: 'Mean response length in tokens (EOS included).' },
  { id: 'plot-study-truncation', title: 'Truncation rate', metric: ['truncationRate'], yLabel: 'truncated', percent: true, caption: 'Share of responses that hit the token limit without EOS.' },
  { id: 'plot-study-overlong', title: 'Overlong-penalised share', metric: ['overlongPenalisedRate'], yLabel: 'penalised', percent: true, caption: 'Share of responses inside the DAPO overlong buffer (arms with reward.overlong only).' },
  { id: 'plot-study-bonus', title: 'VERL bonus (mean)', metric: ['shaper/bonus_mean'], yLabel: 'bonus', caption: 'Mean advantage bonus min(relu(aux), |A0|/κ) per response (VERL arms only).' },
  { id: 'plot-study-clip', title: 'VERL bonus clip rate', metric: ['shaper/clip_rate'], yLabel: 'clipped', percent: true, caption: 'Share of responses whose bonus was cut at |A0|/κ.' },
  { id: 'plot-study-tau', title: 'VERL τ (mean)', metric: ['shaper/tau_mean'], yLabel: 'τ', caption: 'ERA meta-control τ = sigmoid(g·pd): the weight of ER (exploration) against ERV.' },
  { id: 'plot-study-kl', title: 'KL to the reference', metric: ['kl'], yLabel: 'KL', caption: 'KL loss term to the reference policy (mean over updates).' },
  { id: 'plot-study-entropy', title: 'Token entropy', metric: STEP_METRICS.entropy, yLabel: 'nats', caption: 'Mean next-token entropy over response tokens.' },
  { id: 'plot-study-gradnorm', title: 'Gradient norm', metric: ['gradNorm'], yLabel: '‖g‖', caption: 'Global gradient norm before clipping.' },
  { id: 'plot-study-er', title: 'Effective rank (ER)', metric: STEP_METRICS.er, yLabel: 'ER', caption: 'Mean ER of the response hidden states.' },
];

/** Mean over runs at each step, with the [step, lowest, highest] band over runs. */
export function meanOverSeeds(runs: RunData[], metric: readonly string[]): { mean: [number, number][]; band: [number, number, number][] } {
  const byStep = new Map<number, number[]>();
  for (const r of runs) for (const [step, v] of stepSeries(r, metric)) byStep.set(step, [...(byStep.get(step) ?? []), v]);
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const mean: [number, number][] = steps.map((s) => { const v = byStep.get(s)!; return [s, v.reduce((a, b) => a + b, 0) / v.length]; });
  const band: [number, number, number][] = runs.length > 1 ? steps.map((s) => { const v = byStep.get(s)!; return [s, Math.min(...v), Math.max(...v)]; }) : [];
  return { mean, band };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–');
const styleOf = (i: number) => ({ color: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length] });

function swatch(i: number): string {
  const { color, dash } = styleOf(i);
  return `<svg width="28" height="10" class="swatch-line" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" stroke="${color}" stroke-width="2.4"${dash ? ` stroke-dasharray="${dash}"` : ''}/></svg> `;
}

function flatten(obj: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = typeof obj === 'string' ? obj : JSON.stringify(obj);
  return out;
}

/** Always shown; every other field is shown when it differs between runs. */
const KEY_FIELDS = ['trainer.steps', 'trainer.promptsPerStep', 'rollout.n', 'rollout.maxNewTokens', 'rollout.temperature', 'actor.lr', 'actor.klCoef', 'actor.entropyCoef', 'metrics.stride', 'algorithm.estimator', 'algorithm.verl.enabled'];
const NOT_SETTINGS = new Set(['name', 'outputDir', 'seed', 'data.seed', 'model.path']);

export function settingsTable(rows: RunSettings[]): string {
  const flat = rows.map((r) => flatten(r.config));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].filter((k) => !NOT_SETTINGS.has(k));
  const differing = keys.filter((k) => new Set(flat.map((f) => f[k] ?? '–')).size > 1).sort();
  const cols = [...KEY_FIELDS.filter((k) => keys.includes(k)), ...differing.filter((k) => !KEY_FIELDS.includes(k))];
  const model = [...new Set(flat.map((f) => f['model.path'] ?? '–'))];
  const head = `<tr><th>run</th><th>seed</th>${cols.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr>`;
  const body = rows.map((r, i) => `<tr><td>${escapeXml(r.run)}</td><td>${r.seed}</td>${cols.map((c) => `<td>${escapeXml(flat[i][c] ?? '–')}</td>`).join('')}</tr>`).join('');
  return `<p>Model: ${model.map((m) => `<code>${escapeXml(m)}</code>`).join(', ')}. Columns: the main fields, then every field that differs between runs (the data order seed is the run seed + 1).</p><table id="settings-table">${head}${body}</table>`;
}

export function buildStudyReport(summary: StudySummary, arms: StudyArmRuns[], settings: RunSettings[], opts: { generatedAt?: string } = {}): string {
  const parts: string[] = [];
  const index = new Map(arms.map((a, i) => [a.name, i]));
  const n = summary.eval.n;
  const seedsDone = summary.arms.map((a) => a.seeds.length);

  parts.push('<h2>What the numbers say</h2>');
  parts.push(`<ul id="study-sentences">${summary.sentences.map((s) => `<li>${escapeXml(s)}</li>`).join('') || '<li>one arm only: nothing to compare</li>'}</ul>`);
  if (!summary.complete) parts.push(`<p><b>Incomplete study:</b> seeds finished per arm: ${summary.arms.map((a) => `${escapeXml(a.label)} ${a.seeds.length}/${summary.seeds.length}`).join(', ')}.</p>`);
  parts.push(`<p>Held-out: ${summary.eval.problems} ${escapeXml(summary.eval.benchmark)} problems, ${n} samples each (T=${summary.eval.temperature}, top-p ${summary.eval.topP}). ` +
    `Intervals are 95%: over seeds with Student t (n−1 degrees of freedom; ${[...new Set(seedsDone)].join('/')} seeds), over problems by a percentile bootstrap (${summary.arms[0]?.bootstrap.resamples ?? 0} resamples). ` +
    'Δ is arm − first arm, seed by seed (the arms of a seed share the data order and sampling seeds).</p>');

  // held-out table
  const head = `<tr><th>arm</th><th>seeds</th><th>avg@${n}</th><th>95% CI (seeds)</th><th>95% CI (problems)</th>${summary.ks.map((k) => `<th>pass@${k}</th>`).join('')}<th>Δ (points)</th><th>95% CI of Δ</th><th>truncated</th><th>length</th></tr>`;
  const body = summary.arms.map((a) => {
    const i = index.get(a.name) ?? 0;
    const ci = (l: number, h: number) => (Number.isFinite(l) ? `[${pct(l)}, ${pct(h)}]` : '–');
    const d = a.difference;
    return `<tr><td class="arm">${swatch(i)}${escapeXml(a.label)}</td><td>${a.seeds.length}</td><td>${pct(a.avgN.mean)}</td><td>${ci(a.avgN.low, a.avgN.high)}</td><td>${ci(a.bootstrap.low, a.bootstrap.high)}</td>` +
      `${summary.ks.map((k) => `<td>${pct(a.passAtK[String(k)]?.mean ?? Number.NaN)}</td>`).join('')}` +
      `<td>${d ? signedPoints(d.paired.mean) : '–'}</td><td>${d && Number.isFinite(d.paired.low) ? `[${signedPoints(d.paired.low)}, ${signedPoints(d.paired.high)}]` : '–'}</td>` +
      `<td>${pct(a.truncatedRate)}</td><td>${a.meanResponseTokens.toFixed(1)}</td></tr>`;
  }).join('');
  parts.push(`<h2>Held-out results</h2><table id="study-table">${head}${body}</table><div class="grid2">`);
  parts.push(figure(intervalChart({ id: 'plot-study-heldout', title: `Held-out avg@${n} per arm`, subtitle: 'mean over seeds, 95% t interval', xLabel: `avg@${n}` },
    summary.arms.map((a) => ({ name: a.label, mean: a.avgN.mean, low: a.avgN.low, high: a.avgN.high, color: styleOf(index.get(a.name) ?? 0).color }))), 'One dot per arm at the mean over seeds; the whisker is the 95% Student t interval (none with one seed).'));
  const diffs = summary.arms.filter((a) => a.difference);
  if (diffs.length > 0) {
    parts.push(figure(intervalChart({ id: 'plot-study-difference', title: `Paired difference to ${diffs[0].difference!.base}`, subtitle: 'arm − first arm per seed, 95% t interval', xLabel: 'percentage points', zero: true, points: true },
      diffs.map((a) => ({ name: a.label, mean: a.difference!.paired.mean, low: a.difference!.paired.low, high: a.difference!.paired.high, color: styleOf(index.get(a.name) ?? 0).color }))), 'An interval that crosses the vertical line at 0 does not tell the arms apart.'));
  }
  const passSeries: Series[] = summary.arms.map((a) => {
    const i = index.get(a.name) ?? 0;
    const pts = summary.ks.map((k) => [k, a.passAtK[String(k)]] as const);
    return { name: a.label, ...styleOf(i), points: pts.map(([k, c]) => [k, c.mean] as [number, number]), band: pts.filter(([, c]) => Number.isFinite(c.low)).map(([k, c]) => [k, clamp01(c.low), clamp01(c.high)] as [number, number, number]) };
  });
  parts.push(figure(lineChart({ id: 'plot-study-passk', title: 'pass@k per arm', xLabel: 'k (log scale)', yLabel: 'pass@k', logX: true, percent: true, yInclude: [0, 1], width: 620 }, passSeries), 'Unbiased pass@k averaged over seeds; the band is its 95% t interval over seeds, cut at 0% and 100%.'));
  parts.push('</div>');

  // training curves
  parts.push('<h2>Training curves</h2><p>One line per arm: the mean over its seeds at each step (thick: 5-step trailing mean when the run is long); the shaded band runs from the lowest to the highest seed.</p><div class="grid2">');
  for (const c of STUDY_CURVES) {
    const series: Series[] = arms.map((a, i) => {
      const { mean, band } = meanOverSeeds(a.runs, c.metric);
      return { name: a.label, ...styleOf(i), points: mean, band };
    });
    if (series.every((s) => s.points.length === 0)) continue;
    parts.push(figure(lineChart({ id: c.id, title: c.title, xLabel: 'step', yLabel: c.yLabel, percent: c.percent, smooth: 5, yInclude: c.percent ? [0] : undefined }, series), c.caption));
  }
  parts.push('</div>');

  // runs and settings
  const runRows = summary.runs.map((r) => {
    const i = index.get(r.arm) ?? 0;
    return `<tr><td class="arm">${swatch(i)}${escapeXml(arms[i]?.label ?? r.arm)}</td><td>${r.seed}</td><td>${pct(r.avgN)}</td><td>${pct(r.truncatedRate)}</td><td>${r.meanResponseTokens.toFixed(1)}</td><td>${Math.round(r.trainSeconds)} s</td></tr>`;
  }).join('');
  parts.push(`<h2>Runs</h2><table id="runs-table"><tr><th>arm</th><th>seed</th><th>avg@${n}</th><th>truncated</th><th>length</th><th>train time</th></tr>${runRows}</table>`);
  parts.push(`<h2>Settings of each run</h2>${settingsTable(settings)}`);

  const title = `verl compare: ${summary.name} (${summary.arms.map((a) => a.label).join(' vs ')})`;
  parts.unshift('<style>td.arm{white-space:nowrap}.swatch-line{vertical-align:middle}</style>');
  return htmlPage(title, `generated ${opts.generatedAt ?? new Date().toISOString()} by verl compare · ${summary.runs.length} run(s)`, parts);
}
