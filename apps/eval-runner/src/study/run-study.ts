// Runs a study: for each seed, each arm (seed-major, so that the first complete pairs come
// early), train with the trainer, evaluate the final checkpoint on the held-out problems, and
// record the run as finished. Resumable as `train` is: a finished run (its study-run.json with
// the same settings hash) is skipped, an interrupted one resumes from its checkpoint (the trainer
// refuses a changed config), an interrupted evaluation keeps its finished problems. One progress
// bar with ETA runs over the whole study.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandIO } from '../cli/command.js';
import { ProgressBar } from '../cli/progress.js';
import { flattenRecord, pick } from '../report/load-run.js';
import { STEP_METRICS } from '../report/series.js';
import { withBundledDefaults, checkGenerationFits } from '../commands/shared/bundled-model.js';
import type { BackendName } from '../commands/shared/engine.js';
import { trainSecondsOf } from '../demo/train-time.js';
import { readRecords } from '../eval/records.js';
import type { EvalSummary } from '../eval/summary-types.js';
import { evaluateRun, passKs, type RunEvalSettings } from './evaluate-run.js';
import { runConfigInput, runName, type StudyArm, type StudyConfig, type StudyEval } from './study-config.js';
import { summarizeStudy, type RunResult, type StudySummary } from './summary.js';

/** Written into a run folder when its training and evaluation are both finished. */
export const RUN_DONE_FILE = 'study-run.json';
export const STUDY_FILES = { summary: 'study.json', table: 'study.md', config: 'study-config.json', report: 'report.html' } as const;

interface RunRecord {
  arm: string;
  seed: number;
  settingsHash: string;
  /** what the hash covers, to name the differences when it does not match */
  settings: unknown;
  trainSeconds: number;
  finishedAt: string;
}

type Trainer = typeof import('@verl-ts/trainer');
type TrainerHooks<M> = import('@verl-ts/trainer').TrainerHooks<M>;
type StepMetrics = import('@verl-ts/trainer').StepMetrics;
type RLConfig = ReturnType<Trainer['parseRLConfig']>;

/** The settings that decide a run's result: its RL config (less where it is written) and the held-out evaluation. */
function runSettings(config: RLConfig, e: StudyEval): unknown {
  const { name: _n, outputDir: _o, ...rest } = config as RLConfig & Record<string, unknown>;
  const trainer = { ...(rest.trainer as Record<string, unknown>) };
  for (const k of ['resume', 'saveEvery', 'keepLast']) delete trainer[k];
  return { config: { ...rest, trainer }, eval: e };
}

export function settingsHashOf(settings: unknown): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 12);
}

