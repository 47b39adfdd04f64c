import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { readConfigFile } from './shared/config-file.js';
import { tinyArithDir } from '../demo/assets.js';
import { DEMO_DEFAULTS, demoRLConfig } from '../demo/config.js';
import { parseStudyConfig } from '../study/study-config.js';
import { runStudy, RUN_DONE_FILE } from '../study/run-study.js';
import type { StudySummary } from '../study/summary.js';

function capture(signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal } };
}

const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').length;

// 2 arms × 2 seeds × 2 steps on the bundled tiny policy, 8 held-out problems × 4 samples.
const STUDY_YAML = (dir: string) => `name: tiny
outputDir: ${dir}
seeds: 2
arms: [grpo, grpo-verl]
base:
  trainer: { steps: 2, promptsPerStep: 4, saveEvery: 1 }
  rollout: { n: 4 }
  actor: { miniBatchSize: 4, microBatchSize: 16, logProbMicroBatchSize: 16 }
eval: { problems: 8, n: 4 }
`;

describe('verl compare (a tiny study on the bundled policy)', () => {
  it('stops when interrupted, resumes (finished runs skipped, the interrupted one continued) and writes the table, summary and report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-compare-'));
    const file = join(dir, 'study.yaml');
    writeFileSync(file, STUDY_YAML(dir));
    const study = parseStudyConfig(readConfigFile(file), demoRLConfig('grpo', tinyArithDir(), 'runs', DEMO_DEFAULTS));
    expect(study.arms.map((a) => a.label)).toEqual(['GRPO', 'GRPO+VERL']);

    // 1. interrupted after step 1 of the second run (GRPO+VERL, seed 0): seed-major order
    const stop = new AbortController();
    const first = capture(stop.signal);
    const partial = await runStudy({ study, io: first.io, onStep: (arm, seed, step) => { if (arm === 'grpo-verl' && seed === 0 && step === 1) stop.abort(); } });
    expect(partial.complete).toBe(false);
    const runs = join(dir, 'tiny', 'runs');
    expect(existsSync(join(runs, 'grpo-seed0', RUN_DONE_FILE))).toBe(true);
    expect(existsSync(join(runs, 'grpo-verl-seed0', RUN_DONE_FILE))).toBe(false);
    expect(lines(join(runs, 'grpo-verl-seed0', 'metrics.jsonl'))).toBe(1);

    // 2. the same command again: the finished run is skipped, the stopped one resumes at step 1
    const second = capture();
    const code = await main(['compare', '--config', file], second.io);
    expect(code, second.err.join('')).toBe(0);
    const log = second.err.join('');
    expect(log).toContain('4 runs (1 already finished)');
    expect(log).toContain('GRPO+VERL seed 0: resuming at step 1');
    // 4 runs × (2 steps + an eval of 8 × 4 responses = 2 steps of 4 × 4) = 16 units
    expect(log).toMatch(/study: 100% \(16\/16\) .*ETA/);
    for (const run of ['grpo-seed0', 'grpo-verl-seed0', 'grpo-seed1', 'grpo-verl-seed1']) {
      expect(lines(join(runs, run, 'metrics.jsonl')), run).toBe(2);
      expect(existsSync(join(runs, run, RUN_DONE_FILE)), run).toBe(true);
    }
    expect(lines(join(runs, 'grpo-seed0', 'metrics.jsonl'))).toBe(2); // not retrained

    // the paired arms share seeds and data order; only VERL differs
    const cfg = (run: string) => JSON.parse(readFileSync(join(runs, run, 'config.json'), 'utf8')) as { seed: number; data: { seed: number }; algorithm: { verl: { enabled: boolean } } };
    expect([cfg('grpo-seed1').seed, cfg('grpo-seed1').data.seed]).toEqual([1, 2]);
    expect([cfg('grpo-verl-seed1').seed, cfg('grpo-verl-seed1').data.seed]).toEqual([1, 2]);
    expect([cfg('grpo-seed1').algorithm.verl.enabled, cfg('grpo-verl-seed1').algorithm.verl.enabled]).toEqual([false, true]);

    // the table: one row per arm with mean, both intervals, pass@1/2/4 and the paired difference
    const table = second.out.join('');
    expect(table).toMatch(/^arm\s+seeds\s+avg@4 \(mean\)\s+95% CI \(seeds, t\)\s+95% CI \(problems, bootstrap\)\s+pass@1\s+pass@2\s+pass@4\s+Δ vs GRPO \(points\)/m);
    expect(table).toMatch(/^GRPO\s+2\s+\d+\.\d%\s+(\[-?\d+\.\d, -?\d+\.\d\]%|–)\s+\[\d+\.\d, \d+\.\d\]%/m);
    expect(table).toMatch(/^GRPO\+VERL\s+2\s+\d+\.\d%/m);
    expect(table).toMatch(/^GRPO\+VERL − GRPO \(held-out avg@4\): [+−]?\d+\.\d points (\[[^\]]+\] over 2 seeds; the interval (includes 0|excludes 0: GRPO\+VERL is (higher|lower))|over 2 seeds)/m);
    const summary = JSON.parse(readFileSync(join(dir, 'tiny', 'study.json'), 'utf8')) as StudySummary;
    expect(summary.complete).toBe(true);
    expect(summary.arms.map((a) => a.seeds)).toEqual([[0, 1], [0, 1]]);
    expect(summary.ks).toEqual([1, 2, 4]);
    const [grpo, verl] = summary.arms;
    // the paired difference is the mean of the per-seed differences
    expect(verl.difference!.paired.mean).toBeCloseTo((verl.perSeed[0] - grpo.perSeed[0] + verl.perSeed[1] - grpo.perSeed[1]) / 2, 12);
    expect(grpo.avgN.mean).toBeCloseTo((grpo.perSeed[0] + grpo.perSeed[1]) / 2, 12);
    const md = readFileSync(join(dir, 'tiny', 'study.md'), 'utf8');
    expect(md).toContain('| arm | seeds | avg@4 (mean) |');
    expect(md).toContain(`- ${verl.difference!.sentence}`);
    const html = readFileSync(join(dir, 'tiny', 'report.html'), 'utf8');
    for (const id of ['plot-study-heldout', 'plot-study-difference', 'plot-study-passk', 'plot-study-reward', 'plot-study-length', 'plot-study-truncation', 'plot-study-bonus', 'plot-study-kl', 'plot-study-entropy', 'plot-study-gradnorm']) expect(html).toContain(`data-plot="${id}"`);
    expect(html).toContain('id="settings-table"');

    // 3. once more: nothing is trained or evaluated again
    const third = capture();
    expect(await main(['compare', '--config', file], third.io)).toBe(0);
    expect(third.err.join('')).toContain('4 runs (4 already finished)');
    expect(third.out.join('')).toBe(second.out.join('').replace(/total time: .*/, third.out.join('').match(/total time: .*/)![0]));

    // 4. a finished run with other settings is refused, naming the change
    const changed = capture();
    expect(await main(['compare', '--config', file, '--set', 'actor.lr=0.001'], changed.io)).toBe(1);
    expect(changed.err.join('')).toMatch(/grpo-seed0 finished with other settings \(config\.actor\.lr 0\.0003 → 0\.001\)/);
  }, 120_000);

  it('--print-config shows the four default arms and the demo base; bad studies are refused', async () => {
    const c = capture();
    expect(await main(['compare', '--print-config', '--seeds', '3'], c.io)).toBe(0);
    const text = c.out.join('');
    expect(text).toMatch(/seeds:\n  - 0\n  - 1\n  - 2\n/);
    for (const label of ['GRPO', 'GRPO+VERL', 'GRPO+VERL (reference mode)', 'GRPO+VERL+overlong']) expect(text).toContain(`label: ${label}\n`);
    expect(text).toContain('reward.overlong.bufferLength: 6'); // a quarter of the 24-token limit
    expect(text).toContain('algorithm.verl.shaper.mode: reference');
    const bad = capture();
    expect(await main(['compare', '--print-config', '--arms', 'grpo,nope'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/arms\[1\]: 'nope' is not a default arm/);
  });
});
