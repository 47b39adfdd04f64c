// The embedded demo: evaluate the bundled policy, train it with GRPO and with GRPO+VERL for
// the same fixed budget, evaluate both on the same held-out problems, compare, write a report.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandIO } from '../cli/command.js';
import { formatDuration, ProgressBar } from '../cli/progress.js';
import { runEval } from '../eval/run-eval.js';
import { probeResponses, writeProbe } from '../eval/probe.js';
import { readRecords } from '../eval/records.js';
import type { EvalSummary } from '../eval/summary-types.js';
import { buildReport } from '../report/html.js';
import { loadRun } from '../report/load-run.js';
import { loadProblems } from '../commands/shared/problems.js';
import { openLocalModel, type BackendName } from '../commands/shared/engine.js';
import { trainingHooks } from '../commands/shared/train-progress.js';
import { demoRLConfig, type DemoSettings } from './config.js';
import { trainSecondsOf } from './train-time.js';

export interface DemoRow {
  label: string;
  avgN: number;
  pass1: number;
  passAtN: number;
  majAtN: number;
  trainSeconds: number;
  firstReward?: number;
  lastReward?: number;
}

export interface DemoResult {
  rows: DemoRow[];
  reportPath: string;
  complete: boolean;
}

async function evalModel(label: string, modelDir: string, outDir: string, s: DemoSettings, io: CommandIO, backend?: BackendName): Promise<EvalSummary | null> {
  const datasets = await import('@verl-ts/datasets');
  const verifiers = await import('@verl-ts/verifiers');
  const { model, tokenizer, engine } = await openLocalModel(modelDir, { backend, batchSize: 64 });
  const problems = await loadProblems('arithmetic', { limit: s.evalProblems });
  const bar = new ProgressBar({ label: `eval ${label}`, total: problems.length, stream: io.stderr });
  try {
    const { summary, complete } = await runEval({
      engine: engine as never,
      modelName: label,
      benchmarks: [{ name: 'arithmetic', problems }],
      prompt: (q) => datasets.formatPrompt('arithmetic', q),
      grade: async (response, p) => {
        const g = await verifiers.gradeAnswer(response, { answer: p.answer, question: p.question, benchmark: p.benchmark });
        return { correct: g.correct, extracted: g.extracted };
      },
      n: s.evalN,
      ks: Array.from({ length: Math.floor(Math.log2(s.evalN)) + 1 }, (_, i) => 2 ** i),
      temperature: 0.6,
      topP: 0.95,
      maxTokens: s.maxNewTokens,
      template: 'arithmetic',
      seed: 1234,
      outDir,
      batchProblems: 50,
      signal: io.signal,
      onProgress: (p) => bar.update(p.done, `acc=${p.samplesSoFar ? ((100 * p.correctSoFar) / p.samplesSoFar).toFixed(1) : '–'}%`),
      log: (line) => io.stderr.write(line + '\n'),
    });
    bar.finish();
    if (!complete) return null;
    // per-response token-level and hidden-state metrics for the report's comparison
    const records = [...readRecords(join(outDir, 'arithmetic.jsonl')).values()];
    const rows = await probeResponses(model, tokenizer, records, (q) => datasets.formatPrompt('arithmetic', q), { stride: s.stride, limit: 400, batchSize: 64 });
    writeProbe(join(outDir, 'probe.jsonl'), rows);
    return summary;
  } finally {
    await engine.close?.();
    model.dispose();
  }
}

function rowOf(label: string, s: EvalSummary, n: number, trainSeconds: number, rewards?: [number, number][]): DemoRow {
  const b = s.benchmarks[0];
  const tail = (pts: [number, number][], from: 'start' | 'end') => {
    const w = pts.length >= 10 ? 5 : 1;
    const part = from === 'start' ? pts.slice(0, w) : pts.slice(-w);
    return part.reduce((a, p) => a + p[1], 0) / part.length;
  };
  return {
    label,
    avgN: b.avgN,
    pass1: b.pass1,
    passAtN: b.passAtK[String(n)],
    majAtN: b.majAtK[String(n)],
    trainSeconds,
    firstReward: rewards && rewards.length ? tail(rewards, 'start') : undefined,
    lastReward: rewards && rewards.length ? tail(rewards, 'end') : undefined,
  };
}

