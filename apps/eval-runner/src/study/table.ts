// The study table, as markdown (study.md, the README) and as aligned text (the terminal):
// per arm the mean held-out avg@n over seeds with its t interval, the bootstrap interval over
// problems, pass@k, and the paired difference to the first arm. Percentages throughout;
// differences in percentage points.
import { formatDuration } from '../cli/progress.js';
import { signedPoints, type Interval } from './stats.js';
import type { StudySummary } from './summary.js';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–');
const interval = (i: Interval) => (Number.isFinite(i.low) ? `[${(100 * i.low).toFixed(1)}, ${(100 * i.high).toFixed(1)}]%` : '–');
const pointsInterval = (i: Interval) => (Number.isFinite(i.low) ? `[${signedPoints(i.low)}, ${signedPoints(i.high)}]` : '–');

function rows(s: StudySummary): { header: string[]; body: string[][] } {
  const n = s.eval.n;
  const header = ['arm', 'seeds', `avg@${n} (mean)`, '95% CI (seeds, t)', '95% CI (problems, bootstrap)', ...s.ks.map((k) => `pass@${k}`), `Δ vs ${s.arms[0]?.label ?? 'first arm'} (points)`, '95% CI of Δ (paired, t)', '95% CI of Δ (problems)', 'truncated', 'train time'];
  const body = s.arms.map((a) => [
    a.label,
    String(a.seeds.length),
    pct(a.avgN.mean),
    interval(a.avgN),
    interval(a.bootstrap),
    ...s.ks.map((k) => pct(a.passAtK[String(k)]?.mean ?? Number.NaN)),
    a.difference ? signedPoints(a.difference.paired.mean) : '–',
    a.difference ? pointsInterval(a.difference.paired) : '–',
    a.difference ? pointsInterval(a.difference.bootstrap) : '–',
    pct(a.truncatedRate),
    formatDuration(a.trainSeconds),
  ]);
  return { header, body };
}

export function formatStudyMarkdown(s: StudySummary): string {
  const { header, body } = rows(s);
  const line = (c: string[]) => `| ${c.join(' | ')} |`;
  const out = [
    line(header),
    line(header.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...body.map(line),
    '',
    ...s.sentences.map((x) => `- ${x}`),
  ];
  if (!s.complete) out.push('', `Incomplete: not every arm has finished all ${s.seeds.length} seeds; rerun \`verl compare\` to continue.`);
  out.push('', `Held-out: ${s.eval.problems} ${s.eval.benchmark} problems, ${s.eval.n} samples each (T=${s.eval.temperature}, top-p ${s.eval.topP}); avg@${s.eval.n} is the unbiased pass@1. ` +
    `Intervals over seeds: Student t with n−1 degrees of freedom; over problems: percentile bootstrap, ${s.arms[0]?.bootstrap.resamples ?? 0} resamples; ` +
    'Δ: arm − first arm, seed by seed. Train time: mean per run.');
  return out.join('\n') + '\n';
}

export function formatStudyTable(s: StudySummary): string {
  const { header, body } = rows(s);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), '', ...s.sentences].join('\n') + '\n';
}
