import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './test-support/fixtures.js';

// The closing line CI reads comes from this script; a wrong count would hide failures.
function summarise(report: unknown): { out: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'));
  const file = join(dir, 'r.json');
  writeFileSync(file, JSON.stringify(report));
  try {
    const out = execFileSync('node', [join(repoRoot, 'tools/test-summary.mjs'), file], { encoding: 'utf8' });
    return { out: out.trim(), code: 0 };
  } catch (err) {
    const e = err as { stdout: string; status: number };
    return { out: e.stdout.trim(), code: e.status };
  }
}

describe('test-summary', () => {
  it('counts passes and failures, including suites that failed to load', () => {
    const r = summarise({
      numPassedTests: 5, numFailedTests: 1, numPendingTests: 2, numTodoTests: 0,
      testResults: [{ status: 'failed', assertionResults: [] }, { status: 'passed', assertionResults: [{}] }],
    });
    expect(r.out).toBe('5 passed, 2 failed, 2 skipped');
    expect(r.code).toBe(1);
  });
  it('exits 0 only when something passed and nothing failed', () => {
    expect(summarise({ numPassedTests: 3, numFailedTests: 0, testResults: [] })).toEqual({ out: '3 passed, 0 failed', code: 0 });
    expect(summarise({ numPassedTests: 0, numFailedTests: 0, testResults: [] }).code).toBe(1);
  });
});
