// verl report RUN_DIR [RUN_DIR…]: one self-contained HTML page comparing runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { str, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { buildReport } from '../report/html.js';
import { loadRun } from '../report/load-run.js';

export const command: Command = {
  spec: {
    name: 'report',
    summary: 'one self-contained HTML page (inline SVG plots, no network) comparing runs',
    usage: 'verl report RUN_DIR [RUN_DIR…] [--out FILE]',
    positionals: true,
    options: {
      out: { type: 'string', value: 'FILE', description: 'output HTML file (default: <first run>/report.html)' },
      title: { type: 'string', value: 'TEXT', description: 'page title' },
    },
    // folders the demo and the train/eval examples write (from the repository root)
    examples: ['verl report runs/demo/grpo runs/demo/grpo-verl runs/demo/eval-start --out runs/demo/compare.html', 'verl report runs/my-run runs/eval/tiny-arith'],
  },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('give at least one run folder');
    const runs = args.positionals.map((d) => loadRun(d));
    const out = resolve(str(args.values, 'out') ?? join(args.positionals[0], 'report.html'));
    const html = buildReport(runs, { title: str(args.values, 'title') });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, html);
    io.stdout.write(`wrote ${out} (${runs.length} run(s), ${(html.length / 1024).toFixed(0)} KiB)\n`);
    return 0;
  },
};
