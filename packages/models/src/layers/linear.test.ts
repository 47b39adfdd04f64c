import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../index.js';
import { LARGE_WEIGHT_BYTES, linear } from './linear.js';

const maxRel = (a: Float32Array, b: Float32Array) => {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / scale;
};

describe('linear on wasm with a weight as large as an LM head', () => {
  // the blockwise input gradient changes the summation order of dx only
  it('value and gradients (the input gradient over blocks of rows) equal x W^T with transposeB', async () => {
    await initBackend('wasm');
    // [out, in] above LARGE_WEIGHT_BYTES: the blockwise input gradient
    const out = Math.ceil(LARGE_WEIGHT_BYTES / (4 * 512)) + 4000;
    const W = tf.tidy(() => tf.variable(tf.randomNormal([out, 512], 0, 0.02, 'float32', 1), true, 'large-linear-w'));
    const x = tf.randomNormal([6, 512], 0, 1, 'float32', 2) as tf.Tensor2D;
    const dy = tf.randomNormal([6, out], 0, 1, 'float32', 3) as tf.Tensor2D;
    const run = (f: (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D) =>
      tf.grads((a: tf.Tensor, w: tf.Tensor) => f(a as tf.Tensor2D, w as tf.Tensor2D))([x, W], dy);
    const [dx, dW] = run((a, w) => linear(a, { weight: w }));
    const y = linear(x, { weight: W as tf.Tensor2D });
    // the plain wasm route (one product for dx, W transposed whole inside the kernel)
    const plain = (a: tf.Tensor2D, w: tf.Tensor2D) => tf.transpose(tf.matMul(w, tf.transpose(a))) as tf.Tensor2D;
    const [dxRef, dWRef] = run(plain);
    const yRef = plain(x, W as tf.Tensor2D);
    expect(maxRel(y.dataSync() as Float32Array, yRef.dataSync() as Float32Array)).toBeLessThan(1e-5);
    expect(maxRel(dx.dataSync() as Float32Array, dxRef.dataSync() as Float32Array)).toBeLessThan(1e-5);
    expect(maxRel(dW.dataSync() as Float32Array, dWRef.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([W, x, dy, dx, dW, y, dxRef, dWRef, yRef]);
  });
});
