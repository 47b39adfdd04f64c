// Gradient sums and norms, and the readbacks of the trainer's passes: one `await data()` per
// micro-batch of scoring and per optimizer update (webgpu in Node has no synchronous readback).
import { describe, it, expect, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { addNChunked, clipByGlobalNormAsync, globalNormAsync } from './gradients.js';
import { scoreBatchAsync } from './forward-pass.js';
import { ppoUpdateAsync, type PPOSettings } from './ppo-update.js';
import { AdamW } from './adamw.js';
import { tinyPPOBatch } from './test-utils/tiny-ppo-batch.js';

describe('addNChunked / global norm', () => {
  it('is bit-identical to one tf.addN on cpu for 1..20 tensors and chunk sizes 2..7', () => {
    for (const n of [1, 2, 7, 8, 13, 20]) {
      const xs = Array.from({ length: n }, (_, i) => tf.tensor1d([Math.sin(i + 1) * 1e3, Math.cos(i) / 3, 1e-7 * i, (i % 3) - 1.1]));
      const want = tf.addN(xs).dataSync();
      for (const k of [2, 3, 7]) expect(Array.from(addNChunked(xs, k).dataSync())).toEqual(Array.from(want));
      tf.dispose(xs);
    }
    expect(() => addNChunked([])).toThrow(RangeError);
    expect(() => addNChunked([tf.scalar(1)], 1)).toThrow(RangeError);
  });
  it('over 13 gradients (more than one addN chunk): sqrt(13 · 13) = 13 exactly; clipping scales each by 1.3 / (13 + 1e-6)', async () => {
    // each gradient is (3, 2) or (2, 3), ‖g‖² = 13, so Σ = 169 and the norm is exact in float32
    const gs = Array.from({ length: 13 }, (_, i) => tf.tensor1d(i % 2 ? [3, 2] : [2, 3]));
    expect(await globalNormAsync(gs)).toBe(13);
    const a = await clipByGlobalNormAsync(gs, 1.3);
    expect(a.norm).toBe(13);
    const coef = Math.fround(1.3 / (13 + 1e-6));
    a.grads.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(gs[i].dataSync()).map((x) => Math.fround(x * coef))));
    expect(await globalNormAsync(a.grads)).toBeCloseTo(1.3, 5);
    expect(await globalNormAsync([])).toBe(0);
    tf.dispose([...gs, ...a.grads]);
  });
});

const settings: PPOSettings = {
  policyLoss: 'vanilla', clipLow: 0.2, clipHigh: 0.2, clipRatioC: 3, lossAggMode: 'seq-mean-token-mean', entropyCoef: 0.05,
  klCoef: 0.1, klEstimator: 'low_var_kl', ppoEpochs: 2, miniBatchRows: 2, microBatchRows: 1, gradClip: 0.5, temperature: 1,
};

function setup() {
  return tinyPPOBatch(11, 0.05);
}

describe('readbacks of scoreBatchAsync / ppoUpdateAsync', () => {
  it('scoreBatchAsync reads once per micro-batch', async () => {
    const { model, batch } = await setup();
    const opts = { microBatchSize: 3, withEntropy: true, rankMetrics: { stride: 1, maxTokens: 100 } };
    const spy = vi.spyOn(tf.Tensor.prototype, 'data');
    const a = await scoreBatchAsync(model, batch, opts);
    expect(spy).toHaveBeenCalledTimes(2); // 4 rows, micro-batches of 3
    spy.mockRestore();
    expect(a.entropy).toHaveLength(4);
    expect(a.metrics).toHaveLength(4);
    expect(a.metrics!.filter((m) => m.er > 0)).toHaveLength(3); // the 1-token response has ER 0
  });
  it('ppoUpdateAsync reads once per optimizer update and leaks nothing', async () => {
    const a = await setup();
    const opt = new AdamW(a.model.trainableVariables());
    const data = { batch: a.batch, oldLogProbs: a.old, refLogProbs: a.ref, advantages: a.adv };
    await ppoUpdateAsync(a.model, opt, data, settings, 1e-2); // creates the AdamW moments
    const n0 = tf.memory().numTensors;
    const spy = vi.spyOn(tf.Tensor.prototype, 'data');
    const s = await ppoUpdateAsync(a.model, opt, data, settings, 1e-2);
    expect(spy).toHaveBeenCalledTimes(4); // 2 epochs × 2 mini-batches
    spy.mockRestore();
    expect(s.updates).toBe(4);
    expect(s.gradNorm).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(n0);
  });
});
