// Tests only: the reference data checked into the repository (fixtures/, see its README). Copied
// from the data we were handed by fixtures/make-fixtures.mjs; the tests never read anything outside
// the repository.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = join(repoRoot, 'fixtures');

/** Absolute path of a file under fixtures/; throws a clear error when it is missing. */
export function fixturePath(...parts: string[]): string {
  const p = join(fixturesDir, ...parts);
  if (!existsSync(p)) throw new Error(`fixture not found: ${p} (regenerate with fixtures/make-fixtures.mjs)`);
  return p;
}

export interface FixtureFile {
  /** The full file the fixture was made from. */
  source: { sha256: string; bytes: number; rows: number };
  /** null when the fixture is the whole file; otherwise the 0-based rows it kept. */
  slice: { rows: number; indices: number[] } | null;
}

/** What fixtures/manifest.json says of a JSON-lines fixture, e.g. `benchmarks/math500/test.jsonl`. */
export function fixtureManifest(rel: string): FixtureFile {
  const all = JSON.parse(readFileSync(join(fixturesDir, 'manifest.json'), 'utf8')) as Record<string, FixtureFile>;
  const entry = all[rel];
  if (!entry) throw new Error(`fixtures/manifest.json has no entry for ${rel}`);
  return entry;
}
