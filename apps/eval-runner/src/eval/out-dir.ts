// Whether an eval output folder can take this run's records: empty, holding records of the same
// settings (resume), or holding records of other settings (refuse, pick another folder, or
// replace them with --overwrite).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readRecords } from './records.js';
import { explainMismatch, settingsHash, SETTINGS_FILE, type RecordSettings } from './settings.js';

export type OutDirState = { kind: 'fresh' | 'resume' } | { kind: 'other-settings'; file: string; reason: string };

/** Looks at the record files of `benchmarks` in `outDir`. */
export function inspectOutDir(outDir: string, benchmarks: string[], settings: RecordSettings): OutDirState {
  const hash = settingsHash(settings);
  let any = false;
  for (const b of benchmarks) {
    const file = join(outDir, `${b}.jsonl`);
    for (const rec of readRecords(file).values()) {
      any = true;
      if (rec.settingsHash !== hash) return { kind: 'other-settings', file, reason: explainMismatch(outDir, rec.settingsHash, settings) };
    }
  }
  return { kind: any ? 'resume' : 'fresh' };
}

/** The files an eval writes; only these are removed by --overwrite (the folder may hold other things). */
export function clearEvalOutputs(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(outDir)) {
    const path = join(outDir, name);
    const ours = ['summary.json', 'summary.md', 'probe.jsonl', SETTINGS_FILE].includes(name) || (name.endsWith('.jsonl') && isRecordFile(path));
    if (!ours) continue;
    rmSync(path, { force: true });
    removed.push(name);
  }
  return removed;
}

/** A JSONL file whose first line is an eval record. */
function isRecordFile(path: string): boolean {
  try {
    const first = readFileSync(path, 'utf8').split('\n', 1)[0];
    const rec = JSON.parse(first) as { id?: unknown; responses?: unknown; correct?: unknown };
    return typeof rec.id === 'string' && Array.isArray(rec.responses) && Array.isArray(rec.correct);
  } catch {
    return false;
  }
}

/**
 * The folder this run writes to. An explicit `--out` holding records of other settings is an error
 * (unless `overwrite`); the default folder is left alone and `<default>-<settings hash>` used instead.
 */
export function chooseOutDir(opts: { out?: string; defaultDir: string; benchmarks: string[]; settings: RecordSettings; overwrite: boolean; log?: (line: string) => void }): string {
  const { benchmarks, settings } = opts;
  const dir = opts.out ?? opts.defaultDir;
  const state = inspectOutDir(dir, benchmarks, settings);
  if (state.kind !== 'other-settings') return dir;
  if (opts.overwrite) {
    const removed = clearEvalOutputs(dir);
    opts.log?.(`--overwrite: removed ${removed.join(', ')} from ${dir}`);
    return dir;
  }
  if (opts.out !== undefined) {
    throw new OutDirError(`${state.file} holds records ${state.reason}; pass --overwrite to replace them, or another --out`);
  }
  const alt = `${opts.defaultDir}-${settingsHash(settings)}`;
  const altState = inspectOutDir(alt, benchmarks, settings);
  if (altState.kind === 'other-settings') throw new OutDirError(`${altState.file} holds records ${altState.reason}; pass --overwrite to replace them, or --out DIR`);
  opts.log?.(`${dir} holds records of other settings (${state.reason.replace(/^written with other settings: /, '')}); writing to ${alt}`);
  return alt;
}

/** The output folder cannot take this run's records. */
export class OutDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutDirError';
  }
}
