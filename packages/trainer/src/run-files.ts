// Files of a run directory. A step's records are appended and flushed before its checkpoint is
// written, and a resume cuts the JSONL files back to the checkpoint's step (the steps after it run
// again): a kill at any moment loses no finished step's records and doubles none.
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepMetrics } from './metrics.js';

export async function pathExists(path: string): Promise<boolean> {
  try { await stat(path); return true; } catch { return false; }
}

/** Append one JSON line per record and flush it to disk (fdatasync) before returning. */
export async function appendJsonl(path: string, records: unknown[]): Promise<void> {
  if (records.length === 0) return;
  const fh = await open(path, 'a');
  try {
    await fh.appendFile(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Replace a file's content atomically: write a temporary sibling, flush it, rename it over. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  try { await rename(tmp, path); } catch (e) { await rm(tmp, { force: true }); throw e; }
}

/** Keep only the lines whose `step` is <= maxStep and that parse (not cut short by a kill); replaced atomically. */
export async function truncateJsonlToStep(path: string, maxStep: number): Promise<void> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch { return; }
  const kept = text.split('\n').filter((line) => {
    if (!line.trim()) return false;
    try { return (JSON.parse(line) as { step?: number }).step! <= maxStep; } catch { return false; }
  });
  const next = kept.length ? kept.join('\n') + '\n' : '';
  if (next !== text) await writeFileAtomic(path, next);
}

export async function hasLines(path: string): Promise<boolean> {
  try { return (await readFile(path, 'utf8')).trim().length > 0; } catch { return false; }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** The step records of a run (metrics.jsonl) as written: StepMetrics for RL, SFTStepMetrics for SFT. */
export async function readStepMetrics<M = StepMetrics>(runDir: string): Promise<M[]> {
  let text: string;
  try { text = await readFile(join(runDir, 'metrics.jsonl'), 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as M);
}
