// The readback drivers and the async twins of the trainer's functions: on cpu/wasm the async
// versions must give bit-identical results to the synchronous ones, with few reads per step.
import { describe, it, expect, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readAsync, readSync, type TensorReads } from './readback.js';
import { addNChunked, clipByGlobalNorm, clipByGlobalNormAsync, globalNorm, globalNormAsync } from './gradients.js';
import { scoreBatch, scoreBatchAsync } from './forward-pass.js';
import { ppoUpdate, ppoUpdateAsync, type PPOSettings } from './ppo-update.js';
import { AdamW } from './adamw.js';
import { tinyPPOBatch } from './test-utils/tiny-ppo-batch.js';

function* twoReads(log: string[]): TensorReads<number> {
  const a = tf.tensor1d([1, 2, 3]);
  try {
    const x = yield a;
    const b = tf.tensor1d([x[2] * 10]);
    try { return (yield b)[0] + x[0]; } finally { b.dispose(); log.push('b'); }
  } finally { a.dispose(); log.push('a'); }
}

describe('readSync / readAsync', () => {
  it('answer each yielded tensor with its values and let the generator dispose it', async () => {
    const n0 = tf.memory().numTensors;
    const log: string[] = [];
    expect(readSync(twoReads(log))).toBe(31);
    expect(await readAsync(twoReads(log))).toBe(31);
    expect(log).toEqual(['b', 'a', 'b', 'a']);
    expect(tf.memory().numTensors).toBe(n0);
  });
  it('throw a failed read into the generator, which disposes what it holds', async () => {
    const n0 = tf.memory().numTensors;
    const log: string[] = [];
    const spy = vi.spyOn(tf.Tensor.prototype, 'data').mockRejectedValueOnce(new Error('device lost'));
    await expect(readAsync(twoReads(log))).rejects.toThrow('device lost');
    spy.mockRestore();
    expect(log).toEqual(['a']);
    expect(tf.memory().numTensors).toBe(n0);
  });
});

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
  it('over 13 gradients (more than one addN chunk): sqrt(13 · 13) = 13 exactly; async = sync', async () => {
    // each gradient is (3, 2) or (2, 3), ‖g‖² = 13, so Σ = 169 and the norm is exact in float32
    const gs = Array.from({ length: 13 }, (_, i) => tf.tensor1d(i % 2 ? [3, 2] : [2, 3]));
    expect(globalNorm(gs)).toBe(13);
    expect(await globalNormAsync(gs)).toBe(13);
    const a = clipByGlobalNorm(gs, 1.3);
    const b = await clipByGlobalNormAsync(gs, 1.3);
    expect(b.norm).toBe(a.norm);
    a.grads.forEach((g, i) => expect(Array.from(b.grads[i].dataSync())).toEqual(Array.from(g.dataSync())));
    expect(globalNorm(a.grads)).toBeCloseTo(1.3, 5);
    expect(await globalNormAsync([])).toBe(0);
    tf.dispose([...gs, ...a.grads, ...b.grads]);
  });
});

const settings: PPOSettings = {
  policyLoss: 'vanilla', clipLow: 0.2, clipHigh: 0.2, clipRatioC: 3, lossAggMode: 'seq-mean-token-mean', entropyCoef: 0.05,
  klCoef: 0.1, klEstimator: 'low_var_kl', ppoEpochs: 2, miniBatchRows: 2, microBatchRows: 1, gradClip: 0.5, temperature: 1,
};

function setup() {
  return tinyPPOBatch(11, 0.05);
}

describe('async twins of scoreBatch / ppoUpdate', () => {
  it('scoreBatchAsync equals scoreBatch exactly, one read per micro-batch', async () => {
    const { model, batch } = setup();
    const opts = { microBatchSize: 3, withEntropy: true, rankMetrics: { stride: 1, maxTokens: 100 } };
    const a = scoreBatch(model, batch, opts);
    const spy = vi.spyOn(tf.Tensor.prototype, 'data');
    const b = await scoreBatchAsync(model, batch, opts);
    expect(spy).toHaveBeenCalledTimes(2); // 4 rows, micro-batches of 3
    spy.mockRestore();
    expect(b.logProbs).toEqual(a.logProbs);
    expect(b.entropy).toEqual(a.entropy);
    expect(b.metrics).toEqual(a.metrics);
    expect(a.metrics).toHaveLength(4);
    expect(a.metrics!.filter((m) => m.er > 0)).toHaveLength(3); // the 1-token response has ER 0
  });
  it('ppoUpdateAsync gives the same statistics and weights as ppoUpdate, one read per optimizer update', async () => {
    const a = setup(); const b = setup();
    const optA = new AdamW(a.model.trainableVariables()); const optB = new AdamW(b.model.trainableVariables());
    const n0 = tf.memory().numTensors;
    const sA = ppoUpdate(a.model, optA, { batch: a.batch, oldLogProbs: a.old, refLogProbs: a.ref, advantages: a.adv }, settings, 1e-2);
    const n1 = tf.memory().numTensors;
    const spy = vi.spyOn(tf.Tensor.prototype, 'data');
    const sB = await ppoUpdateAsync(b.model, optB, { batch: b.batch, oldLogProbs: b.old, refLogProbs: b.ref, advantages: b.adv }, settings, 1e-2);
    expect(spy).toHaveBeenCalledTimes(4); // 2 epochs × 2 mini-batches
    spy.mockRestore();
    expect(sA.updates).toBe(4);
    expect(sB).toEqual(sA);
    expect(sA.gradNorm).toBeGreaterThan(0);
    a.model.trainableVariables().forEach((v, i) => expect(Array.from(b.model.trainableVariables()[i].dataSync())).toEqual(Array.from(v.dataSync())));
    expect(tf.memory().numTensors - n1).toBe(n1 - n0); // the same new AdamW moments, nothing leaked
  });
});
