import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdamW } from './adamw.js';
import { learningRateAt } from './schedule.js';
import { clipByGlobalNormAsync, globalNormAsync } from './gradients.js';
import { initBackend } from '@verl-ts/models';

/** The update as tensor ops over a whole variable, as AdamW.apply computed it before issue 19. */
function referenceStep(p: tf.Variable, m: tf.Variable, v: tf.Variable, g0: tf.Tensor, t: number, lr: number, wd: number, scale: number): void {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  tf.tidy(() => {
    const g = scale === 1 ? g0 : tf.mul(g0, scale);
    const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
    const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
    m.assign(mNew);
    v.assign(vNew);
    const denom = tf.add(tf.sqrt(tf.div(vNew, 1 - b2 ** t)), eps);
    const update = tf.div(tf.div(mNew, 1 - b1 ** t), denom);
    p.assign(tf.sub(tf.mul(p, 1 - lr * wd), tf.mul(update, lr)));
  });
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
}

describe('AdamW', () => {
  it('matches torch.optim.AdamW step by step (values from a scalar float64 run)', () => {
    const p = tf.variable(tf.tensor1d([1]), true, 'p');
    const opt = new AdamW([p], { weightDecay: 0.01 });
    const want = [0.899000002, 0.8714672987058463, 0.804784672376384];
    [0.5, -0.25, 1.0].forEach((g, i) => {
      opt.apply([tf.tensor1d([g])], 0.1);
      expect(p.dataSync()[0]).toBeCloseTo(want[i], 5);
    });
    expect(opt.step).toBe(3);
  });
  it('state round-trips through save/load and continues identically', async () => {
    const mk = () => tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, 'w');
    const a = mk(); const optA = new AdamW([a]);
    const gs = [[[0.1, 0.2], [-0.3, 0.4]], [[1, -1], [0.5, 0.25]], [[-0.2, 0.1], [0.3, -0.7]]];
    optA.apply([tf.tensor2d(gs[0])], 0.01);
    optA.apply([tf.tensor2d(gs[1])], 0.01);
    const dir = mkdtempSync(join(tmpdir(), 'adamw-'));
    await optA.save(dir);
    const b = tf.variable(a.clone(), true, 'w2'); const optB = new AdamW([b]);
    await optB.load(dir);
    expect(optB.step).toBe(2);
    optA.apply([tf.tensor2d(gs[2])], 0.01);
    optB.apply([tf.tensor2d(gs[2])], 0.01);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const c = tf.variable(tf.zeros([3]), true, 'other');
    await expect(new AdamW([c]).load(dir)).rejects.toThrow(/tensor 0 is 'w'/);
  });
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: the fused update is bit-identical to the tensor-op update, clip scale included`, async () => {
      await initBackend(backend);
      const rnd = lcg(11);
      const shape = [37, 29];
      const init = Float32Array.from({ length: 37 * 29 }, () => rnd() * 3);
      const p = tf.variable(tf.tensor2d(init, shape as [number, number]), true, `fused-p-${backend}`);
      const ref = tf.variable(tf.tensor2d(init, shape as [number, number]), true, `fused-ref-${backend}`);
      const [rm, rv] = [tf.variable(tf.zeros(shape), false), tf.variable(tf.zeros(shape), false)];
      const opt = new AdamW([p], { weightDecay: 0.01 });
      // the op path, forced by a second reference to θ's data (nothing may be written in place then)
      const q = tf.variable(tf.tensor2d(init, shape as [number, number]), true, `fused-q-${backend}`);
      const hold = q.clone();
      const optQ = new AdamW([q], { weightDecay: 0.01 });
      [1, 0.37, 1, 0.8].forEach((scale, k) => {
        const g = tf.tensor2d(Float32Array.from({ length: 37 * 29 }, () => rnd() * (k + 1)), shape as [number, number]);
        opt.apply([g], 3e-3, { gradScale: scale });
        optQ.apply([g], 3e-3, { gradScale: scale });
        referenceStep(ref, rm, rv, g, k + 1, 3e-3, 0.01, scale);
        g.dispose();
      });
      expect(Array.from(p.dataSync())).toEqual(Array.from(ref.dataSync()));
      expect(Array.from(q.dataSync())).toEqual(Array.from(ref.dataSync()));
      expect(Array.from(hold.dataSync())).toEqual(Array.from(init)); // the shared data was left alone
      tf.dispose([p, ref, rm, rv, q, hold]);
      opt.dispose();
      optQ.dispose();
    });

    it(`${backend}: holds 3x the parameter bytes and peaks under 5x during apply, gradients freed as applied`, async () => {
      await initBackend(backend);
      const before = tf.memory().numBytes;
      // a small model whose largest tensor (the embedding) is 84% of its parameters, as in a
      // 1-layer Qwen2.5-0.5B shape
      const shapes = [[4000, 64], [64, 64], [64, 64], [64, 256], [256, 64], [64]];
      const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.randomNormal(s), true, `mem-${backend}-${i}`)));
      const paramBytes = tf.memory().numBytes - before;
      const opt = new AdamW(vars, { weightDecay: 0.01 });
      expect((tf.memory().numBytes - before) / paramBytes).toBeLessThanOrEqual(3.05);
      for (let step = 0; step < 3; step++) {
        const grads = shapes.map((s) => tf.randomNormal(s));
        const start = tf.memory().numBytes;
        // tf.profile samples the live bytes when a kernel runs; the fused update makes θ's new value
        // outside any kernel (wasm), so the bytes are also read at each assign, when old and new are alive
        let assignPeak = 0;
        const assign = tf.Variable.prototype.assign;
        tf.Variable.prototype.assign = function (this: tf.Variable, t: tf.Tensor) {
          assignPeak = Math.max(assignPeak, tf.memory().numBytes);
          assign.call(this, t);
        };
        let prof: Awaited<ReturnType<typeof tf.profile>>;
        try {
          prof = await tf.profile(() => opt.apply(grads, 1e-3, { gradScale: 0.5, disposeGrads: true }));
        } finally {
          tf.Variable.prototype.assign = assign;
        }
        const peak = Math.max(prof.peakBytes, assignPeak, start);
        // measured: cpu 4.00x (all in place), wasm 4.86x (θ, m, v, gradients and a fresh embedding)
        expect((peak - before) / paramBytes).toBeLessThanOrEqual(5);
        expect((start - before) / paramBytes).toBeCloseTo(4, 5); // θ, m, v and the gradients going in
        expect((tf.memory().numBytes - before) / paramBytes).toBeCloseTo(3, 5); // gradients freed
      }
      opt.dispose();
      tf.dispose(vars);
      expect(tf.memory().numBytes).toBe(before);
    });
  }

  it('rejects bad hyper-parameters and mismatched gradients', () => {
    const p = tf.variable(tf.zeros([2]), true, 'q');
    expect(() => new AdamW([p], { beta1: 1 })).toThrow(RangeError);
    expect(() => new AdamW([p]).apply([tf.zeros([3])], 0.1)).toThrow(/shape/);
  });
});

describe('learning-rate schedule', () => {
  it('linear warmup then constant', () => {
    expect(learningRateAt(0, { lr: 1, warmupSteps: 4 })).toBeCloseTo(0.25);
    expect(learningRateAt(3, { lr: 1, warmupSteps: 4 })).toBeCloseTo(1);
    expect(learningRateAt(10, { lr: 1, warmupSteps: 4 })).toBe(1);
  });
  it('cosine decays to the floor at totalSteps', () => {
    const s = { lr: 2, warmupSteps: 2, schedule: 'cosine' as const, totalSteps: 12, minLrRatio: 0.1 };
    expect(learningRateAt(2, s)).toBeCloseTo(2);
    expect(learningRateAt(7, s)).toBeCloseTo(2 * (0.1 + 0.9 * 0.5));
    expect(learningRateAt(12, s)).toBeCloseTo(0.2);
    expect(() => learningRateAt(3, { lr: 1, schedule: 'cosine' })).toThrow(/totalSteps/);
  });
});

describe('gradient clipping', () => {
  it('global norm over tensors and torch-style clip coefficient', async () => {
    const g = [tf.tensor1d([3]), tf.tensor1d([4])];
    expect(await globalNormAsync(g)).toBeCloseTo(5);
    const { grads, norm } = await clipByGlobalNormAsync(g, 1);
    expect(norm).toBeCloseTo(5);
    expect(grads[0].dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(grads[1].dataSync()[0]).toBeCloseTo(0.8, 5);
    const small = await clipByGlobalNormAsync([tf.tensor1d([0.3])], 1);
    expect(small.grads[0].dataSync()[0]).toBeCloseTo(0.3, 6);
    expect((await clipByGlobalNormAsync([tf.tensor1d([NaN])], 1)).norm).toBeNaN();
  });
});
