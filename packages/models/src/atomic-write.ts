// Files written to a temporary name in the same folder, then renamed over the target: a reader
// (or a crash mid-write) never sees half a file, since rename within a filesystem is atomic.
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeTextAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${Date.now()}`);
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeTextAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
