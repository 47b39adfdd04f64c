// Summary tables of eval scores: a fixed-width one for the terminal, Markdown for files.
import type { EvalSummary } from './summary-types.js';

function columns(s: EvalSummary): { header: string[]; rows: string[][] } {
  const ks = s.settings.k;
  const header = ['benchmark', 'problems', 'pass@1', `avg@${s.settings.n}`, ...ks.filter((k) => k > 1).map((k) => `pass@${k}`), ...ks.map((k) => `maj@${k}`), 'answered', 'truncated'];
  const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(1) : '–');
  const rows = s.benchmarks.map((b) => [
    b.benchmark,
    String(b.problems),
    pct(b.pass1),
    pct(b.avgN),
    ...ks.filter((k) => k > 1).map((k) => pct(b.passAtK[String(k)])),
    ...ks.map((k) => pct(b.majAtK[String(k)])),
    pct(b.extractedRate),
    pct(b.truncatedRate),
  ]);
  return { header, rows };
}

export function formatSummaryTable(s: EvalSummary): string {
  const { header, rows } = columns(s);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`${s.model}  (n=${s.settings.n}, T=${s.settings.temperature}, top-p=${s.settings.topP}, max ${s.settings.maxTokens} tokens, scores in %)`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export function formatSummaryMarkdown(s: EvalSummary): string {
  const { header, rows } = columns(s);
  return [
    `# Eval: ${s.model}`,
    '',
    `n=${s.settings.n}, temperature ${s.settings.temperature}, top-p ${s.settings.topP}, max ${s.settings.maxTokens} tokens, template \`${s.settings.template}\`, seed ${s.settings.seed}${s.settings.limit !== undefined ? `, limit ${s.settings.limit}` : ''}; scores in %.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
}
