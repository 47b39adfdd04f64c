import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdamW } from './adamw.js';
import { learningRateAt } from './schedule.js';
import { clipByGlobalNorm, globalNorm, GradAccumulator } from './gradients.js';

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
    const s = { lr: 2, warmupSteps: 2, kind: 'cosine' as const, totalSteps: 12, minLrRatio: 0.1 };
    expect(learningRateAt(2, s)).toBeCloseTo(2);
    expect(learningRateAt(7, s)).toBeCloseTo(2 * (0.1 + 0.9 * 0.5));
    expect(learningRateAt(12, s)).toBeCloseTo(0.2);
    expect(() => learningRateAt(3, { lr: 1, kind: 'cosine' })).toThrow(/totalSteps/);
  });
});

describe('gradient clipping and accumulation', () => {
  it('global norm over tensors and torch-style clip coefficient', () => {
    const g = [tf.tensor1d([3]), tf.tensor1d([4])];
    expect(globalNorm(g)).toBeCloseTo(5);
    const { grads, norm } = clipByGlobalNorm(g, 1);
    expect(norm).toBeCloseTo(5);
    expect(grads[0].dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(grads[1].dataSync()[0]).toBeCloseTo(0.8, 5);
    const small = clipByGlobalNorm([tf.tensor1d([0.3])], 1);
    expect(small.grads[0].dataSync()[0]).toBeCloseTo(0.3, 6);
    expect(clipByGlobalNorm([tf.tensor1d([NaN])], 1).norm).toBeNaN();
  });
  it('accumulates weighted sums', () => {
    const acc = new GradAccumulator();
    acc.add([tf.tensor1d([1, 2])], 0.5);
    acc.add([tf.tensor1d([3, 4])], 0.5);
    expect(Array.from(acc.take()![0].dataSync())).toEqual([2, 3]);
    expect(acc.take()).toBeNull();
  });
});
