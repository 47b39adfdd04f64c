import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { prepareBackend } from './prepare.js';

describe('WASM matMul adapter', () => {
  it('gives the same products and gradients as explicit transposes', async () => {
    expect(await prepareBackend('wasm')).toBe('wasm');
    const a = tf.tensor3d(Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i)), [2, 5, 3]);
    const b = tf.tensor3d(Array.from({ length: 2 * 5 * 4 }, (_, i) => Math.cos(i)), [2, 5, 4]);
    const flagged = tf.matMul(a, b, true, false);
    const explicit = tf.matMul(tf.transpose(a, [0, 2, 1]), b);
    expect(flagged.shape).toEqual([2, 3, 4]);
    const d1 = await flagged.data();
    const d2 = await explicit.data();
    for (let i = 0; i < d1.length; i++) expect(d1[i]).toBeCloseTo(d2[i], 5);
    // a·bᵀ through transposeB, against a hand-computed entry
    const c = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]), false, true);
    expect(Array.from(await c.data())).toEqual([17, 23, 39, 53]);
    // gradient of sum(a·b) w.r.t. a uses transposeB internally: it equals rowsum(b) broadcast
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.matMul(x, tf.tensor2d([[1, 2], [3, 4]]))))(tf.tensor2d([[1, 1]]));
    expect(Array.from(await g.data())).toEqual([3, 7]);
    tf.tidy(() => {
      tf.matMul(a, b, true, false);
    });
    const before = tf.memory();
    for (let i = 0; i < 3; i++)
      tf.tidy(() => {
      tf.matMul(a, b, true, false);
    });
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});
