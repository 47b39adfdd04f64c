// The config a run was trained with. config.json is written when a run starts; a resume compares
// the new config with it field by field. A difference in a field that shapes training (lr, VERL
// on/off, data, sampling, …) is refused, listing the fields, unless the caller allows it; then
// the change is appended to config-history.jsonl ({time, step, changes}) and config.json becomes
// the new config, so the run folder always records how every step was trained.
// Fields that only say where or how the run is executed may change freely (they are still
// recorded in the history): see RL_FREE_FIELDS / SFT_FREE_FIELDS.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendJsonl, writeJsonAtomic } from './run-files.js';

export const CONFIG_FILE = 'config.json';
export const CONFIG_HISTORY_FILE = 'config-history.jsonl';

export interface ConfigChange { path: string; before: unknown; after: unknown }

/** One line of config-history.jsonl: the changes made when the run was resumed at `step`. */
export interface ConfigHistoryEntry {
  time: string;
  step: number;
  changes: ConfigChange[];
  /** the changed fields that shape training (accepted because changes were allowed) */
  trainingFields: string[];
}

/**
 * Fields that may change on resume without changing what is trained: where the run lives, the
 * compute backend, checkpoint cadence and retention, the resume setting itself, the non-finite
 * guard, and how a remote rollout server is reached. `trainer.steps` / `steps` (extending or
 * shortening a run) is free only with a constant lr schedule: with cosine it reshapes the lr of
 * every remaining step, so there it counts as a training change.
 */
export const RL_FREE_FIELDS = [
  'outputDir', 'model.backend', 'trainer.resume', 'trainer.saveEvery', 'trainer.keepLast', 'trainer.maxNonFiniteInRow',
  'rollout.remote.baseUrl', 'rollout.remote.apiKey', 'rollout.remote.concurrency', 'rollout.remote.timeoutMs',
] as const;
export const SFT_FREE_FIELDS = ['outputDir', 'model.backend', 'resume', 'saveEvery', 'keepLast', 'maxNonFiniteInRow'] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf-level differences between two JSON values (arrays compare as whole values). */
export function diffConfigs(before: unknown, after: unknown, prefix = ''): ConfigChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffConfigs(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: prefix || '(root)', before, after }];
}

function isFree(path: string, free: readonly string[]): boolean {
  return free.some((f) => path === f || path.startsWith(`${f}.`));
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));

export class ConfigChangeError extends Error {
  constructor(readonly runDir: string, readonly changes: ConfigChange[]) {
    super(`${runDir} was trained with a different config; changed: ${changes.map((c) => `${c.path} ${show(c.before)} → ${show(c.after)}`).join(', ')}. `
      + `Resume with the run's own config (${join(runDir, CONFIG_FILE)}), use another run name or folder, or allow the change `
      + `(--allow-config-change; trainRL/trainSFT option allowConfigChange) to record it in ${CONFIG_HISTORY_FILE}.`);
    this.name = 'ConfigChangeError';
  }
}

export interface ReconcileOptions {
  /** the step the run continues from; null = a fresh start (the saved config is replaced) */
  resumeStep: number | null;
  /** fields that may change freely (RL_FREE_FIELDS / SFT_FREE_FIELDS) */
  freeFields: readonly string[];
  /** the lr schedule is constant in both configs, so the step count may change too */
  stepsField?: string;
  allowConfigChange?: boolean;
}

/**
 * Write config.json for a fresh run, or compare it with the saved one on resume (see the file
 * comment). Returns the changes that were recorded. Throws ConfigChangeError when a training
 * field differs and changes are not allowed; nothing is written then.
 */
export async function reconcileRunConfig(runDir: string, config: unknown, opts: ReconcileOptions): Promise<ConfigChange[]> {
  const path = join(runDir, CONFIG_FILE);
  const next = JSON.parse(JSON.stringify(config)) as Json;
  let saved: Json | undefined;
  if (opts.resumeStep !== null) {
    try { saved = JSON.parse(await readFile(path, 'utf8')) as Json; } catch { saved = undefined; }
  }
  if (saved === undefined) {
    // fresh run (or a checkpoint without a saved config, from before config.json existed)
    await writeJsonAtomic(path, next);
    return [];
  }
  const changes = diffConfigs(saved, next);
  if (changes.length === 0) return [];
  const free = [...opts.freeFields, ...(opts.stepsField ? [opts.stepsField] : [])];
  const training = changes.filter((c) => !isFree(c.path, free));
  if (training.length > 0 && !opts.allowConfigChange) throw new ConfigChangeError(runDir, training);
  const entry: ConfigHistoryEntry = {
    time: new Date().toISOString(), step: opts.resumeStep!, changes, trainingFields: training.map((c) => c.path),
  };
  await appendJsonl(join(runDir, CONFIG_HISTORY_FILE), [entry]);
  await writeJsonAtomic(path, next);
  return changes;
}
