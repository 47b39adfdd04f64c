import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';
import type { DemoRow } from '../demo/run-demo.js';

describe('verl demo (smoke budget, tiny random model)', () => {
  it('trains GRPO and GRPO+VERL, evaluates start and both, prints the table and writes the report', async () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'verl-demo-model-'));
    await writeTinyTestModel(modelDir);
    const out = mkdtempSync(join(tmpdir(), 'verl-demo-'));
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = { stdout: { write: (s: string) => (stdout.push(s), true) }, stderr: { write: (s: string) => (stderr.push(s), true) }, signal: new AbortController().signal };
    const code = await main(['demo', '--quick', '--model', modelDir, '--out', out, '--eval-problems', '8', '--n', '4'], io);
    expect(code, stderr.join('')).toBe(0);
    const table = stdout.join('');
    expect(table).toMatch(/^start .*\n(?:.*\n)*?^GRPO\s.*\n^GRPO\+VERL\s/m);
    const { rows } = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { rows: DemoRow[] };
    expect(rows.map((r) => r.label)).toEqual(['start (bundled SFT policy)', 'GRPO', 'GRPO+VERL']);
    for (const r of rows) expect(r.avgN).toBeGreaterThanOrEqual(0);
    for (const arm of ['grpo', 'grpo-verl']) {
      const lines = readFileSync(join(out, arm, 'metrics.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(existsSync(join(out, arm, 'eval', 'probe.jsonl'))).toBe(true);
    }
    const cfg = JSON.parse(readFileSync(join(out, 'grpo-verl', 'config.json'), 'utf8')) as { algorithm: { verl: { enabled: boolean } } };
    expect(cfg.algorithm.verl.enabled).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const id of ['plot-reward', 'plot-er', 'plot-hidden-tradeoff', 'plot-token-tradeoff', 'plot-passk']) expect(html).toContain(`data-plot="${id}"`);
    // rerunning resumes: nothing is retrained or regenerated
    const again: string[] = [];
    const code2 = await main(['demo', '--quick', '--model', modelDir, '--out', out, '--eval-problems', '8', '--n', '4'], { ...io, stderr: { write: (s: string) => (again.push(s), true) } });
    expect(code2).toBe(0);
    expect(again.join('')).toContain('arithmetic: 8 of 8 problems already in');
    expect(readFileSync(join(out, 'grpo', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
