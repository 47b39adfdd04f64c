// Tests only: the workspace's publishable packages, read from their package.json files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test-support/fixtures.js';

export interface WorkspacePackage {
  /** e.g. `@verl-ts/models` */
  name: string;
  /** absolute folder */
  dir: string;
  manifest: {
    version: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    devDependencies?: Record<string, string>;
    [key: string]: unknown;
  };
}

export function workspacePackages(): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const d of readdirSync(join(repoRoot, group)).sort()) {
      const dir = join(repoRoot, group, d);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      out.push({ name: manifest.name, dir, manifest });
    }
  }
  return out;
}

/** The package and every workspace package it depends on, transitively. */
export function workspaceClosure(name: string, all = workspacePackages()): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const seen = new Map<string, WorkspacePackage>();
  const visit = (n: string): void => {
    const p = byName.get(n);
    if (!p || seen.has(n)) return;
    seen.set(n, p);
    for (const dep of Object.keys(p.manifest.dependencies ?? {})) visit(dep);
  };
  visit(name);
  return [...seen.values()];
}

/** The first ```js block of a README: the example that must run as written. */
export function readmeExample(readme: string): string | undefined {
  return /```js\n([\s\S]*?)```/.exec(readme)?.[1];
}
