import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createCausalLM, initBackend, type CausalLM, type ModelConfig } from './index.js';

const config: ModelConfig = {
  architecture: 'qwen2', vocabSize: 3001, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2,
  headDim: 8, rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 256,
};

function batchOf(B: number, T: number) {
  let s = 7;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const inputIds = Array.from({ length: B }, () => Array.from({ length: T }, () => Math.floor(rnd() * config.vocabSize)));
  const attentionMask = inputIds.map((r, b) => r.map((_, t) => (b === 1 && t < 3 ? 0 : 1))); // one left-padded row
  const labels = inputIds.map((r) => r.slice(1)); // next tokens, T - 1 per row
  return { batch: { inputIds, attentionMask }, labels };
}

/** the whole-logits route, as the trainer's losses.ts computes it (verl's formulas) */
function unchunked(model: CausalLM, batch: ReturnType<typeof batchOf>['batch'], labels: number[][], tau: number) {
  return tf.tidy(() => {
    const { logits } = model.forward(batch);
    const [B, T, V] = logits.shape;
    const z = tf.div(tf.slice(logits, [0, 0, 0], [B, T - 1, V]), tau);
    const lp = tf.sum(tf.mul(tf.logSoftmax(z, -1), tf.oneHot(tf.tensor2d(labels.flat(), [B, T - 1], 'int32'), V)), -1);
    const ent = tf.sub(tf.logSumExp(z, -1), tf.sum(tf.mul(tf.softmax(z, -1), z), -1));
    return [lp.dataSync(), ent.dataSync()] as [Float32Array, Float32Array];
  });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('scoreTokens: log-probs and entropies with the LM head in chunks', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    // measured: bit-identical on both backends (each position's numbers depend on its own logits row)
    it(`${backend}: equals the whole-logits route within 1e-6 for every chunk size, with the hidden states`, async () => {
      await initBackend(backend);
      const model = createCausalLM(config, { seed: 2 });
      const { batch, labels } = batchOf(3, 9);
      const [lpRef, entRef] = unchunked(model, batch, labels, 0.7);
      for (const chunkRows of [1, 5, 24, 1000]) {
        const s = model.scoreTokens(batch, labels, { temperature: 0.7, entropy: true, hidden: true, chunkRows });
        expect(s.logProbs.shape).toEqual([3, 8]);
        expect(maxDiff(s.logProbs.dataSync(), lpRef)).toBeLessThanOrEqual(1e-6);
        expect(maxDiff(s.entropy!.dataSync(), entRef)).toBeLessThanOrEqual(1e-6);
        const { hidden } = model.forward(batch);
        const want = tf.slice(hidden, [0, 0, 0], [3, 8, config.hiddenSize]);
        expect(maxDiff(s.hidden!.dataSync(), want.dataSync())).toBe(0);
        tf.dispose([s.logProbs, s.entropy!, s.hidden!, hidden, want]);
      }
      model.dispose();
    });
  }

  it('holds less than one [B, T, vocab] logits tensor at its peak; the whole-logits route holds several', async () => {
    await initBackend('cpu');
    const model = createCausalLM(config, { seed: 2 });
    const { batch, labels } = batchOf(2, 64);
    const logitsBytes = 2 * 64 * config.vocabSize * 4;
    const peakOf = async (f: () => void) => {
      const before = tf.memory().numBytes;
      return (await tf.profile(f)).peakBytes - before;
    };
    const chunked = await peakOf(() => {
      const s = model.scoreTokens(batch, labels, { entropy: true, chunkRows: 16 });
      tf.dispose([s.logProbs, s.entropy!]);
    });
    const whole = await peakOf(() => { unchunked(model, batch, labels, 1); });
    expect(chunked).toBeLessThan(logitsBytes);
    expect(whole).toBeGreaterThan(2 * logitsBytes);
    model.dispose();
  });

  it('rejects labels of the wrong shape or outside the vocabulary, and use on a gradient tape', async () => {
    await initBackend('cpu');
    const model = createCausalLM(config, { seed: 2 });
    const { batch, labels } = batchOf(2, 5);
    expect(() => model.scoreTokens(batch, labels.slice(1))).toThrow(/labels must be 2 rows/);
    expect(() => model.scoreTokens(batch, [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]])).toThrow(/≤ 5/);
    expect(() => model.scoreTokens(batch, [[1, 2, 3, 4], [1, 2, 3, config.vocabSize]])).toThrow(/outside the vocabulary/);
    expect(() => tf.variableGrads(() => tf.sum(model.scoreTokens(batch, labels).logProbs) as tf.Scalar, model.trainableVariables())).toThrow(/not differentiable/);
    model.dispose();
  });
});
