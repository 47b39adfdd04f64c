import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createCausalLM, initBackend, type ForwardOutput, type HeadScores, type ModelConfig } from './index.js';
import { chunkedTokenScores } from './chunked-scores.js';
import { assembleRows } from './assemble-rows.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** verl's logprobs_from_logits / entropy_from_logits over whole logits z = h Wᵀ / τ, as the trainer's losses.ts */
function wholeScores(h: tf.Tensor2D, w: tf.Tensor2D, labels: number[], tau: number): [tf.Tensor1D, tf.Tensor1D] {
  const z = tf.div(tf.matMul(h, w, false, true), tau);
  const lp = tf.sum(tf.mul(tf.logSoftmax(z, -1), tf.oneHot(tf.tensor1d(labels, 'int32'), w.shape[0])), -1) as tf.Tensor1D;
  const ent = tf.sub(tf.logSumExp(z, -1), tf.sum(tf.mul(tf.softmax(z, -1), z), -1)) as tf.Tensor1D;
  return [lp, ent];
}

describe('chunkedTokenScores: log-probs, entropies and their gradients without whole logits', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: equals the whole-logits route under tf.variableGrads (several chunks, τ = 0.7)`, async () => {
      await initBackend(backend);
      const N = 11, d = 16, V = 203, tau = 0.7;
      const rnd = lcg(3);
      const h = tf.variable(tf.tensor2d(Array.from({ length: N * d }, () => rnd() * 2 - 1), [N, d]), true, `cs-h-${backend}`);
      const w = tf.variable(tf.tensor2d(Array.from({ length: V * d }, () => (rnd() * 2 - 1) * 0.5), [V, d]), true, `cs-w-${backend}`);
      const labels = Array.from({ length: N }, (_, i) => (i === 0 ? V - 1 : Math.floor(rnd() * V)));
      // a loss that weighs each position's log-prob and entropy differently
      const a = tf.tensor1d(Array.from({ length: N }, () => rnd() - 0.3));
      const b = tf.tensor1d(Array.from({ length: N }, () => rnd() - 0.6));
      const lossOf = (lp: tf.Tensor1D, ent: tf.Tensor1D) => tf.add(tf.sum(tf.mul(a, lp)), tf.sum(tf.mul(b, ent))) as tf.Scalar;
      const ref = tf.variableGrads(() => lossOf(...wholeScores(h, w, labels, tau)), [h, w]);
      const [lpRef, entRef] = tf.tidy(() => wholeScores(h, w, labels, tau).map((t) => t.dataSync()));
      const gh = ref.grads[h.name].dataSync(), gw = ref.grads[w.name].dataSync();
      // 4 bytes × V: one position per forward chunk; the backward blocks then hold ~N rows of W
      for (const chunkBytes of [4 * V, 4 * V * 4 + 1, 4 * V * 100]) {
        const before = tf.memory().numTensors;
        const out = tf.variableGrads(() => {
          const s = chunkedTokenScores(h, w, labels, { temperature: tau, entropy: true, chunkBytes });
          expect(s.shape).toEqual([2, N]);
          expect(maxDiff(tf.slice(s, [0, 0], [1, N]).dataSync(), lpRef)).toBeLessThan(1e-5);
          expect(maxDiff(tf.slice(s, [1, 0], [1, N]).dataSync(), entRef)).toBeLessThan(1e-5);
          return lossOf(tf.reshape(tf.slice(s, [0, 0], [1, N]), [N]), tf.reshape(tf.slice(s, [1, 0], [1, N]), [N]));
        }, [h, w]);
        expect(Math.abs(out.value.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-4);
        expect(maxDiff(out.grads[h.name].dataSync(), gh)).toBeLessThan(1e-5 * Math.max(1, maxAbs(gh)));
        expect(maxDiff(out.grads[w.name].dataSync(), gw)).toBeLessThan(1e-5 * Math.max(1, maxAbs(gw)));
        tf.dispose([out.value, ...Object.values(out.grads)]);
        expect(tf.memory().numTensors).toBe(before);
      }
      // log-probs alone: a [1, N] output, the same gradient as the log-prob term alone
      const refLp = tf.variableGrads(() => tf.sum(tf.mul(a, wholeScores(h, w, labels, tau)[0])) as tf.Scalar, [h, w]);
      const lpOnly = tf.variableGrads(() => {
        const s = chunkedTokenScores(h, w, labels, { temperature: tau, chunkBytes: 4 * V * 3 });
        expect(s.shape).toEqual([1, N]);
        return tf.sum(tf.mul(a, tf.reshape(s, [N]))) as tf.Scalar;
      }, [h, w]);
      for (const v of [h, w]) {
        const want = refLp.grads[v.name].dataSync();
        expect(maxDiff(lpOnly.grads[v.name].dataSync(), want)).toBeLessThan(1e-5 * Math.max(1, maxAbs(want)));
      }
      tf.dispose([ref.value, ...Object.values(ref.grads), refLp.value, ...Object.values(refLp.grads), lpOnly.value, ...Object.values(lpOnly.grads), a, b, h, w]);
    });
  }

  it('a weight computed on the tape (not a variable) is saved for the backward', async () => {
    await initBackend('wasm');
    const N = 5, d = 8, V = 37;
    const rnd = lcg(9);
    const w = tf.variable(tf.tensor2d(Array.from({ length: V * d }, () => rnd() - 0.5), [V, d]), true, 'cs-w-computed');
    const h = tf.tensor2d(Array.from({ length: N * d }, () => rnd() - 0.5), [N, d]);
    const labels = [0, 36, 5, 5, 20];
    const ref = tf.variableGrads(() => tf.sum(wholeScores(h, tf.mul(w, 2) as tf.Tensor2D, labels, 1)[0]) as tf.Scalar, [w]);
    const got = tf.variableGrads(() => tf.sum(chunkedTokenScores(h, tf.mul(w, 2) as tf.Tensor2D, labels, { chunkBytes: 4 * V * 2 })) as tf.Scalar, [w]);
    const want = ref.grads[w.name].dataSync();
    expect(maxDiff(got.grads[w.name].dataSync(), want)).toBeLessThan(1e-5 * Math.max(1, maxAbs(want)));
    tf.dispose([ref.value, got.value, ...Object.values(ref.grads), ...Object.values(got.grads), h, w]);
  });

  it('assembleRows: the same tensor as tf.concat of the blocks, each block freed', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const blocks = [tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6], [1, 2]), tf.tensor2d([7, 8, 9, 10], [2, 2])];
      const want = tf.concat(blocks).dataSync();
      const out = assembleRows(5, 2, blocks);
      expect(Array.from(out.dataSync())).toEqual(Array.from(want));
      expect(blocks.every((b) => b.isDisposed)).toBe(true);
      out.dispose();
      expect(() => assembleRows(4, 2, [tf.tensor2d([1, 2], [1, 2])])).toThrow(/cover 1 of 4/);
    }
  });
});

const config: ModelConfig = {
  architecture: 'qwen2', vocabSize: 301, hiddenSize: 32, intermediateSize: 48, numLayers: 2, numHeads: 4, numKvHeads: 2,
  headDim: 8, rmsNormEps: 1e-6, ropeTheta: 1e4, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 64,
};

describe('valueAndGrads with a loss of scores (labels option)', () => {
  const batch = {
    inputIds: [[3, 9, 14, 2, 7, 7, 0, 0], [0, 0, 5, 6, 21, 300, 11, 4], [8, 8, 8, 1, 2, 3, 4, 5]],
    attentionMask: [[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]],
  };
  const labels = batch.inputIds.map((r) => r.slice(1));
  const tau = 0.8;
  const weights = tf.tidy(() => tf.keep(tf.tensor2d(batch.attentionMask.map((r) => r.slice(1)).flat(), [3, 7])));
  /** a PPO-like loss: masked mean log-prob minus 0.05 × masked mean entropy */
  const lossOfScores = (lp: tf.Tensor2D, ent: tf.Tensor2D) =>
    tf.div(tf.sum(tf.mul(tf.sub(lp, tf.mul(ent, 0.05)), weights)), tf.sum(weights)) as tf.Scalar;
  const fromLogits = ({ logits }: ForwardOutput) => {
    const z = tf.div(tf.slice(logits, [0, 0, 0], [3, 7, config.vocabSize]), tau);
    const lp = tf.sum(tf.mul(tf.logSoftmax(z, -1), tf.oneHot(tf.tensor2d(labels.flat(), [3, 7], 'int32'), config.vocabSize)), -1) as tf.Tensor2D;
    const ent = tf.sub(tf.logSumExp(z, -1), tf.sum(tf.mul(tf.softmax(z, -1), z), -1)) as tf.Tensor2D;
    return lossOfScores(lp, ent);
  };
  const fromScores = ({ logProbs, entropy }: HeadScores) => lossOfScores(logProbs, entropy!);

  for (const backend of ['wasm', 'cpu'] as const) {
    for (const tied of [true, false]) {
      it(`${backend}, ${tied ? 'tied embedding' : 'untied LM head'}: the same value and gradients as the logits route within float32 tolerance`, async () => {
        await initBackend(backend);
        const model = createCausalLM({ ...config, tieWordEmbeddings: tied }, { seed: 5 });
        const ref = model.valueAndGrads(batch, fromLogits);
        const before = tf.memory().numTensors;
        // 3 positions per forward chunk, 21 rows of the LM head per backward block
        const got = model.valueAndGrads(batch, fromScores, { labels, temperature: tau, entropy: true, chunkBytes: 4 * config.vocabSize * 3 });
        expect(Math.abs(got.value.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-5);
        expect(Object.keys(got.grads).sort()).toEqual(Object.keys(ref.grads).sort());
        for (const [name, g] of Object.entries(ref.grads)) {
          const want = g.dataSync();
          expect(maxDiff(got.grads[name].dataSync(), want), name).toBeLessThan(2e-5 * Math.max(1, maxAbs(want)));
        }
        tf.dispose([got.value, ...Object.values(got.grads)]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([ref.value, ...Object.values(ref.grads)]);
        model.dispose();
      });
    }
  }

  it('peaks far below the logits route: the LM-head gradient and one block of chunks above the weights', async () => {
    await initBackend('wasm');
    const big: ModelConfig = { ...config, vocabSize: 4001, numLayers: 1 };
    const model = createCausalLM(big, { seed: 1 });
    const B = 2, T = 32;
    const rnd = lcg(4);
    const ids = Array.from({ length: B }, () => Array.from({ length: T }, () => Math.floor(rnd() * big.vocabSize)));
    const b = { inputIds: ids, attentionMask: ids.map((r) => r.map(() => 1)) };
    const lab = ids.map((r) => r.slice(1));
    const logitsBytes = B * T * big.vocabSize * 4; // 1 MB
    const headBytes = big.vocabSize * big.hiddenSize * 4; // 0.5 MB: the tied embedding and its gradient
    const peakOf = async (run: () => { value: tf.Scalar; grads: tf.NamedTensorMap }) => {
      const base = tf.memory().numBytes;
      const p = await tf.profile(() => { const r = run(); tf.dispose([r.value, ...Object.values(r.grads)]); });
      return p.peakBytes - base;
    };
    const whole = await peakOf(() => model.valueAndGrads(b, ({ logits }) =>
      tf.sum(tf.mul(tf.logSoftmax(tf.slice(logits, [0, 0, 0], [B, T - 1, big.vocabSize])), tf.oneHot(tf.tensor2d(lab.flat(), [B, T - 1], 'int32'), big.vocabSize))) as tf.Scalar));
    const chunked = await peakOf(() => model.valueAndGrads(b, ({ logProbs, entropy }) => tf.add(tf.sum(logProbs), tf.sum(entropy!)) as tf.Scalar,
      { labels: lab, entropy: true, chunkBytes: logitsBytes / 16 }));
    // measured: the whole route 24.6 × headBytes above the weights (a dozen logits-sized tensors
    // on the tape), the chunked one 2.8 × (the LM-head gradient and one backward block's dozen
    // temporaries of logitsBytes / 16)
    expect(whole).toBeGreaterThan(headBytes + 10 * logitsBytes);
    expect(chunked).toBeLessThan(headBytes + 1.5 * logitsBytes);
    model.dispose();
  });

  it('checks the labels, and gives null entropy unless asked', async () => {
    await initBackend('cpu');
    const model = createCausalLM(config, { seed: 5 });
    expect(() => model.valueAndGrads(batch, fromScores, { labels: [[1]] })).toThrow(/labels must be 3 rows/);
    expect(() => model.valueAndGrads(batch, fromScores, { labels: labels.map((r) => r.map(() => 301)) })).toThrow(/outside the vocabulary/);
    const r = model.valueAndGrads(batch, (s) => {
      expect(s.entropy).toBeNull();
      expect(s.logProbs.shape).toEqual([3, 7]);
      return tf.sum(s.logProbs) as tf.Scalar;
    }, { labels });
    tf.dispose([r.value, ...Object.values(r.grads)]);
    model.dispose();
  });
});
