// The local engine on the HuggingFace reference checkpoints (fixtures/hf-reference):
// greedy decoding must reproduce what transformers' generate() produced with its KV cache.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, type CausalLM } from '@verl-ts/models';
import { createLocalEngine } from './local-engine.js';
import { fixturePath } from '../../../tools/test-support/fixtures.js';

interface Reference {
  input_ids: number[][];
  attention_mask: number[][];
  greedy_prompt: number[];
  greedy_continuation: number[];
}
const MODELS = ['qwen2-tiny', 'qwen2-tiny-bf16', 'llama-tiny'];
const dir = (name: string) => fixturePath('hf-reference', name);
const reference = (name: string): Reference => JSON.parse(readFileSync(`${dir(name)}/reference.json`, 'utf8'));

const models = new Map<string, CausalLM>();
beforeAll(async () => {
  await initBackend();
  for (const name of MODELS) models.set(name, await loadCausalLM(dir(name)));
});
afterAll(() => {
  for (const m of models.values()) m.dispose();
});

/** Log-softmax of a full (uncached) forward pass at each response position. */
function fullForwardLogprobs(model: CausalLM, promptIds: number[], responseIds: number[]): number[] {
  const seq = [...promptIds, ...responseIds];
  return tf.tidy(() => {
    const { logits } = model.forward({ inputIds: [seq], attentionMask: [seq.map(() => 1)] });
    const lsm = tf.logSoftmax(logits.squeeze([0]) as tf.Tensor2D).arraySync() as number[][];
    return responseIds.map((tok, t) => lsm[promptIds.length - 1 + t][tok]);
  });
}

/** The reference batch rows without their padding: prompts of 12, 9 and 8 tokens. */
function unpaddedPrompts(ref: Reference): number[][] {
  return ref.input_ids.map((row, b) => row.filter((_, t) => ref.attention_mask[b][t] === 1));
}

describe('local engine on the HF reference models', () => {
  for (const name of MODELS) {
    it(`${name}: greedy reproduces transformers' greedy_continuation (16 tokens)`, async () => {
      const ref = reference(name);
      const engine = createLocalEngine(models.get(name)!);
      const [r] = await engine.generate([ref.greedy_prompt], { maxNewTokens: 16, temperature: 0, eosTokenIds: [] });
      expect(r.responseIds).toEqual(ref.greedy_continuation);
      expect(r.finishReason).toBe('length');
    });
  }

  it('mixed prompt lengths in one batch give the same greedy responses as one prompt at a time', async () => {
    const model = models.get('llama-tiny')!;
    const prompts = [...unpaddedPrompts(reference('llama-tiny')), reference('llama-tiny').greedy_prompt.slice(0, 3)];
    expect(new Set(prompts.map((p) => p.length)).size).toBe(4);
    const batched = await createLocalEngine(model, undefined, { batchSize: 8 }).generate(prompts, { maxNewTokens: 12, temperature: 0, eosTokenIds: [] });
    const single = await createLocalEngine(model, undefined, { batchSize: 1 }).generate(prompts, { maxNewTokens: 12, temperature: 0, eosTokenIds: [] });
    expect(batched.map((r) => r.responseIds)).toEqual(single.map((r) => r.responseIds));
    for (let i = 0; i < prompts.length; i++) {
      batched[i].logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(single[i].logprobs[t], 4));
    }
  });

  it('rebuilding the batch with waiting prompts (refill) keeps greedy responses equal to one at a time', async () => {
    const model = models.get('llama-tiny')!;
    const ref = reference('llama-tiny');
    const prompts = [...unpaddedPrompts(ref), ref.greedy_prompt, ref.greedy_prompt.slice(2, 9), ref.greedy_prompt.slice(4)];
    const opts = { maxNewTokens: 12, temperature: 0, eosTokenIds: [59, 314, 152, 221, 288] };
    const refill = await createLocalEngine(model, undefined, { batchSize: 2, refillBelow: 0.5 }).generate(prompts, opts);
    const single = await createLocalEngine(model, undefined, { batchSize: 1 }).generate(prompts, opts);
    expect(new Set(single.map((r) => r.responseIds.length)).size).toBeGreaterThan(2); // lengths differ, so rows finish apart
    expect(refill.map((r) => r.responseIds)).toEqual(single.map((r) => r.responseIds));
    refill.forEach((r, i) => r.logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(single[i].logprobs[t], 4)));
  });

  it('returned log-probs equal a full forward pass on prompt + response (sampled, n = 3, mixed lengths)', async () => {
    const model = models.get('qwen2-tiny')!;
    const prompts = unpaddedPrompts(reference('qwen2-tiny'));
    const out = await createLocalEngine(model).generate(prompts, { n: 3, maxNewTokens: 10, temperature: 1.3, topP: 0.95, seed: 21, eosTokenIds: [] });
    expect(out.length).toBe(9);
    let maxErr = 0;
    for (const r of out) {
      const want = fullForwardLogprobs(model, r.promptIds, r.responseIds);
      r.logprobs.forEach((lp, t) => (maxErr = Math.max(maxErr, Math.abs(lp - want[t]))));
    }
    expect(maxErr).toBeLessThan(1e-4);
  });

  it('temperature -> 0 and top-k = 1 equal greedy; a seed reproduces samples; no tensors leak', async () => {
    const model = models.get('llama-tiny')!;
    const engine = createLocalEngine(model);
    const prompts = unpaddedPrompts(reference('llama-tiny'));
    const before = tf.memory().numTensors;
    const base = { maxNewTokens: 8, eosTokenIds: [] as number[] };
    const greedy = await engine.generate(prompts, { ...base, temperature: 0 });
    const k1 = await engine.generate(prompts, { ...base, temperature: 1, topK: 1, seed: 1 });
    const cold = await engine.generate(prompts, { ...base, temperature: 2e-5, seed: 1 });
    const s1 = await engine.generate(prompts, { ...base, temperature: 1, n: 2, seed: 77 });
    const s2 = await engine.generate(prompts, { ...base, temperature: 1, n: 2, seed: 77 });
    expect(tf.memory().numTensors).toBe(before);
    const ids = (rs: { responseIds: number[] }[]) => rs.map((r) => r.responseIds);
    expect(ids(k1)).toEqual(ids(greedy));
    expect(ids(cold)).toEqual(ids(greedy));
    expect(ids(s2)).toEqual(ids(s1));
    expect(ids(s1.filter((r) => r.sampleIndex === 0))).not.toEqual(ids(greedy));
  });
});