export function formatDemoTable(rows: DemoRow[], s: DemoSettings): string {
  const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`);
  const header = ['policy', `held-out avg@${s.evalN}`, 'pass@1', `pass@${s.evalN}`, `maj@${s.evalN}`, 'train reward (first→last 5 steps)', 'train time'];
  const body = rows.map((r) => [
    r.label,
    pct(r.avgN),
    pct(r.pass1),
    pct(r.passAtN),
    pct(r.majAtN),
    r.firstReward === undefined ? '–' : `${r.firstReward.toFixed(3)} → ${r.lastReward!.toFixed(3)}`,
    r.trainSeconds ? formatDuration(r.trainSeconds) : '–',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

export async function runDemo(opts: { modelDir: string; outDir: string; settings: DemoSettings; io: CommandIO; backend?: BackendName }): Promise<DemoResult> {
  const { settings: s, io } = opts;
  const outDir = resolve(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const trainer = await import('@verl-ts/trainer');
  const rows: DemoRow[] = [];
  const incomplete = (): DemoResult => ({ rows, reportPath: '', complete: false });

  io.stderr.write(`[1/4] evaluating the bundled policy on ${s.evalProblems} held-out problems (${s.evalN} samples each)\n`);
  const start = await evalModel('start', opts.modelDir, join(outDir, 'eval-start'), s, io, opts.backend);
  if (!start) return incomplete();
  rows.push(rowOf('start (bundled SFT policy)', start, s.evalN, 0));

  const arms: { arm: 'grpo' | 'grpo-verl'; label: string }[] = [
    { arm: 'grpo', label: 'GRPO' },
    { arm: 'grpo-verl', label: 'GRPO+VERL' },
  ];
  let stage = 2;
  for (const { arm, label } of arms) {
    io.stderr.write(`[${stage++}/4] training ${label}: ${s.steps} steps × ${s.promptsPerStep} prompts × ${s.n} responses\n`);
    const config = trainer.parseRLConfig(demoRLConfig(arm, opts.modelDir, outDir, s));
    const { bar, hooks } = trainingHooks(io, label, s.steps);
    const result = await trainer.trainRL(config, { hooks });
    bar.finish();
    const trainSeconds = trainSecondsOf(result.runDir); // every session's steps, also after a resume
    if (io.signal.aborted) return incomplete();
    const ckpt = await trainer.latestCheckpoint(result.runDir);
    if (!ckpt) throw new Error(`demo: ${label} run wrote no checkpoint in ${result.runDir}`);
    const summary = await evalModel(label, ckpt.dir, join(result.runDir, 'eval'), s, io, opts.backend);
    if (!summary) return incomplete();
    // the trainer's own records (StepMetrics), every session's steps also after a resume
    const rewards = (await trainer.readStepMetrics(result.runDir)).flatMap((m): [number, number][] => (m.rewardMean === null ? [] : [[m.step, m.rewardMean]]));
    rows.push(rowOf(label, summary, s.evalN, trainSeconds, rewards));
  }

  const runs = [loadRun(join(outDir, 'grpo')), loadRun(join(outDir, 'grpo-verl')), loadRun(join(outDir, 'eval-start'))];
  const reportPath = join(outDir, 'report.html');
  writeFileSync(reportPath, buildReport(runs, { title: 'verl demo: GRPO vs GRPO+VERL on the bundled tiny arithmetic policy' }));
  const table = formatDemoTable(rows, s);
  writeFileSync(join(outDir, 'results.md'), '```\n' + table + '```\n');
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ settings: s, rows }, null, 2) + '\n');
  if (!existsSync(reportPath)) throw new Error('demo: report was not written');
  return { rows, reportPath, complete: true };
}
