// Opening a run folder, shared by trainRL and trainSFT: find the checkpoint to resume from,
// refuse to overwrite a finished run with resume 'never', reconcile the config with the run's
// (run-config.ts), and remember whether this call created the folder, so that a run that fails
// or is stopped before its first step finishes leaves no folder behind.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { latestCheckpoint, readManifest } from './checkpoint.js';
import { reconcileRunConfig } from './run-config.js';
import { ensureRunDir, hasLines, pathExists } from './run-files.js';

export interface RunStart {
  runDir: string;
  /** this call made the folder (nothing of an earlier run is in it) */
  created: boolean;
  /** the checkpoint to continue from, or null for a fresh start */
  resumeDir: string | null;
  resumeStep: number | null;
}

export interface OpenRunOptions {
  runDir: string;
  resume: string;
  /** the config key of the resume setting, for messages ('trainer.resume' / 'resume') */
  resumeKey: string;
  config: unknown;
  freeFields: readonly string[];
  stepsField?: string;
  allowConfigChange?: boolean;
}

export async function openRun(o: OpenRunOptions): Promise<RunStart> {
  const created = !(await pathExists(o.runDir));
  await ensureRunDir(o.runDir);
  const start: RunStart = { runDir: o.runDir, created, resumeDir: null, resumeStep: null };
  try {
    if (o.resume === 'auto') start.resumeDir = (await latestCheckpoint(o.runDir))?.dir ?? null;
    else if (o.resume !== 'never') { await readManifest(o.resume); start.resumeDir = o.resume; }
    if (start.resumeDir) start.resumeStep = (await readManifest(start.resumeDir)).step;
    if (!start.resumeDir && o.resume === 'never' && await hasLines(join(o.runDir, 'metrics.jsonl'))) {
      throw new Error(`${o.runDir} already has metrics; choose another run name or set ${o.resumeKey} to 'auto'`);
    }
    await reconcileRunConfig(o.runDir, o.config, {
      resumeStep: start.resumeStep, freeFields: o.freeFields, stepsField: o.stepsField, allowConfigChange: o.allowConfigChange,
    });
  } catch (e) {
    await discardRun(start);
    throw e;
  }
  return start;
}

/** Remove the run folder if this call created it (used when no step finished). */
export async function discardRun(start: RunStart): Promise<void> {
  if (start.created) await rm(start.runDir, { recursive: true, force: true });
}

/**
 * Run `body` in an opened run folder and remove the folder again when it was created here and
 * no step's records were written: a run that fails or is stopped before step 1 leaves nothing
 * behind (issue 13 point 9). `body` calls `onRecordsWritten` after each step's records.
 */
export async function inRunFolder<R extends { discarded: boolean }>(
  start: RunStart,
  body: (onRecordsWritten: () => void) => Promise<R>,
): Promise<R> {
  let finishedSteps = 0;
  try {
    const r = await body(() => { finishedSteps++; });
    if (finishedSteps === 0 && start.created) {
      await discardRun(start);
      return { ...r, discarded: true };
    }
    return r;
  } catch (e) {
    if (finishedSteps === 0) await discardRun(start);
    throw e;
  }
}
