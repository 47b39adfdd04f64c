// trainRL: set up (or resume) a run, then loop RL steps, writing metrics, samples and
// checkpoints. Resume is exact: model weights, AdamW moments, the RNG, the data cursor and the
// VERL shaper's EMAs are restored, so the continued run equals an uninterrupted one.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RLConfig } from './config.js';
import { parseRLConfig } from './config.js';
import type { RLDeps, ShaperWithRewards } from './rl-deps.js';
import type { StepMetrics, TrainerHooks } from './metrics.js';
import { AdamW } from './adamw.js';
import { DataCursor, type DataCursorState } from './data-cursor.js';
import { Rng } from './rng.js';
import { writeCheckpoint } from './checkpoint.js';
import { AbortedError, runRLStep, type RLStepContext } from './rl-step.js';
import { appendJsonl, copyTokenizerFiles, truncateJsonlToStep, writeJson } from './run-files.js';
import { RL_FREE_FIELDS } from './run-config.js';
import { inRunFolder, openRun, type RunStart } from './run-start.js';

/** How a run may be continued (not part of the config, so not recorded in it). */
export interface TrainOptions {
  /** resume even when training fields of the config differ from the run's; the change is
   *  appended to config-history.jsonl (see run-config.ts) */
  allowConfigChange?: boolean;
}

export interface RLTrainerState {
  format: 'verl-ts-rl-state-v1';
  step: number;
  rng: number;
  cursor: DataCursorState;
  shaper: unknown;
  nonFiniteInRow: number;
}

export class NonFiniteTrainingError extends Error {
  constructor(readonly step: number, readonly count: number, readonly events: string[]) {
    super(`training stopped at step ${step}: ${count} consecutive updates were skipped because the loss or gradient was not finite `
      + `(last: ${events.slice(-3).join('; ') || 'n/a'}). Lower the learning rate, check the data, or resume from an earlier checkpoint.`);
    this.name = 'NonFiniteTrainingError';
  }
}

