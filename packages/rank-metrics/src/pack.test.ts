// The published artefact works on its own: pack with pnpm, install the tarball into an
// empty project with npm (offline: the package has no dependencies), import one function
// selectively, and make sure nothing from TensorFlow.js comes along.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'rank-metrics-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  // pnpm puts the workspace's module folders on NODE_PATH; the fresh project must not see them.
  const { NODE_PATH: _ignored, ...env } = process.env;
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // No registry traffic: offline npm, private cache, no audit/fund/update checks.
    env: { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_cache: join(work, 'npm-cache') },
    timeout: 60_000,
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

describe('pnpm pack + install into an empty project', () => {
  it('installs offline and imports effectiveRank selectively, without TensorFlow.js', () => {
    run('pnpm', ['--filter', '@verl-ts/rank-metrics', 'build'], pkgDir);
    run('pnpm', ['pack', '--pack-destination', work], pkgDir);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball, 'pnpm pack wrote a tarball').toBeDefined();

    const app = join(work, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
    run('npm', ['install', join(work, tarball!), '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], app);

    const installed = join(app, 'node_modules', '@verl-ts', 'rank-metrics');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(existsSync(join(installed, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'README.md'))).toBe(true);
    // Only this package was installed, and no shipped file mentions @tensorflow or has tests.
    expect(readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['@verl-ts']);
    const shipped = listFiles(installed);
    expect(shipped.filter((f) => /\.test\.|test-utils/.test(f))).toEqual([]);
    for (const f of shipped.filter((f) => f.endsWith('.js'))) expect(readFileSync(f, 'utf8')).not.toContain('@tensorflow');

    // Rows ±2.5 e_k for k < 3 in 5 dimensions: three equal singular values, ER = 3.
    const script = `
      import { effectiveRank } from '@verl-ts/rank-metrics';
      const D = 5, rows = [];
      for (let k = 0; k < 3; k++) for (const s of [1, -1]) { const r = new Array(D).fill(0); r[k] = 2.5 * s; rows.push(...r); }
      const er = effectiveRank({ data: Float32Array.from(rows), rows: 6, cols: D });
      const { createRequire } = await import('node:module');
      let tf = 'absent';
      try { createRequire(import.meta.url).resolve('@tensorflow/tfjs'); tf = 'present'; } catch {}
      console.log(JSON.stringify({ er, tf }));`;
    const out = JSON.parse(run('node', ['--input-type=module', '-e', script], app).trim());
    expect(out.er).toBeCloseTo(3, 6);
    expect(out.tf).toBe('absent');

    // The README's example runs as written against the installed package.
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a js example').toBeDefined();
    const printed = run('node', ['--input-type=module', '-e', example!], app).trim().split('\n');
    expect(Number(printed[0])).toBeGreaterThan(40);
    expect(printed[1].split(' ').pop()).toBe('7');
  });
});
