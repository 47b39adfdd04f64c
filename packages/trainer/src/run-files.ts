// Files of a run directory: config.json, metrics.jsonl, samples.jsonl. On resume the JSONL
// files are cut back to the checkpoint's step, since the steps after it will be run again.
import { appendFile, mkdir, readFile, writeFile, copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function ensureRunDir(runDir: string): Promise<void> {
  await mkdir(runDir, { recursive: true });
}

export async function appendJsonl(path: string, records: unknown[]): Promise<void> {
  if (records.length === 0) return;
  await appendFile(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Keep only lines whose `step` is <= maxStep (all lines are dropped for maxStep 0). */
export async function truncateJsonlToStep(path: string, maxStep: number): Promise<void> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch { return; }
  const kept = text.split('\n').filter((line) => {
    if (!line.trim()) return false;
    try { return (JSON.parse(line) as { step?: number }).step! <= maxStep; } catch { return false; }
  });
  await writeFile(path, kept.length ? kept.join('\n') + '\n' : '');
}

export async function hasLines(path: string): Promise<boolean> {
  try { return (await readFile(path, 'utf8')).trim().length > 0; } catch { return false; }
}

/** Tokenizer and generation files that travel with a model checkpoint. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt', 'generation_config.json', 'chat_template.jinja'];

export async function copyTokenizerFiles(fromDir: string, toDir: string): Promise<void> {
  for (const f of TOKENIZER_FILES) {
    const src = join(fromDir, f);
    try { await stat(src); } catch { continue; }
    try { await stat(join(toDir, f)); continue; } catch { /* not there yet */ }
    await copyFile(src, join(toDir, f));
  }
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 2) + '\n');
}
