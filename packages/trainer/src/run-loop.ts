// The run around the steps, one for trainRL and trainSFT: open the run folder (resume point, the
// config check of run-config.ts), restore the checkpoint's state and cut the JSONL records back to
// it, then step → records (flushed) → checkpoint every saveEvery steps and at the end. Resume is
// exact (weights, AdamW moments, RNG, data cursor, VERL shaper EMAs): a continued run equals an
// uninterrupted one. An abort stops at the next safe point and checkpoints the last finished step.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { copyTokenizerFiles, type CausalLM } from '@verl-ts/models';
import { AdamW } from './adamw.js';
import { latestCheckpoint, readManifest, writeCheckpoint } from './checkpoint.js';
import type { OptimizerConfig } from './config.js';
import type { TrainerHooks } from './metrics.js';
import { reconcileRunConfig } from './run-config.js';
import { appendJsonl, hasLines, pathExists, truncateJsonlToStep, writeJsonAtomic } from './run-files.js';

/** How a run may be continued (not part of the config, so not recorded in it). */
export interface TrainOptions {
  /** resume even when training fields differ from the run's config; recorded in config-history.jsonl */
  allowConfigChange?: boolean;
}

export interface TrainResult {
  runDir: string;
  /** steps completed in total (including those before a resume) */
  steps: number;
  /** newest complete checkpoint (HF model layout + tokenizer + trainer state), if any */
  checkpointDir: string | null;
  /** the step of `checkpointDir` (null when there is none) */
  checkpointStep: number | null;
  aborted: boolean;
  /** the run folder was removed: this call created it and stopped or failed before step 1 finished */
  discarded: boolean;
}

export class NonFiniteTrainingError extends Error {
  constructor(readonly step: number, readonly count: number, readonly events: string[]) {
    super(`training stopped at step ${step}: ${count} consecutive updates were skipped because the loss or gradient was not finite `
      + `(last: ${events.slice(-3).join('; ') || 'n/a'}). Lower the learning rate, check the data, or resume from an earlier checkpoint.`);
    this.name = 'NonFiniteTrainingError';
  }
}

export class AbortedError extends Error {
  constructor() { super('training aborted'); this.name = 'AbortedError'; }
}

/** Throws AbortedError when the run was asked to stop (checked between the phases of a step). */
export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError();
}

export interface StepOutcome<M> {
  metrics: M;
  samples?: unknown[];
  /** the step applied no update because the loss or gradient was not finite */
  skipped: boolean;
  events: string[];
}

/** What one kind of training brings to the loop, built once the run folder is open. */
export interface TrainingSession<S, M> {
  policy: CausalLM;
  optimizer: AdamW;
  tokenizerDir: string;
  /** the state of a fresh start; `restore` receives the saved one on resume */
  initialState: S;
  restore(state: S): void;
  /** the state as of the end of the last finished step (taken after each step) */
  snapshot(): S;
  /** one step (0-based); `checkpointSeconds` is the time of the checkpoint written after the previous step */
  runStep(step: number, checkpointSeconds: number): Promise<StepOutcome<M>>;
  close(): Promise<void>;
}

export interface RunSpec {
  kind: 'rl' | 'sft';
  config: { outputDir: string; name: string };
  resume: string;
  /** the config key of the resume setting, for messages */
  resumeKey: string;
  freeFields: readonly string[];
  /** the step-count field, free to change when the lr schedule is constant */
  stepsField?: string;
  steps: number;
  saveEvery: number;
  keepLast: number;
  maxNonFiniteInRow: number;
}

/** AdamW over the policy's variables with the optimizer config's settings. */
export function createOptimizer(policy: CausalLM, o: OptimizerConfig): AdamW {
  return new AdamW(policy.trainableVariables(), { beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay });
}

/** Where a run starts: its folder (`created`: by this call), and the checkpoint to continue from (null: a fresh start). */
export type RunStart = { runDir: string; created: boolean; resumeDir: string | null; resumeStep: number | null };

async function openRun(spec: RunSpec, options: TrainOptions, config: unknown): Promise<RunStart> {
  const runDir = resolve(spec.config.outputDir, spec.config.name);
  const start: RunStart = { runDir, created: !(await pathExists(runDir)), resumeDir: null, resumeStep: null };
  await mkdir(runDir, { recursive: true });
  try {
    if (spec.resume === 'auto') start.resumeDir = (await latestCheckpoint(runDir))?.dir ?? null;
    else if (spec.resume !== 'never') { await readManifest(spec.resume); start.resumeDir = spec.resume; }
    if (start.resumeDir) start.resumeStep = (await readManifest(start.resumeDir)).step;
    if (!start.resumeDir && spec.resume === 'never' && await hasLines(join(runDir, 'metrics.jsonl'))) {
      throw new Error(`${runDir} already has metrics; choose another run name or set ${spec.resumeKey} to 'auto'`);
    }
    await reconcileRunConfig(runDir, config, {
      resumeStep: start.resumeStep, freeFields: spec.freeFields, stepsField: spec.stepsField, allowConfigChange: options.allowConfigChange,
    });
  } catch (e) {
    await discardRun(start);
    throw e;
  }
  return start;
}

