import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildTokenBatch } from './batch.js';
import { scoreBatchAsync } from './forward-pass.js';
import { microBatchLossFromLogits, ppoUpdateAsync, type PPOSettings } from './ppo-update.js';
import type { CausalLM } from '@verl-ts/models';
import type { TokenBatch } from './batch.js';
import { AdamW } from './adamw.js';
import { tinyPPOBatch } from './test-utils/tiny-ppo-batch.js';

const settings: PPOSettings = {
  policyLoss: 'vanilla', clipLow: 0.2, clipHigh: 0.2, clipRatioC: 3, lossAggMode: 'seq-mean-token-mean', entropyCoef: 0.05,
  klCoef: 0.1, klEstimator: 'low_var_kl', ppoEpochs: 1, miniBatchRows: 4, microBatchRows: 2, gradClip: 1, temperature: 1,
};

function setup(seed: number) {
  return tinyPPOBatch(seed, 0.03);
}

/** One micro-batch's loss terms through the model (differentiable in its variables). */
function microBatchLoss(model: CausalLM, mb: TokenBatch, old: number[][], ref: number[][] | null, adv: number[][], s: PPOSettings) {
  return microBatchLossFromLogits(model.forward({ inputIds: mb.inputIds, attentionMask: mb.attentionMask }).logits, mb, old, ref, adv, s);
}

describe('PPO objective gradient', () => {
  it('matches central finite differences through a tiny model (clip, entropy, KL terms on)', async () => {
    const { model, batch, old, ref, adv } = await setup(3);
    const vars = model.trainableVariables();
    const lossValue = () => tf.tidy(() => microBatchLoss(model, batch, old, ref, adv, settings).loss.dataSync()[0]);
    const { grads } = tf.variableGrads(() => microBatchLoss(model, batch, old, ref, adv, settings).loss, vars);
    const eps = 1e-2;
    let checked = 0;
    for (const v of vars) {
      const g = grads[v.name].dataSync();
      const base = v.dataSync().slice() as Float32Array;
      for (const k of [0, 3, Math.floor(base.length / 2), base.length - 1]) {
        const bump = (d: number) => { const w = base.slice(); w[k] += d; v.assign(tf.tensor(w, v.shape)); };
        bump(eps); const up = lossValue();
        bump(-eps); const down = lossValue();
        v.assign(tf.tensor(base, v.shape));
        const fd = (up - down) / (2 * eps);
        expect(Math.abs(fd - g[k])).toBeLessThan(2e-3 + 2e-2 * Math.abs(g[k]));
        checked++;
      }
    }
    expect(checked).toBe(4 * vars.length);
  });
  it('micro-batch accumulation gives the same update as one big micro-batch', async () => {
    const a = await setup(5); const b = await setup(5);
    const optA = new AdamW(a.model.trainableVariables()); const optB = new AdamW(b.model.trainableVariables());
    const sA = await ppoUpdateAsync(a.model, optA, { batch: a.batch, oldLogProbs: a.old, refLogProbs: a.ref, advantages: a.adv }, { ...settings, lossAggMode: 'seq-mean-token-sum', microBatchRows: 1 }, 1e-2);
    const sB = await ppoUpdateAsync(b.model, optB, { batch: b.batch, oldLogProbs: b.old, refLogProbs: b.ref, advantages: b.adv }, { ...settings, lossAggMode: 'seq-mean-token-sum', microBatchRows: 4 }, 1e-2);
    expect(sA.updates).toBe(1); expect(sB.updates).toBe(1);
    expect(sA.gradNorm).toBeCloseTo(sB.gradNorm, 4);
    a.model.trainableVariables().forEach((v, i) => {
      const x = v.dataSync(); const y = b.model.trainableVariables()[i].dataSync();
      for (let k = 0; k < x.length; k++) expect(Math.abs(x[k] - y[k])).toBeLessThan(1e-5);
    });
  });
  it('skips the update when the loss is not finite', async () => {
    const { model, batch, old, ref, adv } = await setup(7);
    const before = model.trainableVariables().map((v) => Array.from(v.dataSync()));
    const bad = adv.map((r) => r.map(() => NaN));
    const opt = new AdamW(model.trainableVariables());
    const s = await ppoUpdateAsync(model, opt, { batch, oldLogProbs: old, refLogProbs: ref, advantages: bad }, settings, 1e-2);
    expect(s.updates).toBe(0);
    expect(s.skipped).toBe(1);
    expect(s.nonFiniteEvents[0]).toMatch(/loss is NaN/);
    expect(opt.step).toBe(0);
    model.trainableVariables().forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(before[i]));
  });
});

describe('PPO update direction', () => {
  it('raises the log-prob of positive-advantage responses and lowers negative ones', async () => {
    const { model, batch } = await setup(11);
    const before = (await scoreBatchAsync(model, batch, { microBatchSize: 4 })).logProbs;
    const adv = batch.lossMask.map((r, i) => r.map((m) => m * (i % 2 === 0 ? 1 : -1)));
    const opt = new AdamW(model.trainableVariables(), { weightDecay: 0 });
    for (let k = 0; k < 3; k++) {
      await ppoUpdateAsync(model, opt, { batch, oldLogProbs: before, refLogProbs: null, advantages: adv }, { ...settings, klCoef: 0, entropyCoef: 0 }, 1e-2);
    }
    const after = (await scoreBatchAsync(model, batch, { microBatchSize: 4 })).logProbs;
    const seqLp = (lp: number[][], i: number) => lp[i].reduce((a, x, t) => a + x * batch.lossMask[i][t], 0);
    expect(seqLp(after, 0)).toBeGreaterThan(seqLp(before, 0));
    expect(seqLp(after, 2)).toBeGreaterThan(seqLp(before, 2));
    expect(seqLp(after, 1)).toBeLessThan(seqLp(before, 1));
    expect(seqLp(after, 3)).toBeLessThan(seqLp(before, 3));
  });
});

