// The settings that produced an eval's records, and a short hash of them. Every record line and
// summary.json carry the hash, and <out>/settings.json the settings, so a rerun into the same
// folder resumes only when the responses it would add are drawn the same way as the ones there,
// and otherwise says which settings differ (issue 13 point 1).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What decides how a problem's responses are drawn. Not k (scores are computed from the records
 * afterwards), nor limit or batch size (which problems are done, not how).
 */
export interface RecordSettings {
  model: string;
  n: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  template: string;
  seed: number;
  stop: string[];
  /** Settings that shape the problems themselves, e.g. the difficulty of 'arithmetic'. */
  problems?: Record<string, string | number>;
}

export const SETTINGS_FILE = 'settings.json';

/** Key order fixed, so equal settings give equal hashes. */
function canonical(s: RecordSettings): string {
  const problems = s.problems ? Object.fromEntries(Object.entries(s.problems).sort(([a], [b]) => a.localeCompare(b))) : undefined;
  return JSON.stringify([s.model, s.n, s.temperature, s.topP, s.maxTokens, s.template, s.seed, s.stop, problems ?? null]);
}

/** 12 hex digits of the sha256 of the canonical settings. */
export function settingsHash(s: RecordSettings): string {
  return createHash('sha256').update(canonical(s)).digest('hex').slice(0, 12);
}

const LABELS: [keyof RecordSettings, string][] = [
  ['model', 'model'],
  ['n', 'n'],
  ['temperature', 'temperature'],
  ['topP', 'top-p'],
  ['maxTokens', 'max tokens'],
  ['template', 'template'],
  ['seed', 'seed'],
  ['stop', 'stop'],
  ['problems', 'problems'],
];

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

/** "temperature 0.6 → 0, n 16 → 4": the fields of `before` that `after` changes. */
export function settingsDifferences(before: RecordSettings, after: RecordSettings): string[] {
  const out: string[] = [];
  for (const [key, label] of LABELS) {
    const a = show(before[key]);
    const b = show(after[key]);
    if (a !== b) out.push(`${label} ${a} → ${b}`);
  }
  return out;
}

/** Settings by hash, as written in <out>/settings.json by every run into that folder. */
export function readSettingsFile(outDir: string): Record<string, RecordSettings> {
  const path = join(outDir, SETTINGS_FILE);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { byHash?: Record<string, RecordSettings> };
    return parsed.byHash ?? {};
  } catch {
    return {}; // unreadable: the differing fields cannot be named, the hash check still holds
  }
}

export function writeSettingsFile(outDir: string, s: RecordSettings): void {
  const byHash = { ...readSettingsFile(outDir), [settingsHash(s)]: s };
  writeFileSync(join(outDir, SETTINGS_FILE), JSON.stringify({ current: settingsHash(s), byHash }, null, 2) + '\n');
}

/** Why records written with `foundHash` (undefined: by a verl before settings hashes) do not fit `want`. */
export function explainMismatch(outDir: string, foundHash: string | undefined, want: RecordSettings): string {
  if (foundHash === undefined) return 'written without a settings hash (by an older verl), so how they were sampled is unknown';
  const before = readSettingsFile(outDir)[foundHash];
  if (!before) return `written with other settings (hash ${foundHash}, now ${settingsHash(want)})`;
  return `written with other settings: ${settingsDifferences(before, want).join(', ')}`;
}
