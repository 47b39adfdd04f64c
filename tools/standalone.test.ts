// The repository stands alone: nothing it ships, builds or tests looks outside it for reference
// data (users who clone it have no such folder). Reference data lives in fixtures/.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './test-support/fixtures.js';

describe('standalone repository', () => {
  it('no tracked file of packages/, apps/, tools/ or .ci/ reads the folder beside the repository', () => {
    const pattern = ['\\.\\./', 'shared', '|VERL_', 'SHARED|/work/', 'shared'].join(''); // not spelled out, so this file does not match itself
    const r = spawnSync('git', ['grep', '-n', '-I', '-E', pattern, '--', 'packages', 'apps', 'tools', '.ci', 'package.json', 'vitest.config.ts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status, r.stderr).not.toBe(2); // 0: matches found, 1: none, 2: git failed
    expect(r.stdout.trim()).toBe('');
  });
});