describe('large-vocabulary route (models\' chunked head)', () => {
  it('gives the same update as the whole-logits route within float32 tolerance, and leaves no tensors behind', async () => {
    const a = await setup(17); const b = await setup(17);
    // count the passes that reach models' valueAndGrads with labels (the chunked head)
    let chunkedPasses = 0;
    const vag = b.model.valueAndGrads.bind(b.model) as (...args: unknown[]) => ReturnType<CausalLM['valueAndGrads']>;
    b.model.valueAndGrads = ((...args: unknown[]) => { if (args.length === 3) chunkedPasses++; return vag(...args); }) as CausalLM['valueAndGrads'];
    const optA = new AdamW(a.model.trainableVariables()); const optB = new AdamW(b.model.trainableVariables());
    const data = (x: typeof a) => ({ batch: x.batch, oldLogProbs: x.old, refLogProbs: x.ref, advantages: x.adv });
    const sA = await ppoUpdateAsync(a.model, optA, data(a), settings, 1e-2);
    // 64 bytes: every micro-batch's logits exceed it; 2 positions per forward chunk, 1-2 LM-head rows per backward block
    const sB = await ppoUpdateAsync(b.model, optB, data(b), { ...settings, headChunkBytes: 64 }, 1e-2);
    expect(chunkedPasses).toBe(2);
    expect(sB.updates).toBe(1);
    for (const k of ['pgLoss', 'entropy', 'kl', 'approxKl', 'clipFraction', 'gradNorm'] as const) expect(Math.abs(sB[k] - sA[k]), k).toBeLessThan(1e-5);
    a.model.trainableVariables().forEach((v, i) => {
      const x = v.dataSync(); const y = b.model.trainableVariables()[i].dataSync();
      for (let k = 0; k < x.length; k++) expect(Math.abs(x[k] - y[k])).toBeLessThan(1e-5);
    });
    const before = tf.memory().numTensors;
    await ppoUpdateAsync(b.model, optB, data(b), { ...settings, headChunkBytes: 64, entropyCoef: 0 }, 1e-2);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tensor hygiene', () => {
  it('scoring and updating leave no tensors behind', async () => {
    const { model, batch, old, ref, adv } = await setup(13);
    const opt = new AdamW(model.trainableVariables());
    const data = { batch, oldLogProbs: old, refLogProbs: ref, advantages: adv };
    await ppoUpdateAsync(model, opt, data, settings, 1e-3); // creates the AdamW moments
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      await scoreBatchAsync(model, batch, { microBatchSize: 3, withEntropy: true });
      await ppoUpdateAsync(model, opt, data, settings, 1e-3);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('PPO objective gradient through the real decoder', () => {
  it('matches central finite differences through a 1-layer Qwen2 from @verl-ts/models', async () => {
    const { createCausalLM, initBackend } = await import('@verl-ts/models');
    await initBackend('wasm');
    const model = createCausalLM({
      architecture: 'qwen2', vocabSize: 7, hiddenSize: 8, intermediateSize: 16, numLayers: 1, numHeads: 2, numKvHeads: 1, headDim: 4,
      rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 32,
    }, { seed: 5, initializerRange: 0.5 });
    try {
      const batch = buildTokenBatch([
        { promptIds: [1, 2], responseIds: [3, 4, 5] },
        { promptIds: [3, 3, 1], responseIds: [0, 5, 2] },
      ], 0);
      const cur = (await scoreBatchAsync(model, batch, { microBatchSize: 2 })).logProbs;
      const old = cur.map((r, i) => r.map((x, j) => x + 0.03 * Math.sin(i * 5 + j)));
      const ref = cur.map((r, i) => r.map((x, j) => x - 0.1 + 0.05 * Math.cos(i + 2 * j)));
      const adv = batch.lossMask.map((r, i) => r.map(() => (i === 0 ? 0.8 : -1.2)));
      const vars = model.trainableVariables();
      const lossValue = () => tf.tidy(() => microBatchLoss(model, batch, old, ref, adv, settings).loss.dataSync()[0]);
      const { value, grads } = tf.variableGrads(() => microBatchLoss(model, batch, old, ref, adv, settings).loss, vars);
      value.dispose();
      const eps = 1e-2;
      let checked = 0;
      for (const v of vars.filter((_, i) => i % 3 === 0)) {
        const g = grads[v.name].dataSync();
        const base = v.dataSync().slice() as Float32Array;
        for (const k of [0, Math.floor(base.length / 3), base.length - 1]) {
          const bump = (d: number) => { const w = base.slice(); w[k] += d; v.assign(tf.tensor(w, v.shape)); };
          bump(eps); const up = lossValue();
          bump(-eps); const down = lossValue();
          v.assign(tf.tensor(base, v.shape));
          expect(Math.abs((up - down) / (2 * eps) - g[k])).toBeLessThan(3e-3 + 3e-2 * Math.abs(g[k]));
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(9);
      tf.dispose(Object.values(grads));
    } finally {
      model.dispose();
    }
  });
});
