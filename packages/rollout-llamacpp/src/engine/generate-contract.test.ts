// The generate contract shared with @verl-ts/rollout's local engine: n per prompt, seeds and
// per-prompt seeds, temperature/top-k/top-p, raw and processed log-probs, stop strings and EOS,
// string prompts, progress callbacks, abort. Over the exported qwen2-tiny fixture.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, loadTokenizer, type CausalLM, type LoadedTokenizer } from '@verl-ts/models';
import { createLocalEngine, processedDistribution } from '@verl-ts/rollout';
import { exportGguf } from '../gguf/export-gguf.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llamacpp-engine.js';
import { fixtureWithTokenizer, readReference } from '../test-utils/fixture-model.js';

const ref = readReference('qwen2-tiny');
const prompt = ref.greedy_prompt;
let engine: LlamaCppEngine;
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  const f = await fixtureWithTokenizer('qwen2-tiny');
  ({ dir, cleanup } = f);
  const { file } = await exportGguf({ modelDir: dir, out: join(dir, 'model.gguf') });
  engine = await createLlamaCppEngine({ modelPath: file, gpu: false, parallel: 8, threads: 1 });
});
afterAll(async () => {
  await engine?.close();
  cleanup?.();
});

describe('llama.cpp engine: the generate contract', () => {
  it('n per prompt, ordered by prompt then sample; a seed reproduces the call; raw log-probs are the model distribution', async () => {
    const prompts = [prompt, prompt.slice(0, 5)];
    const opts = { n: 3, maxNewTokens: 12, temperature: 1, seed: 7, eosTokenIds: [] };
    const a = await engine.generate(prompts, opts);
    expect(a.map((r) => [r.promptIndex, r.sampleIndex])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(a[3].promptIds).toEqual(prompt.slice(0, 5));
    for (const r of a) expect([r.responseIds.length, r.logprobs.length, r.finishReason]).toEqual([12, 12, 'length']);
    const b = await engine.generate(prompts, opts);
    expect(b.map((r) => r.responseIds)).toEqual(a.map((r) => r.responseIds));
    // samples of one prompt differ (own streams); another seed gives other responses
    expect(new Set(a.slice(0, 3).map((r) => r.responseIds.join())).size).toBe(3);
    const c = await engine.generate(prompts, { ...opts, seed: 8 });
    expect(c.map((r) => r.responseIds.join())).not.toEqual(a.map((r) => r.responseIds.join()));
    // each log-prob is log p(token) of the unmodified distribution at that step
    const r = a[4];
    const rows = await engine.logprobRows([...r.promptIds, ...r.responseIds]);
    r.responseIds.forEach((tok, i) => expect(r.logprobs[i]).toBeCloseTo(rows[r.promptIds.length - 1 + i][tok], 5));
  });

  it('promptSeeds sample each prompt as a one-prompt call with that seed would', async () => {
    const both = await engine.generate([prompt, prompt.slice(2)], { n: 2, maxNewTokens: 8, temperature: 1.2, promptSeeds: [11, 12], eosTokenIds: [] });
    const second = await engine.generate([prompt.slice(2)], { n: 2, maxNewTokens: 8, temperature: 1.2, seed: 12, eosTokenIds: [] });
    expect(both.slice(2).map((r) => r.responseIds)).toEqual(second.map((r) => r.responseIds));
  });

  it('top-k and top-p keep samples inside the truncated support; processed log-probs are of that distribution', async () => {
    const [r] = await engine.generate([prompt], { maxNewTokens: 1, temperature: 0.8, topK: 3, seed: 1, logprobsMode: 'processed', eosTokenIds: [] });
    const [row] = (await engine.logprobRows(prompt)).slice(-1);
    const dist = processedDistribution(row, { temperature: 0.8, topK: 3 });
    expect(dist.tokens.length).toBe(3);
    const j = Array.from(dist.tokens).indexOf(r.responseIds[0]);
    expect(j).toBeGreaterThanOrEqual(0);
    expect(r.logprobs[0]).toBeCloseTo(Math.log(dist.probs[j]), 5);
    const many = await engine.generate([prompt], { n: 16, maxNewTokens: 1, temperature: 1, topP: 0.3, seed: 3, eosTokenIds: [] });
    const nucleus = Array.from(processedDistribution(row, { topP: 0.3 }).tokens);
    for (const m of many) expect(nucleus).toContain(m.responseIds[0]);
  });

  it('samples as the local (TensorFlow.js) engine does for the same seed', async () => {
    await initBackend();
    const model: CausalLM = await loadCausalLM(dir);
    try {
      const local = createLocalEngine(model);
      const opts = { n: 4, maxNewTokens: 10, temperature: 1, seed: 21, eosTokenIds: [] };
      const a = await local.generate([prompt], opts);
      const b = await engine.generate([prompt], opts);
      expect(b.map((r) => r.responseIds)).toEqual(a.map((r) => r.responseIds));
      b.forEach((r, i) => r.logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(a[i].logprobs[t], 4)));
    } finally {
      model.dispose();
    }
  });

  it("string prompts through llama.cpp's tokenizer; EOS and stop strings end a response", async () => {
    const tokenizer: LoadedTokenizer = await loadTokenizer(dir);
    try {
      const text = tokenizer.decode(prompt);
      // llama.cpp tokenizes the exported vocabulary as the HF tokenizer does
      expect(engine.model.tokenize(text, true)).toEqual(tokenizer.encode(text));
      const [g] = await engine.generate([text], { maxNewTokens: 16, temperature: 0 });
      expect(g.promptIds).toEqual(prompt);
      expect(g.responseIds).toEqual(ref.greedy_continuation);
      expect(g.text).toBe(tokenizer.decode(ref.greedy_continuation));
      const stop = g.text.slice(13, 15);
      const [s] = await engine.generate([text], { maxNewTokens: 16, temperature: 0, stop: [stop] });
      expect([s.text, s.finishReason]).toEqual([g.text.slice(0, g.text.indexOf(stop)), 'stop']);
      // <eos> (id 2) is llama.cpp's end-of-generation token; sampled responses that hit it end with it
      const many = await engine.generate([text], { n: 24, maxNewTokens: 40, temperature: 1.5, seed: 1 });
      expect(many.some((r) => r.finishReason === 'stop')).toBe(true);
      for (const r of many) {
        if (r.finishReason === 'stop') expect(r.responseIds[r.responseIds.length - 1]).toBe(2);
        else expect(r.responseIds.length).toBe(40);
        expect(r.text).toBe(tokenizer.decode(r.responseIds, { skipSpecialTokens: true }));
      }
      // an explicit EOS list replaces the default
      const last = ref.greedy_continuation[15];
      const at = ref.greedy_continuation.indexOf(last);
      expect(at).toBeGreaterThan(0);
      const [e] = await engine.generate([prompt], { maxNewTokens: 16, temperature: 0, eosTokenIds: [last] });
      expect([e.responseIds, e.finishReason, e.text]).toEqual([ref.greedy_continuation.slice(0, at + 1), 'stop', tokenizer.decode(ref.greedy_continuation.slice(0, at))]);
    } finally {
      tokenizer.close();
    }
  });

  it('reports progress, tokens and finished rollouts; an abort rejects; bad input is refused', async () => {
    const tokens: number[] = [];
    const finished: number[] = [];
    let last = { done: 0, total: 0, tokens: 0 };
    const out = await engine.generate([prompt, prompt], {
      n: 2,
      maxNewTokens: 5,
      temperature: 0,
      eosTokenIds: [],
      onToken: (t) => tokens.push(t.token),
      onRollout: (r) => finished.push(r.promptIndex * 2 + r.sampleIndex),
      onProgress: (p) => (last = p),
    });
    expect(tokens.length).toBe(20);
    expect(finished.sort()).toEqual([0, 1, 2, 3]);
    expect(last).toEqual({ done: 4, total: 4, tokens: 20 });
    expect(out.every((r) => r.responseIds.join() === ref.greedy_continuation.slice(0, 5).join())).toBe(true);
    const ac = new AbortController();
    const p = engine.generate([prompt], { maxNewTokens: 200, temperature: 1, signal: ac.signal, onToken: () => ac.abort(new Error('stopped by test')) });
    await expect(p).rejects.toThrow(/stopped by test/);
    await expect(engine.generate([[1, 999]], { maxNewTokens: 2 })).rejects.toThrow(/token id 999/);
    await expect(engine.generate([prompt], { maxNewTokens: 300 })).rejects.toThrow(/context length 256/);
    // the engine is usable after the failures
    const [ok] = await engine.generate([prompt], { maxNewTokens: 3, temperature: 0 });
    expect(ok.responseIds).toEqual(ref.greedy_continuation.slice(0, 3));
  });
});
