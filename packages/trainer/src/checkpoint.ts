// Checkpoint directories runs/<name>/checkpoints/step-<N>/, written into a temporary sibling,
// completed with manifest.json (last) and renamed into place: a crash leaves a complete checkpoint
// or an ignored temporary one. Every file, the manifest and the rename are flushed to disk before
// the checkpoint counts, so a power loss cannot leave a "complete" checkpoint with torn files.
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MANIFEST = 'manifest.json';

export interface CheckpointManifest {
  format: 'verl-ts-checkpoint-v1';
  step: number;
  kind: 'rl' | 'sft';
  files: string[];
  createdAt: string;
}

export interface CheckpointInfo { step: number; dir: string }

/** fsync a file or a directory (Linux and macOS accept fsync on a read-only descriptor). */
async function syncPath(path: string, isDir = false): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch (e) {
    if (!isDir) throw e; // some file systems cannot sync a directory; the rename is still atomic
  } finally {
    await fh.close();
  }
}

const checkpointsDir = (runDir: string) => join(runDir, 'checkpoints');

/** Complete checkpoints of a run, oldest first. */
export async function listCheckpoints(runDir: string): Promise<CheckpointInfo[]> {
  const root = checkpointsDir(runDir);
  let names: string[];
  try { names = await readdir(root); } catch { return []; }
  const out: CheckpointInfo[] = [];
  for (const n of names) {
    const m = /^step-(\d+)$/.exec(n);
    if (!m) continue;
    const dir = join(root, n);
    try { await stat(join(dir, MANIFEST)); } catch { continue; }
    out.push({ step: Number(m[1]), dir });
  }
  return out.sort((a, b) => a.step - b.step);
}

export async function latestCheckpoint(runDir: string): Promise<CheckpointInfo | null> {
  return (await listCheckpoints(runDir)).at(-1) ?? null;
}

export async function readManifest(dir: string): Promise<CheckpointManifest> {
  const p = join(dir, MANIFEST);
  let text: string;
  try { text = await readFile(p, 'utf8'); } catch { throw new Error(`${dir} is not a complete checkpoint (no ${MANIFEST})`); }
  const m = JSON.parse(text) as CheckpointManifest;
  if (m.format !== 'verl-ts-checkpoint-v1') throw new Error(`${p}: unknown checkpoint format '${String(m.format)}'`);
  return m;
}

/** Write checkpoint `step` atomically (`fill(dir)` writes its files), then keep only the newest `keepLast`. */
export async function writeCheckpoint(
  runDir: string, step: number, kind: 'rl' | 'sft', fill: (dir: string) => Promise<void>, keepLast: number,
): Promise<string> {
  const root = checkpointsDir(runDir);
  await mkdir(root, { recursive: true });
  const tmp = join(root, `.tmp-step-${step}-${process.pid}-${Date.now()}`);
  const final = join(root, `step-${step}`);
  await rm(tmp, { recursive: true, force: true });
  try {
    await fill(tmp);
    await mkdir(tmp, { recursive: true });
    const files = (await readdir(tmp)).filter((f) => f !== MANIFEST).sort();
    for (const f of files) if ((await stat(join(tmp, f))).isFile()) await syncPath(join(tmp, f));
    const manifest: CheckpointManifest = { format: 'verl-ts-checkpoint-v1', step, kind, files, createdAt: new Date().toISOString() };
    await writeFile(join(tmp, MANIFEST), JSON.stringify(manifest, null, 1));
    await syncPath(join(tmp, MANIFEST));
    await syncPath(tmp, true);
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
    await syncPath(root, true);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  await pruneCheckpoints(runDir, keepLast);
  return final;
}

/** Remove all but the newest `keepLast` complete checkpoints, and stale temporary directories. */
export async function pruneCheckpoints(runDir: string, keepLast: number): Promise<void> {
  const all = await listCheckpoints(runDir);
  for (const c of all.slice(0, Math.max(0, all.length - keepLast))) await rm(c.dir, { recursive: true, force: true });
  const root = checkpointsDir(runDir);
  for (const n of await readdir(root)) {
    if (n.startsWith('.tmp-step-') && !n.includes(`-${process.pid}-`)) await rm(join(root, n), { recursive: true, force: true });
  }
}
