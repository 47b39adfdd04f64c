import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseOutDir, inspectOutDir } from './out-dir.js';
import { appendRecords } from './records.js';
import { settingsHash, writeSettingsFile, type RecordSettings } from './settings.js';

const base: RecordSettings = { model: 'm', n: 4, temperature: 0.6, topP: 0.95, maxTokens: 32, template: 'plain', seed: 0, stop: [] };

/** A folder as a finished run with `s` leaves it. */
function runFolder(dir: string, s: RecordSettings): void {
  mkdirSync(dir, { recursive: true });
  writeSettingsFile(dir, s);
  appendRecords(join(dir, 'toy.jsonl'), [
    { id: 'p0', benchmark: 'toy', question: 'q', answer: '1', responses: ['a'], extracted: [null], correct: [false], finishReasons: ['stop'], responseTokens: [1], settingsHash: settingsHash(s) },
  ]);
  writeFileSync(join(dir, 'summary.json'), '{}\n');
}

describe('eval output folder', () => {
  it('resumes into a folder of the same settings, starts a fresh one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-out-'));
    expect(inspectOutDir(dir, ['toy'], base).kind).toBe('fresh');
    runFolder(dir, base);
    expect(inspectOutDir(dir, ['toy'], base).kind).toBe('resume');
    expect(chooseOutDir({ out: dir, defaultDir: 'unused', benchmarks: ['toy'], settings: base, overwrite: false })).toBe(dir);
  });

  it('issue 13 point 1: an explicit --out of other settings is refused in one line naming the differing fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-out-'));
    runFolder(dir, base);
    const other = { ...base, temperature: 0, n: 8 };
    let message = '';
    try {
      chooseOutDir({ out: dir, defaultDir: 'unused', benchmarks: ['toy'], settings: other, overwrite: false });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('n 4 → 8');
    expect(message).toContain('temperature 0.6 → 0');
    expect(message).toContain('--overwrite');
    expect(message).not.toContain('\n');
    // a benchmark of this run that is not in the folder is no conflict
    expect(chooseOutDir({ out: dir, defaultDir: 'unused', benchmarks: ['other'], settings: other, overwrite: false })).toBe(dir);
  });

  it('issue 13 point 1: without --out, other settings go to a new folder beside the default; --overwrite replaces', () => {
    const root = mkdtempSync(join(tmpdir(), 'verl-out-'));
    const def = join(root, 'm');
    runFolder(def, base);
    const other = { ...base, maxTokens: 64 };
    const logs: string[] = [];
    const chosen = chooseOutDir({ defaultDir: def, benchmarks: ['toy'], settings: other, overwrite: false, log: (l) => logs.push(l) });
    expect(chosen).toBe(`${def}-${settingsHash(other)}`);
    expect(logs.join('')).toContain('max tokens 32 → 64');
    // the same new settings again: the same new folder (so it resumes there)
    runFolder(chosen, other);
    expect(chooseOutDir({ defaultDir: def, benchmarks: ['toy'], settings: other, overwrite: false })).toBe(chosen);

    writeFileSync(join(def, 'notes.txt'), 'mine\n');
    writeFileSync(join(def, 'data.jsonl'), '{"question":"not an eval record"}\n');
    expect(chooseOutDir({ out: def, defaultDir: def, benchmarks: ['toy'], settings: other, overwrite: true })).toBe(def);
    expect(readdirSync(def).sort()).toEqual(['data.jsonl', 'notes.txt']);
    expect(existsSync(join(def, 'toy.jsonl'))).toBe(false);
  });
});
