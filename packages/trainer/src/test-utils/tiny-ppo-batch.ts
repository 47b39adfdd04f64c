// Tests only: a tiny Qwen2 policy of @verl-ts/models (one layer, vocabulary 7) with a 4-response
// token batch and old / reference log-probs near the current ones (ratios inside the clip range,
// away from kinks), for PPO-update tests.
import { createCausalLM } from '@verl-ts/models';
import { buildTokenBatch } from '../batch.js';
import { scoreBatchAsync } from '../forward-pass.js';
import { TINY_MODEL_DEFAULTS } from '../train-sft.js';

export async function tinyPPOBatch(seed: number, oldJitter: number) {
  const model = createCausalLM({
    ...TINY_MODEL_DEFAULTS, vocabSize: 7, hiddenSize: 8, intermediateSize: 16, numLayers: 1, numHeads: 2, numKvHeads: 1, headDim: 4,
    eosTokenId: 6, padTokenId: 0, maxPositionEmbeddings: 16,
  }, { seed, initializerRange: 0.5 });
  const batch = buildTokenBatch([
    { promptIds: [1, 2], responseIds: [3, 4, 5] },
    { promptIds: [1], responseIds: [6, 2] },
    { promptIds: [3, 3, 1], responseIds: [0, 5, 5, 2] },
    { promptIds: [4], responseIds: [1] },
  ], 0);
  const scored = await scoreBatchAsync(model, batch, { microBatchSize: 3 });
  const old = scored.logProbs.map((r, i) => r.map((x, j) => x + oldJitter * Math.sin(i * 7 + j)));
  const ref = scored.logProbs.map((r, i) => r.map((x, j) => x - 0.2 + 0.1 * Math.cos(i + 3 * j)));
  const adv = batch.lossMask.map((r, i) => r.map(() => [1.3, -0.7, 0.4, -1.1][i]));
  return { model, batch, old, ref, adv };
}
