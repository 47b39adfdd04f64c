import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './index.js';
import { tapeGradients } from './tape-gradients.js';

describe('tapeGradients', () => {
  beforeAll(async () => { await initBackend('wasm'); });

  // x is used three times (one of them passes its gradient through unchanged), w once, z never
  const f = (x: tf.Tensor, w: tf.Tensor) => () => tf.tidy(() => {
    const h = tf.tanh(tf.matMul(x, w));
    return tf.add(tf.add(tf.mul(h, x), x), tf.square(x));
  });

  it('gives the same value and gradients as engine.gradients, bit for bit, with dy; null for an input without a path', () => {
    const x = tf.randomNormal([6, 6], 0, 1, 'float32', 1);
    const w = tf.randomNormal([6, 6], 0, 1, 'float32', 2);
    const z = tf.randomNormal([3], 0, 1, 'float32', 3);
    const dy = tf.randomNormal([6, 6], 0, 1, 'float32', 4);
    const ref = tf.engine().gradients(f(x, w), [x, w], dy);
    const before = tf.memory().numTensors;
    const got = tapeGradients(f(x, w), [x, w, z], dy);
    expect(got.value.dataSync()).toEqual(ref.value.dataSync());
    expect(got.grads[0]!.dataSync()).toEqual(ref.grads[0].dataSync());
    expect(got.grads[1]!.dataSync()).toEqual(ref.grads[1].dataSync());
    expect(got.grads[2]).toBeNull();
    expect(dy.isDisposed).toBe(false);
    tf.dispose([got.value, got.grads[0]!, got.grads[1]!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, z, dy, ref.value, ...ref.grads]);
  });

  it('frees gradients and saved tensors as it walks: lower peak than engine.gradients on a deep chain', async () => {
    const x = tf.randomNormal([64, 256], 0, 1, 'float32', 5);
    const chain = () => tf.tidy(() => {
      let h = x;
      for (let i = 0; i < 20; i++) { const prev = h; h = tf.tidy(() => tf.sin(tf.mul(prev, 1.01))); }
      return tf.sum(h) as tf.Scalar;
    });
    // (tf.profile returns the same object each time: read peakBytes before the next profile)
    const whole = (await tf.profile(() => { const r = tf.engine().gradients(chain, [x]); tf.dispose([r.value, ...r.grads]); })).peakBytes;
    const freed = (await tf.profile(() => { const r = tapeGradients(chain, [x]); tf.dispose([r.value, ...(r.grads as tf.Tensor[])]); })).peakBytes;
    expect(freed).toBeLessThan(whole * 0.8);
    x.dispose();
  });

  it('refuses to run inside another gradient recording', () => {
    const x = tf.scalar(2);
    expect(() => tf.grads((a: tf.Tensor) => tapeGradients(() => tf.square(a), [a]).value)([x])).toThrow(/inside another gradient recording/);
    x.dispose();
  });
});