/** Remove the run folder if this call created it (no folder is left by a run that never finished a step). */
async function discardRun(start: RunStart): Promise<void> {
  if (start.created) await rm(start.runDir, { recursive: true, force: true });
}

export async function runTraining<S extends object, M extends { step: number }>(
  spec: RunSpec, hooks: TrainerHooks<M>, options: TrainOptions, fullConfig: unknown,
  openSession: (start: RunStart) => Promise<TrainingSession<S, M>>,
): Promise<TrainResult> {
  const start = await openRun(spec, options, fullConfig);
  const { runDir, resumeDir } = start;
  let finished = 0; // steps whose records this call wrote
  try {
    const session = await openSession(start);
    let r: TrainResult;
    try {
      r = await loop(spec, hooks, resumeDir, runDir, session, () => { finished++; });
    } finally {
      await session.close();
    }
    if (finished > 0 || !start.created) return r;
    await discardRun(start);
    return { ...r, discarded: true };
  } catch (e) {
    if (finished === 0) await discardRun(start);
    throw e;
  }
}

async function loop<S extends object, M extends { step: number }>(
  spec: RunSpec, hooks: TrainerHooks<M>, resumeDir: string | null, runDir: string, session: TrainingSession<S, M>, onRecordsWritten: () => void,
): Promise<TrainResult> {
  const format = `verl-ts-${spec.kind}-state-v1`;
  const metricsPath = join(runDir, 'metrics.jsonl');
  const samplesPath = join(runDir, 'samples.jsonl');
  let step = 0;
  let nonFiniteInRow = 0;
  if (resumeDir) {
    await session.optimizer.load(resumeDir);
    const statePath = join(resumeDir, 'trainer_state.json');
    const saved = JSON.parse(await readFile(statePath, 'utf8')) as S & { format: string; step: number; nonFiniteInRow: number };
    if (saved.format !== format) throw new Error(`${statePath}: not an ${spec.kind.toUpperCase()} trainer state`);
    session.restore(saved);
    step = saved.step;
    nonFiniteInRow = saved.nonFiniteInRow;
  } else {
    session.restore(session.initialState);
  }
  // records beyond the checkpoint belong to steps that will be run again
  await truncateJsonlToStep(metricsPath, step);
  await truncateJsonlToStep(samplesPath, step);

  let lastCheckpoint: string | null = resumeDir;
  let savedStep = resumeDir ? step : -1;
  // an aborted step may have advanced the RNG, the cursor and the shaper before it stopped;
  // weights only change in its final, uninterruptible phase
  let snap = session.snapshot();
  const save = async (): Promise<void> => {
    if (savedStep === step) return;
    hooks.onPhase?.('checkpoint', 0, 3);
    const state = { format, step, ...snap, nonFiniteInRow };
    lastCheckpoint = await writeCheckpoint(runDir, step, spec.kind, async (dir) => {
      await mkdir(dir, { recursive: true });
      await session.policy.save(dir);
      hooks.onPhase?.('checkpoint', 1, 3);
      await copyTokenizerFiles(session.tokenizerDir, dir);
      await session.optimizer.save(dir);
      hooks.onPhase?.('checkpoint', 2, 3);
      await writeJsonAtomic(join(dir, 'trainer_state.json'), state);
    }, spec.keepLast);
    savedStep = step;
    hooks.onPhase?.('checkpoint', 3, 3);
    await hooks.onCheckpoint?.(lastCheckpoint, step);
  };

  hooks.onStart?.({ startStep: step, totalSteps: spec.steps, resumedFrom: resumeDir });
  let aborted = false;
  let checkpointSeconds = 0;
  while (step < spec.steps) {
    if (hooks.signal?.aborted) { aborted = true; break; }
    let out: StepOutcome<M>;
    try {
      out = await session.runStep(step, checkpointSeconds);
    } catch (e) {
      if (e instanceof AbortedError || hooks.signal?.aborted) { aborted = true; break; }
      throw e;
    }
    step += 1;
    snap = session.snapshot();
    checkpointSeconds = 0;
    nonFiniteInRow = out.skipped ? nonFiniteInRow + 1 : 0;
    // records first, then the checkpoint: a kill between the two leaves records beyond the
    // newest checkpoint, which the resume cuts off and runs again (none lost, none doubled)
    await appendJsonl(metricsPath, [out.metrics]);
    if (out.samples) await appendJsonl(samplesPath, out.samples);
    onRecordsWritten();
    if ((spec.saveEvery > 0 && step % spec.saveEvery === 0) || step >= spec.steps) {
      const t0 = performance.now();
      await save();
      checkpointSeconds = (performance.now() - t0) / 1000;
    }
    hooks.onStep?.(out.metrics);
    if (nonFiniteInRow >= spec.maxNonFiniteInRow) throw new NonFiniteTrainingError(step, nonFiniteInRow, out.events);
    if (hooks.signal?.aborted) { aborted = true; break; }
  }
  if (aborted && step > 0) await save();
  return { runDir, steps: step, checkpointDir: lastCheckpoint, checkpointStep: lastCheckpoint ? savedStep : null, aborted, discarded: false };
}
