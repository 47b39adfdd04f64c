// Tests only: locate the reference data folder (`../shared` beside the repository, or
// VERL_SHARED_DIR). The runtime never reads it; users do not have it.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = process.env.VERL_SHARED_DIR ?? join(repoRoot, '..', 'shared');
export const hasShared = existsSync(join(sharedDir, 'DESIGN.md'));

/** Absolute path of a file under the shared folder; throws a clear error when it is missing. */
export function sharedPath(...parts: string[]): string {
  const p = join(sharedDir, ...parts);
  if (!existsSync(p)) throw new Error(`reference data not found: ${p} (set VERL_SHARED_DIR)`);
  return p;
}
