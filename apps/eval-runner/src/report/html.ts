// The self-contained report page: inline CSS, inline SVG, one small inline script that records
// runtime errors into #report-errors and checks that every plot rendered (read by the test).
import { DASHES, escapeXml, lineChart, scatterChart, PALETTE, type Series } from './svg.js';
import { pearson } from './stats.js';
import { pairedPoints, stepSeries, STEP_METRICS } from './series.js';
import type { RunData } from './load-run.js';

export interface ReportOptions {
  title?: string;
  generatedAt?: string;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1120px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;font-size:12px}.grid2{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;border:1px solid #e4e4e4;border-radius:6px;padding:4px;background:#fff}
figcaption{font-size:12px;color:#555;padding:2px 6px 4px;max-width:520px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}
svg .title{font-size:13px;font-weight:600}svg .subtitle{font-size:11px;fill:#444}svg .tick{font-size:10px;fill:#555}
svg .label{font-size:11px;fill:#333}svg .legend{font-size:10px;fill:#333}svg .grid{stroke:#eee}svg .axis{stroke:#888}
svg .empty{font-size:12px;fill:#999}#report-errors{color:#b00;white-space:pre-wrap}#report-errors:empty{display:none}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:middle}
`;

// Runs before anything else: collects errors and verifies the plots after layout.
const SCRIPT = `
(function(){
  var errs=[];
  function show(){var e=document.getElementById('report-errors');if(e)e.textContent=errs.join('\\n');}
  window.addEventListener('error',function(ev){errs.push('error: '+(ev.message||ev.type));show();});
  window.addEventListener('unhandledrejection',function(ev){errs.push('unhandled rejection: '+String(ev.reason));show();});
  window.addEventListener('DOMContentLoaded',function(){
    var plots=document.querySelectorAll('svg[data-plot]'),ok=0,ids=[];
    for(var i=0;i<plots.length;i++){var b=plots[i].getBBox();var r=plots[i].getBoundingClientRect();
      if(b.width>0&&b.height>0&&r.width>0)ok++;else errs.push('plot not rendered: '+plots[i].id);ids.push(plots[i].id);
      // a legend must never cover data: its box may not meet any line, band or dot group
      var lg=plots[i].querySelector('.legend-box');
      if(lg){var lb=lg.getBoundingClientRect(),ss=plots[i].querySelectorAll('.series,.band');
        for(var j=0;j<ss.length;j++){var sb=ss[j].getBoundingClientRect();
          if(sb.width+sb.height>0&&lb.top<sb.bottom&&sb.top<lb.bottom&&lb.left<sb.right&&sb.left<lb.right){errs.push('legend covers data: '+plots[i].id);break;}}}}
    document.getElementById('report-status').textContent=JSON.stringify({plots:plots.length,rendered:ok,ids:ids});
    show();
  });
})();
`;

const f3 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));

function lastMean(points: [number, number][], w = 5): number | undefined {
  if (points.length === 0) return undefined;
  const tail = points.slice(-w);
  return tail.reduce((a, p) => a + p[1], 0) / tail.length;
}

export function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${escapeXml(caption)}</figcaption></figure>`;
}

function perRun(runs: RunData[], metric: readonly string[]): Series[] {
  // colour and stroke pattern follow the run, not its position among the runs that have the metric
  return runs.map((r, i) => ({ name: r.name, color: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length], points: stepSeries(r, metric) })).filter((s) => s.points.length > 0);
}

export interface Correlations {
  run: string;
  token: number;
  hidden: number;
  tokenPoints: number;
  hiddenPoints: number;
  level: string;
}

export function correlations(runs: RunData[]): Correlations[] {
  return runs
    .filter((r) => r.steps.length > 0 || r.samples.length > 0 || r.probes.length > 0)
    .map((r) => {
      const t = pairedPoints(r, 'token');
      const h = pairedPoints(r, 'hidden');
      return {
        run: r.name,
        token: pearson(t.points.map((p) => p[0]), t.points.map((p) => p[1])),
        hidden: pearson(h.points.map((p) => p[0]), h.points.map((p) => p[1])),
        tokenPoints: t.points.length,
        hiddenPoints: h.points.length,
        level: h.level === 'response' || t.level === 'response' ? 'per response' : 'per step',
      };
    });
}

export function buildReport(runs: RunData[], opts: ReportOptions = {}): string {
  const title = opts.title ?? `verl report: ${runs.map((r) => r.name).join(' vs ')}`;
  const trainRuns = runs.filter((r) => r.steps.length > 0 || r.samples.length > 0);
  const parts: string[] = [];

  // 1. Overview table
  const rows = runs.map((r, i) => {
    const reward = lastMean(stepSeries(r, STEP_METRICS.reward));
    const acc = lastMean(stepSeries(r, STEP_METRICS.accuracy));
    const evalCells = r.evals
      .flatMap((e) => e.summary.benchmarks.map((b) => `${escapeXml(e.label || 'eval')}/${escapeXml(b.benchmark)}: ${f3(b.avgN)}`))
      .join('<br>');
    return `<tr><td><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${escapeXml(r.name)}</td><td>${r.steps.length}</td><td>${f3(reward)}</td><td>${f3(acc)}</td><td>${evalCells || '–'}</td></tr>`;
  });
  parts.push(`<h2>Runs</h2><table id="runs-table"><tr><th>run</th><th>steps</th><th>reward (last 5)</th><th>accuracy (last 5)</th><th>eval avg@n</th></tr>${rows.join('')}</table>`);

  // 2. Reward and accuracy
  if (trainRuns.length > 0) {
    parts.push('<h2>Training</h2><div class="grid2">');
    parts.push(figure(lineChart({ id: 'plot-reward', smooth: 5, title: 'Reward over steps', xLabel: 'step', yLabel: 'mean reward' }, perRun(trainRuns, STEP_METRICS.reward)), 'Mean reward of the sampled responses at each step (faint), with its 5-step trailing mean.'));
    parts.push(figure(lineChart({ id: 'plot-accuracy', smooth: 5, title: 'Accuracy over steps', xLabel: 'step', yLabel: 'correct', yInclude: [0, 1], percent: true }, perRun(trainRuns, STEP_METRICS.accuracy)), 'Fraction of sampled responses graded correct at each step.'));
    parts.push('</div>');

    // 3. Rank dynamics
    parts.push('<h2>Hidden-state dynamics</h2><div class="grid2">');
    parts.push(figure(lineChart({ id: 'plot-er', smooth: 5, title: 'Effective rank (ER)', xLabel: 'step', yLabel: 'ER' }, perRun(trainRuns, STEP_METRICS.er)), 'Exploration: effective rank of the response hidden states (mean over the batch).'));
    parts.push(figure(lineChart({ id: 'plot-erv', smooth: 5, title: 'ER velocity (ERV)', xLabel: 'step', yLabel: 'ERV' }, perRun(trainRuns, STEP_METRICS.erv)), 'Exploitation: mean growth of ER over prefix windows (window stride from the run config; paper 40).'));
    parts.push(figure(lineChart({ id: 'plot-era', smooth: 5, title: 'ER acceleration (ERA)', xLabel: 'step', yLabel: 'ERA' }, perRun(trainRuns, STEP_METRICS.era)), 'Second difference; VERL uses it as the meta-controller between ER and ERV.'));
    parts.push('</div>');

  }

  // 4. Exploration vs exploitation (training runs, and eval folders with probe.jsonl)
  const scatterRuns = runs.filter((r) => r.steps.length > 0 || r.samples.length > 0 || r.probes.length > 0);
  if (scatterRuns.length > 0) {
    const corr = correlations(scatterRuns);
    parts.push('<h2>Exploration vs exploitation</h2>');
    parts.push('<p>The paper\'s comparison: at token level, entropy (exploration) and confidence (exploitation) move against each other; at hidden-state level, ER and ERV can be raised together. Pearson r per run:</p>');
    parts.push(`<table id="correlation-table"><tr><th>run</th><th>r(entropy, confidence)</th><th>r(ER, ERV)</th><th>points</th></tr>${corr
      .map((c) => `<tr><td>${escapeXml(c.run)}</td><td>${f3(c.token)}</td><td>${f3(c.hidden)}</td><td>${c.tokenPoints} / ${c.hiddenPoints} (${c.level})</td></tr>`)
      .join('')}</table><div class="grid2">`);
    const tokenSeries: Series[] = scatterRuns.map((r, i) => ({ name: `${r.name} (r=${f3(corr[i].token)})`, color: PALETTE[i % PALETTE.length], points: pairedPoints(r, 'token').points }));
    const hiddenSeries: Series[] = scatterRuns.map((r, i) => ({ name: `${r.name} (r=${f3(corr[i].hidden)})`, color: PALETTE[i % PALETTE.length], points: pairedPoints(r, 'hidden').points }));
    const allT = tokenSeries.flatMap((s) => s.points);
    const allH = hiddenSeries.flatMap((s) => s.points);
    const rT = pearson(allT.map((p) => p[0]), allT.map((p) => p[1]));
    const rH = pearson(allH.map((p) => p[0]), allH.map((p) => p[1]));
    parts.push(figure(scatterChart({ id: 'plot-token-tradeoff', title: 'Token level: entropy vs confidence', subtitle: `Pearson r = ${f3(rT)} (all runs)`, xLabel: 'token entropy', yLabel: 'confidence' }, tokenSeries), 'Confidence is the mean probability of the sampled tokens.'));
    parts.push(figure(scatterChart({ id: 'plot-hidden-tradeoff', title: 'Hidden-state level: ER vs ERV', subtitle: `Pearson r = ${f3(rH)} (all runs)`, xLabel: 'ER (exploration)', yLabel: 'ERV (exploitation)' }, hiddenSeries), 'One point per response where available, else per step.'));
    parts.push('</div>');
  }

  // 5. pass@k
  const passSeries: Series[] = [];
  const evalRows: string[] = [];
  runs.forEach((r) => {
    for (const e of r.evals) {
      for (const b of e.summary.benchmarks) {
        const label = `${r.name}${e.label ? `/${e.label}` : ''}: ${b.benchmark}`;
        const pts = Object.entries(b.passAtK).map(([k, v]) => [Number(k), v] as [number, number]).sort((a, c) => a[0] - c[0]);
        passSeries.push({ name: label, points: pts });
        const maj = Object.entries(b.majAtK).map(([k, v]) => `maj@${k} ${f3(v)}`).join(', ');
        evalRows.push(`<tr><td>${escapeXml(label)}</td><td>${b.problems}</td><td>${b.samples}</td><td>${f3(b.pass1)}</td><td>${f3(b.avgN)}</td><td>${pts.map(([k, v]) => `pass@${k} ${f3(v)}`).join(', ')}</td><td>${maj}</td></tr>`);
      }
    }
  });
  if (passSeries.length > 0) {
    parts.push('<h2>Evaluation</h2>');
    parts.push(`<table id="eval-table"><tr><th>model: benchmark</th><th>problems</th><th>n</th><th>pass@1</th><th>avg@n</th><th>pass@k</th><th>maj@k</th></tr>${evalRows.join('')}</table>`);
    parts.push('<div class="grid2">');
    parts.push(figure(lineChart({ id: 'plot-passk', title: 'pass@k', xLabel: 'k (log scale)', yLabel: 'pass@k', logX: true, yInclude: [0, 1], width: 620, percent: true }, passSeries), 'Unbiased pass@k (Chen et al. 2021) from n samples per problem.'));
    parts.push('</div>');
  }

  return htmlPage(title, `generated ${opts.generatedAt ?? new Date().toISOString()} by verl report · ${runs.length} run(s)`, parts);
}

/** The page around a report's parts: inline CSS, the error/plot-check script, title and meta line. */
export function htmlPage(title: string, meta: string, parts: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeXml(title)}</title><style>${CSS}</style><script>${SCRIPT}</script></head>
<body><h1>${escapeXml(title)}</h1><div class="meta">${escapeXml(meta)}</div>
<div id="report-errors"></div><pre id="report-status" hidden></pre>
${parts.join('\n')}
</body></html>
`;
}