function differences(before: unknown, after: unknown, prefix = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].sort().flatMap((k) => differences(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${prefix} ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
}

interface PlannedRun {
  arm: StudyArm;
  seed: number;
  config: RLConfig;
  runDir: string;
  hash: string;
  settings: unknown;
  evalSettings: RunEvalSettings;
  /** progress units: training steps, then the evaluation weighted by the responses it generates */
  units: number;
  evalUnits: number;
}

export interface StudyRunResult {
  studyDir: string;
  complete: boolean;
  summary: StudySummary | null;
}

export interface RunStudyOptions {
  study: StudyConfig;
  io: CommandIO;
  backend?: BackendName;
  /** called after every training step of every run (tests use it to interrupt a study) */
  onStep?: (arm: string, seed: number, step: number) => void;
  /** injected clock of the progress bar (tests) */
  now?: () => number;
}

/** The trainer's entry point, in one place. */
async function train(trainer: Trainer, config: RLConfig, hooks: TrainerHooks<StepMetrics>) {
  return trainer.trainRL(config, { hooks });
}

function plan(trainer: Trainer, study: StudyConfig, studyDir: string): PlannedRun[] {
  const out: PlannedRun[] = [];
  for (const seed of study.seeds) {
    for (const arm of study.arms) {
      const input = withBundledDefaults(runConfigInput(study, studyDir, arm, seed));
      let config: RLConfig;
      try {
        config = trainer.parseRLConfig(input);
      } catch (e) {
        throw new Error(`arm ${arm.name}: ${(e as Error).message}`);
      }
      const settings = runSettings(config, study.eval);
      const evalUnits = Math.max(1, Math.ceil((study.eval.problems * study.eval.n) / (config.trainer.promptsPerStep * config.rollout.n)));
      const data = config.data as { template?: string; difficulty?: number };
      out.push({
        arm, seed, config, settings, hash: settingsHashOf(settings), runDir: resolve(config.outputDir, config.name),
        evalSettings: { template: data.template ?? 'arithmetic', maxNewTokens: config.rollout.maxNewTokens, stop: config.rollout.stop, difficulty: data.difficulty },
        units: config.trainer.steps + evalUnits, evalUnits,
      });
    }
  }
  return out;
}

/** The finished record of a run, null when it is not finished; throws when it finished with other settings. */
function finishedRecord(p: PlannedRun): RunRecord | null {
  const path = join(p.runDir, RUN_DONE_FILE);
  if (!existsSync(path)) return null;
  const rec = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  if (rec.settingsHash === p.hash) return rec;
  const diff = differences(rec.settings, p.settings);
  throw new Error(`${p.runDir} finished with other settings (${diff.slice(0, 6).join(', ') || `hash ${rec.settingsHash} → ${p.hash}`}); remove that folder or give the study another name`);
}

function resultOf(p: PlannedRun, rec: RunRecord, benchmark: string): RunResult {
  const evalDir = join(p.runDir, 'eval');
  const summary = JSON.parse(readFileSync(join(evalDir, 'summary.json'), 'utf8')) as EvalSummary;
  const correct = new Map([...readRecords(join(evalDir, `${benchmark}.jsonl`)).values()].map((r) => [r.id, r.correct]));
  const b = summary.benchmarks[0];
  return { seed: p.seed, correct, trainSeconds: rec.trainSeconds, truncatedRate: b.truncatedRate, meanResponseTokens: b.meanResponseTokens, runDir: p.runDir };
}

export async function runStudy(opts: RunStudyOptions): Promise<StudyRunResult> {
  const { study, io } = opts;
  const studyDir = resolve(study.outputDir, study.name);
  mkdirSync(studyDir, { recursive: true });
  const trainer = await import('@verl-ts/trainer');
  const runs = plan(trainer, study, studyDir);
  for (const model of new Set(runs.map((r) => r.config.model.path))) {
    const r = runs.find((x) => x.config.model.path === model)!;
    await checkGenerationFits(model, r.config.rollout.maxPromptTokens, r.config.rollout.maxNewTokens);
  }
  writeFileSync(join(studyDir, STUDY_FILES.config), JSON.stringify(study, null, 2) + '\n');

  const records = new Map<PlannedRun, RunRecord>();
  for (const p of runs) {
    const rec = finishedRecord(p);
    if (rec) records.set(p, rec);
  }
  const total = runs.reduce((a, p) => a + p.units, 0);
  let offset = 0;
  const doneUnits = runs.filter((p) => records.has(p)).reduce((a, p) => a + p.units, 0);
  io.stderr.write(`study ${study.name}: ${study.arms.length} arms × ${study.seeds.length} seeds = ${runs.length} runs (${records.size} already finished) → ${studyDir}\n`);
  const bar = new ProgressBar({ label: 'study', total, stream: io.stderr, now: opts.now });
  bar.startFrom(doneUnits);
  let done = doneUnits;

  for (const p of runs) {
    if (records.has(p)) continue;
    const who = `${p.arm.label} seed ${p.seed}`;
    offset = done;
    let note = '';
    let current = 0; // the run's last finished step
    const result = await train(trainer, p.config, {
      signal: io.signal,
      onStart(info) {
        current = info.startStep;
        if (info.startStep > 0) io.stderr.write(`${who}: resuming at step ${info.startStep}\n`);
        bar.update(offset + info.startStep, `${who}`);
      },
      onStep(m) {
        const row = flattenRecord(m);
        const step = pick(row, ['step']) ?? current + 1;
        current = step;
        const reward = pick(row, [...STEP_METRICS.reward]);
        note = `${who}: step ${step}/${p.config.trainer.steps}${reward === undefined ? '' : ` reward=${reward.toFixed(3)}`}`;
        bar.update(offset + step, note);
        opts.onStep?.(p.arm.name, p.seed, step);
      },
      onPhase(phase, d, t) {
        bar.update(offset + current, `${note || who} [${phase}${t > 1 ? ` ${d}/${t}` : ''}]`);
      },
    });
    if (io.signal.aborted || result.aborted) {
      bar.finish();
      return { studyDir, complete: false, summary: null };
    }
    const ckpt = await trainer.latestCheckpoint(result.runDir);
    if (!ckpt) throw new Error(`${who}: the run wrote no checkpoint in ${result.runDir}`);
    const steps = p.config.trainer.steps;
    const heldOut = await evaluateRun({
      label: runName(p.arm, p.seed), modelDir: ckpt.dir, outDir: join(p.runDir, 'eval'), eval: study.eval, run: p.evalSettings, io, backend: opts.backend,
      onProgress: (d, t) => bar.update(offset + steps + Math.floor((p.evalUnits * d) / t), `${who}: held-out eval ${d}/${t}`),
    });
    if (!heldOut) {
      bar.finish();
      return { studyDir, complete: false, summary: null };
    }
    const rec: RunRecord = { arm: p.arm.name, seed: p.seed, settingsHash: p.hash, settings: p.settings, trainSeconds: trainSecondsOf(p.runDir), finishedAt: new Date().toISOString() };
    writeFileSync(join(p.runDir, RUN_DONE_FILE), JSON.stringify(rec, null, 2) + '\n');
    records.set(p, rec);
    done = offset + p.units;
    bar.update(done, `${who}: done, held-out avg@${study.eval.n} ${(100 * heldOut.benchmarks[0].avgN).toFixed(1)}%`);
  }
  bar.finish();

  const summary = summarizeStudy({
    name: study.name, eval: study.eval, ks: passKs(study.eval.n), seeds: study.seeds,
    arms: study.arms.map((arm) => ({ arm, results: runs.filter((p) => p.arm === arm && records.has(p)).map((p) => resultOf(p, records.get(p)!, study.eval.benchmark)) })),
  });
  return { studyDir, complete: summary.complete, summary };
}

/** The run folders of each arm, in seed order, for the report. */
export function armRunDirs(study: StudyConfig): { arm: StudyArm; dirs: string[] }[] {
  const studyDir = resolve(study.outputDir, study.name);
  return study.arms.map((arm) => ({ arm, dirs: study.seeds.map((s) => join(studyDir, 'runs', runName(arm, s))).filter((d) => existsSync(join(d, RUN_DONE_FILE))) }));
}
