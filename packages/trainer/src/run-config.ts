// The config a run was trained with, so the run folder always records how every step was trained:
// config.json is written when a run starts, and a resume that changes a training field is refused
// unless allowed; then the change goes to config-history.jsonl and config.json becomes the new config.
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
 * Fields that may change on resume without changing what is trained (still recorded in the history).
 * The step count is free only with a constant lr (ReconcileOptions.stepsField): with cosine it
 * reshapes the lr of every remaining step.
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

/** Write config.json, or on resume compare it with the saved one and record the changes (returned);
 *  throws ConfigChangeError, writing nothing, when a training field differs and that is not allowed. */
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