export interface TrainRLResult {
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

async function resolveDeps(overrides?: Partial<RLDeps>): Promise<RLDeps> {
  const { defaultRLDeps } = await import('./default-deps.js');
  return { ...(await defaultRLDeps()), ...overrides };
}

export async function trainRL(
  configInput: RLConfig, hooks: TrainerHooks<StepMetrics> = {}, overrides?: Partial<RLDeps>, options: TrainOptions = {},
): Promise<TrainRLResult> {
  const config = parseRLConfig(configInput);
  const deps = await resolveDeps(overrides);
  const runDir = resolve(config.outputDir, config.name);
  const start = await openRun({
    runDir, resume: config.trainer.resume, resumeKey: 'trainer.resume', config, freeFields: RL_FREE_FIELDS,
    stepsField: config.actor.schedule === 'constant' ? 'trainer.steps' : undefined, allowConfigChange: options.allowConfigChange,
  });
  return inRunFolder(start, (onRecordsWritten) => runRL(config, deps, hooks, start, onRecordsWritten));
}

async function runRL(
  config: RLConfig, deps: RLDeps, hooks: TrainerHooks<StepMetrics>, start: RunStart, onRecordsWritten: () => void,
): Promise<TrainRLResult> {
  const { runDir, resumeDir } = start;
  const metricsPath = join(runDir, 'metrics.jsonl');
  const samplesPath = join(runDir, 'samples.jsonl');

  await deps.initBackend(config.model.backend);
  const tokenizerDir = config.model.tokenizer ?? config.model.path;
  const tokenizer = await deps.loadTokenizer(tokenizerDir);
  const policy = await deps.loadModel(resumeDir ?? config.model.path);
  const reference = config.actor.klCoef > 0 ? await deps.loadModel(config.model.path) : null;
  const optimizer = new AdamW(policy.trainableVariables(), {
    beta1: config.actor.beta1, beta2: config.actor.beta2, eps: config.actor.eps, weightDecay: config.actor.weightDecay,
  });
  let engine: ReturnType<RLDeps['createEngine']> | null = null;
  try {
    const problems = await deps.loadProblems(config.data);
    if (problems.length === 0) throw new Error('the training data is empty');

    let state: RLTrainerState = {
      format: 'verl-ts-rl-state-v1', step: 0, rng: new Rng(config.seed).state, cursor: { epoch: 0, offset: 0 },
      shaper: null, nonFiniteInRow: 0,
    };
    if (resumeDir) {
      await optimizer.load(resumeDir);
      state = JSON.parse(await readFile(join(resumeDir, 'trainer_state.json'), 'utf8')) as RLTrainerState;
      if (state.format !== 'verl-ts-rl-state-v1') throw new Error(`${join(resumeDir, 'trainer_state.json')}: not an RL trainer state`);
    }
    // records beyond the checkpoint belong to steps that will be run again
    await truncateJsonlToStep(metricsPath, state.step);
    await truncateJsonlToStep(samplesPath, state.step);

    const rng = Rng.fromState(state.rng);
    const cursor = new DataCursor(problems.length, config.seed, state.cursor);
    let shaper: ShaperWithRewards | null = null;
    if (config.algorithm.verl.enabled) {
      shaper = state.shaper ? deps.restoreShaper(state.shaper) : deps.createShaper(config.algorithm.verl.shaper);
    }
    engine = deps.createEngine(policy, tokenizer, config.rollout);
    const ctx: RLStepContext = { config, deps, policy, reference, tokenizer, engine, optimizer, problems, cursor, rng, shaper, hooks };

    let step = state.step;
    let nonFiniteInRow = state.nonFiniteInRow;
    let lastCheckpoint: string | null = resumeDir;
    let savedStep = resumeDir ? step : -1;
    // state as of the end of the last finished step (an aborted step may have advanced the RNG,
    // the cursor and the shaper before it stopped; weights only change in the final, uninterruptible phase)
    const snapshot = () => ({ rng: rng.state, cursor: cursor.toJSON(), shaper: shaper ? shaper.toJSON() : null });
    let snap = snapshot();
    const save = async (): Promise<void> => {
      if (savedStep === step) return;
      hooks.onPhase?.('checkpoint', 0, 1);
      const st: RLTrainerState = { format: 'verl-ts-rl-state-v1', step, ...snap, nonFiniteInRow };
      lastCheckpoint = await writeCheckpoint(runDir, step, 'rl', async (dir) => {
        await mkdir(dir, { recursive: true });
        await policy.save(dir);
        await copyTokenizerFiles(tokenizerDir, dir);
        await optimizer.save(dir);
        await writeJson(join(dir, 'trainer_state.json'), st);
      }, config.trainer.keepLast);
      savedStep = step;
      hooks.onPhase?.('checkpoint', 1, 1);
      await hooks.onCheckpoint?.(lastCheckpoint!, step);
    };

    hooks.onStart?.({ startStep: step, totalSteps: config.trainer.steps, resumedFrom: resumeDir });
    let aborted = false;
    // seconds spent on the previous step's checkpoint: a step's records are written before its
    // own checkpoint, so they carry the time of the one before
    let checkpointSeconds = 0;
    while (step < config.trainer.steps) {
      let result: Awaited<ReturnType<typeof runRLStep>>;
      try {
        result = await runRLStep(ctx, step);
      } catch (e) {
        if (e instanceof AbortedError || hooks.signal?.aborted) { aborted = true; break; }
        throw e;
      }
      step += 1;
      snap = snapshot();
      const m: StepMetrics = result.metrics;
      m.time.checkpoint = checkpointSeconds;
      checkpointSeconds = 0;
      nonFiniteInRow = m.updates === 0 && m.skippedUpdates > 0 ? nonFiniteInRow + 1 : 0;
      // records first, then the checkpoint: a kill between the two leaves records beyond the
      // newest checkpoint, which the resume cuts off and runs again (none lost, none doubled)
      await appendJsonl(metricsPath, [m]);
      await appendJsonl(samplesPath, result.samples);
      onRecordsWritten();
      const isLast = step >= config.trainer.steps;
      if ((config.trainer.saveEvery > 0 && step % config.trainer.saveEvery === 0) || isLast) {
        const t0 = performance.now();
        await save();
        checkpointSeconds = (performance.now() - t0) / 1000;
      }
      hooks.onStep?.(m);
      if (nonFiniteInRow >= config.trainer.maxNonFiniteInRow) {
        throw new NonFiniteTrainingError(step, nonFiniteInRow, m.events ?? []);
      }
      if (hooks.signal?.aborted) { aborted = true; break; }
    }
    if (aborted && step > 0) await save();
    return {
      runDir, steps: step, checkpointDir: lastCheckpoint, checkpointStep: lastCheckpoint ? savedStep : null, aborted, discarded: false,
    };
  } finally {
    await engine?.close?.();
    policy.dispose();
    reference?.dispose();
    optimizer.dispose();
  }
}
