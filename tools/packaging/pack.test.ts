// Every package, as published: `pnpm pack` it, install the tarball alone into an empty project
// with npm (its @verl-ts dependencies from their own tarballs, anything else from the npm
// registry, the packages without third-party dependencies fully offline), then run its README's
// first ```js example there, as a user would copy it. Also: no test code ships, the types
// resolve, and the numeric packages bring no TensorFlow.js along.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../test-support/fixtures.js';
import { readmeExample, workspaceClosure, workspacePackages } from './workspace.js';

/** What each README example must print (it runs as written; these check it did the work). */
const EXPECTED: Record<string, RegExp[]> = {
  '@verl-ts/rank-metrics': [/^\d+\.\d+/m, / 7$/m],
  '@verl-ts/verl-advantage': [/^\[ 0\.7071057811879616, -0\.7071057811879616, 0, 0 \]/m],
  '@verl-ts/prng': [/^2581720956 0\.448291 8$/m, /^true$/m, /^2 1 6 7 4 3 0 5$/m],
  '@verl-ts/datasets': [/^91 C \{x \\mid-3<x<4\}$/m, /^17-9\*6 17-54=\\boxed\{-37\} -37$/m],
  '@verl-ts/verifiers': [/correct: true/, /^\} 1\nfalse\ntrue\ntrue\n0\.5 0\ntrue\ntrue\nfalse\n1, 2$/m],
  '@verl-ts/models': [/^\[ 1, 4, 64 \] \[ 1, 4, 32 \]$/m, /^0$/m],
  '@verl-ts/rollout': [/^1 3 /m, /CCCCCCCC/],
  '@verl-ts/trainer': [/^step 2 reward/m, /^2 .*step-2$/m],
  '@verl-ts/rollout-llamacpp': [/^qwen2 26 tensors \d+ bytes$/m, /same tokens as TensorFlow\.js: true/],
  '@verl-ts/eval-runner': [/^0\.6071$/m, /answer: '42', votes: 2, correct: true/, /^exit 0$/m],
};
/** Packages that must work with no TensorFlow.js installed (DESIGN: numeric packages never import it). */
const NO_TENSORFLOW = ['@verl-ts/rank-metrics', '@verl-ts/verl-advantage', '@verl-ts/datasets', '@verl-ts/verifiers', '@verl-ts/prng'];

const work = mkdtempSync(join(tmpdir(), 'verl-pack-'));
const tarballs = join(work, 'tarballs');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  // pnpm puts the workspace's module folders on NODE_PATH; the fresh project must not see them.
  const { NODE_PATH: _ignored, ...env } = process.env;
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, npm_config_update_notifier: 'false', npm_config_cache: join(work, 'npm-cache'), npm_config_fund: 'false', npm_config_audit: 'false' },
    timeout,
  });
}

const packages = workspacePackages();
const tarballOf = new Map<string, string>();

beforeAll(() => {
  mkdirSync(tarballs, { recursive: true });
  for (const p of packages) {
    if (!existsSync(join(p.dir, 'dist', 'index.js'))) run('pnpm', ['--filter', p.name, 'build'], repoRoot);
    const before = new Set(readdirSync(tarballs));
    run('pnpm', ['pack', '--pack-destination', tarballs], p.dir);
    const made = readdirSync(tarballs).find((f) => !before.has(f));
    if (!made) throw new Error(`pnpm pack wrote no tarball for ${p.name}`);
    tarballOf.set(p.name, join(tarballs, made));
  }
}, 300_000);

describe('packed packages install alone and run their README example', () => {
  for (const pkg of packages) {
    it(pkg.name, () => {
      const app = join(work, pkg.name.replace('@verl-ts/', 'app-'));
      mkdirSync(app, { recursive: true });
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
      const closure = workspaceClosure(pkg.name, packages);
      const thirdParty = closure.some((p) => Object.keys(p.manifest.dependencies ?? {}).some((d) => !d.startsWith('@verl-ts/')));
      const offline = thirdParty ? [] : ['--offline'];
      run('npm', ['install', ...closure.map((p) => tarballOf.get(p.name)!), '--no-package-lock', ...offline], app);

      const installed = join(app, 'node_modules', ...pkg.name.split('/'));
      const shipped = readdirSync(installed, { recursive: true }) as string[];
      expect(shipped.filter((f) => /\.test\.|test-utils|\.bench\./.test(f)), 'no test code ships').toEqual([]);
      expect(existsSync(join(installed, 'dist', 'index.d.ts')), 'types ship').toBe(true);
      if (NO_TENSORFLOW.includes(pkg.name)) expect(existsSync(join(app, 'node_modules', '@tensorflow'))).toBe(false);

      const example = readmeExample(readFileSync(join(installed, 'README.md'), 'utf8'));
      expect(example, `${pkg.name} README has a js example`).toBeDefined();
      const out = run('node', ['--input-type=module', '-e', example!], app, 120_000);
      for (const re of EXPECTED[pkg.name] ?? [/./]) expect(out).toMatch(re);
      rmSync(app, { recursive: true, force: true });
    }, 360_000);
  }
});
