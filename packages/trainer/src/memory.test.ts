// Memory of RL training (issue 13 point 10: the demo peaked at 1.7 GB for a 0.6M-parameter
// model). TensorFlow.js's WASM heap never shrinks, so the largest set of live tensors at any
// moment sets the process's memory for good, and a tensor leaked per step grows it step by step.
// Three RL steps of the small fixture policy in the demo's shape (8 responses per prompt, every
// response of a step in one micro-batch) must leave the live tensor count flat from step to
// step, leave nothing behind when the run ends, and keep the peak of live tensor bytes under a
// bound set by the parameter bytes.
import * as tf from '@tensorflow/tfjs';
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, loadCausalLM } from '@verl-ts/models';
import { trainRL } from './train-rl.js';
import { parseRLConfig, type RLConfigInput } from './config.js';
import { ppoUpdateAsync } from './ppo-update.js';
import { tinyPPOBatch } from './test-utils/tiny-ppo-batch.js';
import { AdamW } from './adamw.js';

const policyDir = fileURLToPath(new URL('../fixtures/learn-policy', import.meta.url));

/** bytes of the policy's parameters (float32) */
async function parameterBytes(): Promise<number> {
  const m = await loadCausalLM(policyDir, { backend: 'wasm' });
  const n = m.trainableVariables().reduce((a, v) => a + v.size, 0);
  m.dispose();
  return 4 * n;
}

/** the demo's shape at the fixture's size: 16 prompts x 8 responses, all 128 in one micro-batch */
const demoShaped = (name: string, steps: number): RLConfigInput => ({
  name, outputDir: mkdtempSync(join(tmpdir(), 'trainer-memory-')), seed: 1, model: { path: policyDir, backend: 'wasm' },
  data: { source: 'arithmetic', template: 'arithmetic', count: 500, seed: 2 },
  rollout: { n: 8, maxNewTokens: 16, temperature: 1 }, reward: { fn: 'binary' },
  actor: { lr: 3e-4, klCoef: 0.001, entropyCoef: 0.001, miniBatchSize: 16, microBatchSize: 128, logProbMicroBatchSize: 128 },
  algorithm: { verl: { enabled: true } },
  metrics: { stride: 2, samplesPerStep: 0 },
  trainer: { steps, promptsPerStep: 16, saveEvery: steps, keepLast: 1, resume: 'never' },
});

describe('issue 13 point 10: RL training memory', () => {
  it('issue 13 point 10: RL steps leak no tensors and keep peak tensor bytes under 200x the parameter bytes', async () => {
    await initBackend('wasm');
    const params = await parameterBytes();
    const before = tf.memory().numTensors;
    const perStep: number[] = [];
    const config = parseRLConfig(demoShaped('memory', 3));
    // (tf.profile returns the same object each time: read peakBytes at once)
    const peak = (await tf.profile(async () => {
      await trainRL(config, { hooks: { onStep: () => { perStep.push(tf.memory().numTensors); } } });
    })).peakBytes;
    console.log(`parameters ${(params / 1e6).toFixed(2)} MB, peak live tensors ${(peak / 1e6).toFixed(1)} MB (${(peak / params).toFixed(1)}x), tensors per step ${perStep.join(' ')}`);
    expect(perStep).toHaveLength(3);
    expect(new Set(perStep).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    // policy, reference, AdamW's two moments and the gradients are 5x the parameters; the rest is
    // one residual block's activations of 128 sequences on its tape (models' valueAndGrads):
    // measured 123x; with one tape over the whole forward (tf.variableGrads) it was 558x
    expect(peak).toBeLessThan(200 * params);
  }, 300_000);

  it('issue 13 point 10: the block-by-block gradients change no number: same statistics and weights as tf.variableGrads', async () => {
    // the same PPO update (two epochs, micro-batches of 1 row) with models' valueAndGrads and with
    // the fallback of one tape over the whole forward (a model without valueAndGrads)
    const run = async (layered: boolean) => {
      const { model, batch, old, ref, adv } = await tinyPPOBatch(13, 0.05);
      const m = layered ? model : Object.assign(model, { valueAndGrads: undefined });
      const stats = await ppoUpdateAsync(m, new AdamW(m.trainableVariables()), { batch, oldLogProbs: old, refLogProbs: ref, advantages: adv }, {
        policyLoss: 'vanilla', clipLow: 0.2, clipHigh: 0.2, clipRatioC: 3, lossAggMode: 'token-mean', entropyCoef: 0.01, klCoef: 0.1,
        klEstimator: 'low_var_kl', ppoEpochs: 2, miniBatchRows: 4, microBatchRows: 1, gradClip: 1, temperature: 1,
      }, 1e-2);
      const weights = m.trainableVariables().map((v) => Array.from(v.dataSync()));
      m.dispose();
      return { stats, weights };
    };
    const layered = await run(true);
    const whole = await run(false);
    expect(layered.stats).toEqual(whole.stats);
    expect(layered.weights).toEqual(whole.weights);
  }, 300_000);
});
