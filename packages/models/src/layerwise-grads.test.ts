import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCausalLM, initBackend, type CausalLM, type ForwardOutput } from './index.js';
import type { ModelConfig } from './config.js';

const base: ModelConfig = {
  architecture: 'qwen2', vocabSize: 40, hiddenSize: 32, intermediateSize: 48, numLayers: 3, numHeads: 4, numKvHeads: 2,
  headDim: 8, rmsNormEps: 1e-6, ropeTheta: 1e4, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 64,
} as ModelConfig;

// right- and left-padded rows of different lengths
const batch = {
  inputIds: [[3, 9, 14, 2, 7, 7, 0, 0], [0, 0, 5, 6, 21, 30, 11, 4], [8, 8, 8, 1, 2, 3, 4, 5]],
  attentionMask: [[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]],
};

/** a loss that reads both outputs: masked log-softmax of the logits plus a term of the hidden states */
function lossOf(out: ForwardOutput): tf.Scalar {
  return tf.tidy(() => {
    const lp = tf.logSoftmax(out.logits);
    const m = tf.tensor3d(batch.attentionMask.flat(), [3, 8, 1]);
    return tf.add(tf.neg(tf.mean(tf.mul(tf.slice(lp, [0, 0, 5], [3, 8, 1]), m))), tf.mul(tf.mean(tf.square(out.hidden)), 0.01)) as tf.Scalar;
  });
}

function wholeTape(model: CausalLM): { value: number; grads: Map<string, Float32Array> } {
  const { value, grads } = tf.variableGrads(() => lossOf(model.forward(batch)), model.trainableVariables());
  const out = { value: value.dataSync()[0], grads: new Map(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array])) };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe('layerwise valueAndGrads', () => {
  beforeAll(async () => { await initBackend('wasm'); });

  for (const [label, cfg] of [
    ['tied embeddings, biases', base],
    ['untied LM head, no biases', { ...base, tieWordEmbeddings: false, attentionBias: false }],
    ['sliding window', { ...base, slidingWindow: 4 }],
  ] as [string, ModelConfig][]) {
    it(`equals tf.variableGrads over the whole forward bit for bit (${label}), leaving no tensors behind`, () => {
      const model = createCausalLM(cfg, { seed: 3 });
      const ref = wholeTape(model);
      // a first call fills the decoder's cache of transposed weights (it lives with the model)
      const warm = model.valueAndGrads(batch, lossOf);
      tf.dispose([warm.value, ...Object.values(warm.grads)]);
      const before = tf.memory().numTensors;
      const { value, grads } = model.valueAndGrads(batch, lossOf);
      expect(value.dataSync()[0]).toBe(ref.value);
      expect(Object.keys(grads).sort()).toEqual([...ref.grads.keys()].sort());
      for (const [name, g] of ref.grads) expect(grads[name].dataSync(), name).toEqual(g);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  it('holds one block at a time: peak bytes well under the whole-graph tape on a long batch', async () => {
    const model = createCausalLM({ ...base, numLayers: 6 }, { seed: 1 });
    const B = 32;
    const T = 48;
    const big = { inputIds: Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 7 + t * 3) % 40)), attentionMask: Array.from({ length: B }, () => new Array(T).fill(1)) };
    const loss = (out: ForwardOutput) => tf.tidy(() => tf.mean(tf.logSoftmax(out.logits)) as tf.Scalar);
    // (tf.profile returns the same object each time: read peakBytes before the next profile)
    const whole = (await tf.profile(() => {
      const r = tf.variableGrads(() => loss(model.forward(big)), model.trainableVariables());
      tf.dispose([r.value, ...Object.values(r.grads)]);
    })).peakBytes;
    const layered = (await tf.profile(() => {
      const r = model.valueAndGrads(big, loss);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    })).peakBytes;
    expect(layered).toBeLessThan(whole / 3);
    model.dispose();
  });

  it('refuses to run inside another gradient recording', () => {
    const model = createCausalLM(base, { seed: 0 });
    expect(() => tf.variableGrads(() => model.valueAndGrads(batch, lossOf).value, model.trainableVariables())).toThrow(/inside another gradient recording/);
    model.dispose();
  });
});
