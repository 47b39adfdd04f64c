// The GPU benchmark runs where CI cannot (a device machine); these checks keep it from rotting:
// its helpers against hand-computed numbers, the whole bench.mjs on the cpu backend at the
// tiny shapes, and report.mjs's ratio and acceptance logic.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clipByGlobalNormAsync } from '@verl-ts/trainer';
import { repoRoot } from '../test-support/fixtures.js';
import { clipOnDevice, median, summarizeProfile } from './bench-util.mjs';

// the tfjs instance the workspace packages use (the repo root has none of its own)
const tfPath = createRequire(join(repoRoot, 'packages/models/package.json')).resolve('@tensorflow/tfjs');
const tf = (await import(pathToFileURL(tfPath).href)) as typeof import('@tensorflow/tfjs');
const here = join(repoRoot, 'tools/gpu-bench');
const built = ['models', 'rollout', 'trainer'].every((p) => existsSync(join(repoRoot, 'packages', p, 'dist/index.js')));

describe('clipOnDevice', () => {
  it('scales by maxNorm / (norm + 1e-6) as torch clip_grad_norm_ does, and leaves small gradients alone', async () => {
    await tf.setBackend('cpu');
    const a = tf.tensor1d([3, 4]), b = tf.tensor1d([12]); // global norm 13
    const [ca, cb] = clipOnDevice(tf, [a, b], 1);
    const c = 1 / (13 + 1e-6);
    expect(Array.from(await ca.data())).toEqual([expect.closeTo(3 * c, 7), expect.closeTo(4 * c, 7)]);
    expect((await cb.data())[0]).toBeCloseTo(12 * c, 7);
    const [ua, ub] = clipOnDevice(tf, [a, b], 20);
    expect(Array.from(await ua.data())).toEqual([3, 4]);
    expect(Array.from(await ub.data())).toEqual([12]);
    tf.dispose([a, b, ca, cb, ua, ub]);
  });

  it('agrees with the trainer clipByGlobalNormAsync over many tensors (pairwise sum instead of addN)', async () => {
    await tf.setBackend('cpu');
    const gs = Array.from({ length: 12 }, (_, i) => tf.fill([3, 5], (i + 1) / 10));
    // norm² = 15 · Σ ((i+1)/10)² = 15 · 650 / 100
    const ours = clipOnDevice(tf, gs, 2);
    const { grads: theirs, norm } = await clipByGlobalNormAsync(gs, 2);
    expect(norm).toBeCloseTo(Math.sqrt(97.5), 5);
    for (let i = 0; i < gs.length; i++) {
      const o = await ours[i].data(), t = await theirs[i].data();
      expect(o[0]).toBeCloseTo(((i + 1) / 10) * 2 / (Math.sqrt(97.5) + 1e-6), 6);
      expect(o[0]).toBeCloseTo(t[0], 6);
    }
    tf.dispose([...gs, ...ours, ...theirs]);
    expect(() => clipOnDevice(tf, [], 0)).toThrow(RangeError);
  });
});

describe('summarizeProfile', () => {
  it('splits kernel time into forward / backward / optimizer at the marks and ranks kernels', () => {
    const s = summarizeProfile([
      { name: 'MatMul', kernelTimeMs: 1, inputShapes: [[2, 2]] },
      { name: 'Add', kernelTimeMs: 3, inputShapes: [[4]] },
      { name: 'MatMul', kernelTimeMs: 2, inputShapes: [[2, 2]] },
      { name: 'Reshape', kernelTimeMs: 0 },
    ], { forward: 1, backward: 3 });
    expect(s.kernels).toBe(4);
    expect(s.kernelMsTotal).toBe(6);
    expect(s.kernelsWithoutGpuTime).toBe(1);
    expect(s.gpuMsByPhase).toEqual({ forward: 1, backward: 5, optimizer: 0 });
    expect(s.kernelsByPhase).toEqual({ forward: 1, backward: 2, optimizer: 1 });
    // MatMul and Add both take 3 ms: the one run more often ranks first
    expect(s.topByName.map((k) => [k.name, k.count, k.ms, k.share])).toEqual([['MatMul', 2, 3, 0.5], ['Add', 1, 3, 0.5], ['Reshape', 1, 0, 0]]);
    expect(s.topByNameAndShape[0]).toMatchObject({ kernel: 'MatMul [[2,2]]', count: 2, ms: 3 });
    expect(median([5, 1, 3, 2])).toBe(2.5);
  });
});

describe('bench.mjs on the cpu backend (tiny shapes)', () => {
  it.skipIf(!built)('times the step and generation and writes the JSON report.mjs reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpu-bench-'));
    const out = join(dir, 'ours.json');
    execFileSync('node', [join(here, 'bench.mjs'), '--quick', '--backend', 'cpu', '--no-profile', '--no-matmul', '--out', out], { encoding: 'utf8', stdio: 'pipe' });
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const t = r.sizes.tiny;
    expect(t.error).toBeUndefined();
    // V·d + L·(4d² + 3·d·F + 2d) + d for V 512, d 64, L 2, F 128, tied embeddings
    expect(t.params).toBe(512 * 64 + 2 * (4 * 64 * 64 + 3 * 64 * 128 + 2 * 64) + 64);
    // random init N(0, 0.02): logits near 0, so the first loss is near ln V
    expect(Math.abs(t.firstLoss - Math.log(512))).toBeLessThan(0.1);
    expect(t.stepMs.median).toBeGreaterThan(0);
    expect(t.phasesMs.forward).toBeGreaterThan(0);
    expect(t.tensorsLeakedPerStep).toBe(0);
    expect(r.clip).toBe('trainer clipByGlobalNorm');
    expect(t.generation['2'].tokens).toBe(2 * 8);
    expect(t.generation['4'].tokens).toBe(4 * 8);
  });
});

describe('report.mjs', () => {
  it('prints ours/PyTorch ratios and the acceptance verdict (≤ 5 for every size)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpu-report-'));
    const size = (ms: number) => ({ params: 1e6, batch: 2, seq: 4, stepMs: { median: ms }, phasesMs: { forward: ms / 4, backward: ms / 2, optimizer: ms / 4 } });
    writeFileSync(join(dir, 'ours.json'), JSON.stringify({ backend: 'webgpu', sizes: { a: size(40), b: size(60) } }));
    writeFileSync(join(dir, 'torch.json'), JSON.stringify({ device: 'test', sizes: { a: size(10), b: size(10) } }));
    const run = (extra: string[]) => execFileSync('node', [join(here, 'report.mjs'), '--ours', join(dir, 'ours.json'), '--torch', join(dir, 'torch.json'),
      '--hf', join(dir, 'none.json'), '--out', join(dir, 'report.md'), ...extra], { encoding: 'utf8' });
    const text = run([]);
    expect(text).toMatch(/\| a \| 1\.00M \| 2×4 \| 40\.0 \| 10\.00 \| 4\.0× \| yes \|/);
    expect(text).toMatch(/\| b \| 1\.00M \| 2×4 \| 60\.0 \| 10\.00 \| 6\.0× \| no \|/);
    expect(text).toContain('ratio ≤ 5 for every size): not met');
    expect(run(['--target', '6'])).toContain('ratio ≤ 6 for every size): MET');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('| b | backward | 30.0 | 5.00 | 6.0× |');
  });
});
