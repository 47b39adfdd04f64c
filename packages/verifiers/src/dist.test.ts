// Users and CI run the built package: compile it to a scratch folder and check that the
// CAS worker (an eval'd worker that imports mathjs by a resolved path) works from plain JS:
// it confirms √117 = 3√13 and refuses √117.000001, which float64 (4e-9 apart) cannot tell apart.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// inside node_modules so that `mathjs` resolves from the compiled files, and git ignores it
const out = join(pkg, 'node_modules', '.cache', `verifiers-dist-test-${process.pid}`);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('built package', () => {
  it('grades with the CAS worker when run as compiled JavaScript', () => {
    mkdirSync(out, { recursive: true });
    const tsc = join(pkg, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.build.json'), '--outDir', out, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], { stdio: 'pipe' });
    const script = join(out, 'check.mjs');
    writeFileSync(
      script,
      `import { gradeAnswer } from './index.js';
       const a = await gradeAnswer('so $\\\\boxed{\\\\sqrt{117}}$', { answer: '3\\\\sqrt{13}' }, { timeoutMs: 60000 });
       const b = await gradeAnswer('so $\\\\boxed{\\\\sqrt{117.000001}}$', { answer: '3\\\\sqrt{13}' }, { timeoutMs: 60000 });
       console.log(JSON.stringify([a.correct, b.correct]));`,
    );
    const stdout = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 });
    expect(JSON.parse(stdout.trim())).toEqual([true, false]);
  });
});
