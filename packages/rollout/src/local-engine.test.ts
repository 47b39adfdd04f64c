import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalEngine } from './local-engine.js';
import { createFakeModel, hashedLogits } from './test-utils/fake-model.js';
import { createCharTokenizer } from './test-utils/char-tokenizer.js';
import type { Rollout } from './types.js';

const V = 48;
const logitsFn = hashedLogits(V);

/** Greedy decoding written out naively, one prompt, no batching or cache. */
function naiveGreedy(prompt: number[], steps: number): { ids: number[]; logprobs: number[] } {
  const hist = [...prompt];
  const ids: number[] = [];
  const logprobs: number[] = [];
  for (let s = 0; s < steps; s++) {
    const l = Array.from(logitsFn(hist));
    const max = Math.max(...l);
    const tok = l.indexOf(max);
    const lse = max + Math.log(l.reduce((a, x) => a + Math.exp(x - max), 0));
    ids.push(tok);
    logprobs.push(l[tok] - lse);
    hist.push(tok);
  }
  return { ids, logprobs };
}

const PROMPTS = [[5, 9, 11], [7], [3, 4, 5, 6, 7, 8, 9, 10], [20, 21], [30, 31, 32, 33, 34]];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('local engine on a fake model', () => {
  it('greedy output equals naive one-prompt decoding for mixed prompt lengths in one batch', async () => {
    const model = createFakeModel({ vocabSize: V });
    const engine = createLocalEngine(model, undefined, { batchSize: 8 });
    const out = await engine.generate(PROMPTS, { maxNewTokens: 12, temperature: 0, eosTokenIds: [] });
    expect(out.length).toBe(PROMPTS.length);
    out.forEach((r, i) => {
      const want = naiveGreedy(PROMPTS[i], 12);
      expect(r.promptIndex).toBe(i);
      expect(r.promptIds).toEqual(PROMPTS[i]);
      expect(r.responseIds).toEqual(want.ids);
      r.logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(want.logprobs[t], 5));
      expect(r.finishReason).toBe('length');
    });
    // one prompt at a time gives the same
    const single = createLocalEngine(model, undefined, { batchSize: 1 });
    const one = await single.generate(PROMPTS, { maxNewTokens: 12, temperature: 0, eosTokenIds: [] });
    expect(one.map((r) => r.responseIds)).toEqual(out.map((r) => r.responseIds));
  });

  it('sampling with a seed is reproducible, independent of batch size, and differs across seeds', async () => {
    const model = createFakeModel({ vocabSize: V });
    const opts = { maxNewTokens: 10, temperature: 1.2, topP: 0.95, seed: 1234, n: 3, eosTokenIds: [] };
    const a = await createLocalEngine(model, undefined, { batchSize: 16 }).generate(PROMPTS, opts);
    const b = await createLocalEngine(model, undefined, { batchSize: 16 }).generate(PROMPTS, opts);
    const c = await createLocalEngine(model, undefined, { batchSize: 2 }).generate(PROMPTS, opts);
    const d = await createLocalEngine(model, undefined, { batchSize: 16 }).generate(PROMPTS, { ...opts, seed: 99 });
    const ids = (rs: Rollout[]) => rs.map((r) => r.responseIds);
    expect(ids(b)).toEqual(ids(a));
    expect(ids(c)).toEqual(ids(a));
    expect(ids(d)).not.toEqual(ids(a));
    // n samples per prompt, ordered by prompt then sample, and not all identical
    expect(a.map((r) => [r.promptIndex, r.sampleIndex])).toEqual(PROMPTS.flatMap((_, p) => [[p, 0], [p, 1], [p, 2]]));
    expect(new Set(a.slice(0, 3).map((r) => r.responseIds.join(','))).size).toBeGreaterThan(1);
  });

  it('promptSeeds sample each prompt as a one-prompt call with that seed would', async () => {
    const engine = createLocalEngine(createFakeModel({ vocabSize: V }));
    const opts = { n: 2, maxNewTokens: 6, temperature: 1, eosTokenIds: [] };
    const all = await engine.generate(PROMPTS.slice(0, 3), { ...opts, promptSeeds: [5, 6, 7] });
    const second = await engine.generate([PROMPTS[1]], { ...opts, seed: 6 });
    expect(all.filter((r) => r.promptIndex === 1).map((r) => r.responseIds)).toEqual(second.map((r) => r.responseIds));
    await expect(engine.generate(PROMPTS.slice(0, 3), { ...opts, promptSeeds: [1] })).rejects.toThrow(/promptSeeds has 1 seeds for 3 prompts/);
  });

  it('the n samples of a prompt share one prefill (cache rows duplicated by select)', async () => {
    const model = createFakeModel({ vocabSize: V });
    const out = await createLocalEngine(model).generate([[1, 2, 3], [4, 5]], { n: 4, maxNewTokens: 3, temperature: 1, seed: 4, eosTokenIds: [] });
    expect(out).toHaveLength(8);
    // prefill 2 rows, then 8 rows fed 2 tokens each
    expect(model.stats.rowSteps).toBe(2 + 8 * 2);
    // every call asks for last-position logits only
    expect(model.stats.lastOnlyCalls).toBe(model.stats.cachedCalls);
  });

  it('refilling a shrunken batch with waiting sequences gives the same results as fixed batches', async () => {
    const EOS = 2;
    // row i stops after (first prompt token - 10) tokens: 1 .. 12 tokens, in a shuffled order
    const stopAfter = [7, 1, 12, 3, 9, 2, 11, 5, 4, 10, 6, 8];
    const logits = (hist: readonly number[]) => {
      const l = Float32Array.from(hashedLogits(V)(hist));
      const promptLen = 2 + ((hist[0] - 10) % 3);
      l[EOS] = hist.length - promptLen >= hist[0] - 10 ? 50 : -50;
      return l;
    };
    const prompts = stopAfter.map((s) => [10 + s, ...Array.from({ length: 1 + (s % 3) }, (_, j) => 3 + j)]);
    const opts = { n: 2, maxNewTokens: 20, temperature: 1, seed: 6, eosTokenIds: [EOS] };
    const fixed = createFakeModel({ vocabSize: V, logits });
    const a = await createLocalEngine(fixed, undefined, { batchSize: 4, refillBelow: 0 }).generate(prompts, opts);
    const refilled = createFakeModel({ vocabSize: V, logits });
    const b = await createLocalEngine(refilled, undefined, { batchSize: 4, refillBelow: 0.5 }).generate(prompts, opts);
    expect(a.map((r) => r.responseIds.length)).toEqual(stopAfter.flatMap((s) => [s + 1, s + 1]));
    expect(b.map((r) => r.responseIds)).toEqual(a.map((r) => r.responseIds));
    b.forEach((r, i) => r.logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(a[i].logprobs[t], 5)));
    expect(fixed.stats.caches.length).toBe(6); // 24 sequences in fixed batches of 4
    expect(refilled.stats.caches.length).toBeGreaterThan(6); // rebuilt when 2 rows were left
    expect(refilled.stats.caches.every((c) => c.disposed)).toBe(true);
  });

  it('returned log-probs equal log_softmax of a full forward pass over prompt + response', async () => {
    const model = createFakeModel({ vocabSize: V });
    const out = await createLocalEngine(model).generate(PROMPTS, { maxNewTokens: 8, temperature: 0.9, topK: 10, seed: 5, eosTokenIds: [] });
    for (const r of out) {
      const seq = [...r.promptIds, ...r.responseIds];
      const { logits, hidden } = model.forward({ inputIds: [seq], attentionMask: [seq.map(() => 1)] });
      const lsm = tf.tidy(() => tf.logSoftmax(logits).arraySync() as number[][][]);
      tf.dispose([logits, hidden]);
      r.responseIds.forEach((tok, t) => expect(r.logprobs[t]).toBeCloseTo(lsm[0][r.promptIds.length - 1 + t][tok], 5));
    }
  });

  it('onToken reports every sampled token with its log-prob, onRollout each response as it finishes', async () => {
    const engine = createLocalEngine(createFakeModel({ vocabSize: V }), undefined, { batchSize: 3 });
    const seen = new Map<string, { ids: number[]; logprobs: number[] }>();
    const finished: Rollout[] = [];
    const out = await engine.generate(PROMPTS, {
      n: 2, maxNewTokens: 6, temperature: 1, seed: 4, eosTokenIds: [0, 1, 2],
      onRollout: (r) => {
        // every token of a response is reported before the response itself
        expect(seen.get(`${r.promptIndex}/${r.sampleIndex}`)?.ids).toEqual(r.responseIds);
        finished.push(r);
      },
      onToken: (t) => {
        const k = `${t.promptIndex}/${t.sampleIndex}`;
        if (!seen.has(k)) seen.set(k, { ids: [], logprobs: [] });
        seen.get(k)!.ids.push(t.token);
        seen.get(k)!.logprobs.push(t.logprob);
      },
    });
    expect(seen.size).toBe(out.length);
    for (const r of out) expect(seen.get(`${r.promptIndex}/${r.sampleIndex}`)).toEqual({ ids: r.responseIds, logprobs: r.logprobs });
    expect(finished).toHaveLength(out.length);
    expect(new Set(finished)).toEqual(new Set(out));
  });

  it('top-k = 1 and temperature -> 0 equal greedy', async () => {
    const model = createFakeModel({ vocabSize: V });
    const engine = createLocalEngine(model);
    const base = { maxNewTokens: 10, eosTokenIds: [], seed: 3 };
    const greedy = await engine.generate(PROMPTS, { ...base, temperature: 0 });
    const k1 = await engine.generate(PROMPTS, { ...base, temperature: 1.5, topK: 1 });
    // 2e-5 is above the greedy cut-off (1e-5), so this goes through the sampling path
    const cold = await engine.generate(PROMPTS, { ...base, temperature: 2e-5 });
    expect(k1.map((r) => r.responseIds)).toEqual(greedy.map((r) => r.responseIds));
    expect(cold.map((r) => r.responseIds)).toEqual(greedy.map((r) => r.responseIds));
  });

  it('first-token frequencies through the engine match softmax(logits / T) (chi-square)', async () => {
    const fixed = Float32Array.from([1.5, 0.5, 0, -0.5, 1.0, -1.0]);
    const model = createFakeModel({ vocabSize: fixed.length, logits: () => fixed });
    const N = 6000;
    const T = 0.8;
    const out = await createLocalEngine(model, undefined, { batchSize: 1000 }).generate([[0]], { n: N, maxNewTokens: 1, temperature: T, seed: 8, eosTokenIds: [] });
    const counts = new Array(fixed.length).fill(0);
    for (const r of out) counts[r.responseIds[0]]++;
    const e = Array.from(fixed, (x) => Math.exp(x / T));
    const s = e.reduce((a, b) => a + b, 0);
    const x2 = counts.reduce((acc, c, i) => acc + (c - (N * e[i]) / s) ** 2 / ((N * e[i]) / s), 0);
    expect(x2).toBeLessThan(20.515); // df 5, p = 0.001
  });

  it('stops on EOS (kept in responseIds, not in text) and finished rows stop costing compute', async () => {
    const EOS = 2;
    // the model emits "abcd..." and then EOS after (first prompt token) characters
    const logits = (hist: readonly number[]) => {
      const l = new Float32Array(80).fill(-5);
      const generated = hist.length - 2; // prompts have 2 tokens
      l[generated >= hist[0] - 4 ? EOS : tok.encode('A')[0] + generated] = 5;
      return l;
    };
    const tok = createCharTokenizer(80);
    const model = createFakeModel({ vocabSize: 80, logits, eosTokenId: EOS });
    const prompts = [[4 + 2, 4], [4 + 5, 4], [4 + 9, 4]]; // stop after 2, 5, 9 characters
    const out = await createLocalEngine(model, tok).generate(prompts, { maxNewTokens: 20, temperature: 0 });
    expect(out.map((r) => r.text)).toEqual(['AB', 'ABCDE', 'ABCDEFGHI']);
    expect(out.map((r) => r.finishReason)).toEqual(['stop', 'stop', 'stop']);
    expect(out.map((r) => r.responseIds.length)).toEqual([3, 6, 10]);
    expect(out.every((r) => r.responseIds[r.responseIds.length - 1] === EOS)).toBe(true);
    // prefill (3 rows) + one decode row-step per fed token: rows are dropped when they finish
    expect(model.stats.rowSteps).toBe(3 + (3 - 1) + (6 - 1) + (10 - 1));
    expect(model.stats.caches.every((c) => c.disposed)).toBe(true);
  });

  it('stops on stop strings: text cut before the match, ids through the completing token', async () => {
    const target = 'ab\ncd\n\nef';
    const tok = createCharTokenizer(100);
    const logits = (hist: readonly number[]) => {
      const l = new Float32Array(100).fill(0);
      const i = hist.length - 1; // prompts have 1 token
      const ch = target[i % target.length];
      l[tok.encode(ch)[0]] = 10;
      return l;
    };
    const model = createFakeModel({ vocabSize: 100, logits });
    const engine = createLocalEngine(model, tok);
    const [r] = await engine.generate(['x'], { maxNewTokens: 30, temperature: 0, stop: ['\n\n', 'zz'] });
    expect(r.text).toBe('ab\ncd');
    expect(r.finishReason).toBe('stop');
    expect(tok.decode(r.responseIds)).toBe('ab\ncd\n\n');
    const [s] = await engine.generate(['x'], { maxNewTokens: 30, temperature: 0, stop: ['d\n\ne'] });
    expect(s.text).toBe('ab\nc');
    const [t] = await engine.generate(['x'], { maxNewTokens: 4, temperature: 0, stop: ['\n\n'] });
    expect([t.text, t.finishReason]).toEqual(['ab\nc', 'length']);
  });

  it('reports progress, frees every tensor, and chunked prefill gives the same result', async () => {
    const model = createFakeModel({ vocabSize: V });
    const events: { done: number; total: number; tokens: number }[] = [];
    const before = tf.memory().numTensors;
    const out = await createLocalEngine(model, undefined, { batchSize: 4 }).generate(PROMPTS, {
      maxNewTokens: 6, n: 2, temperature: 0.7, seed: 2, eosTokenIds: [], onProgress: (p) => events.push(p),
    });
    expect(tf.memory().numTensors).toBe(before);
    const last = events[events.length - 1];
    expect(last).toEqual({ done: 10, total: 10, tokens: 60 });
    for (let i = 1; i < events.length; i++) expect(events[i].tokens).toBeGreaterThan(events[i - 1].tokens);
    const chunked = await createLocalEngine(model, undefined, { batchSize: 4, prefillBudget: 1 }).generate(PROMPTS, {
      maxNewTokens: 6, n: 2, temperature: 0.7, seed: 2, eosTokenIds: [],
    });
    expect(chunked.map((r) => r.responseIds)).toEqual(out.map((r) => r.responseIds));
  });

  it('accepts string prompts with a tokenizer and rejects bad input clearly', async () => {
    const model = createFakeModel({ vocabSize: 100 });
    const tok = createCharTokenizer(100);
    const [r] = await createLocalEngine(model, tok).generate(['hi'], { maxNewTokens: 3, temperature: 0, eosTokenIds: [] });
    expect(r.promptIds).toEqual(tok.encode('hi'));
    expect(r.text).toBe(tok.decode(r.responseIds));
    const bare = createLocalEngine(model);
    await expect(bare.generate(['hi'], { maxNewTokens: 3 })).rejects.toThrow(/tokenizer/);
    await expect(bare.generate([[1], []], { maxNewTokens: 3 })).rejects.toThrow(/prompt 1 is empty/);
    await expect(bare.generate([[1, 100]], { maxNewTokens: 3 })).rejects.toThrow(RangeError);
    await expect(bare.generate([[1]], { maxNewTokens: 0 })).rejects.toThrow(/maxNewTokens/);
    await expect(bare.generate([[1]], { maxNewTokens: 2, topP: 2 })).rejects.toThrow(/topP/);
    await expect(bare.generate([[1]], { maxNewTokens: 2, stop: ['x'] })).rejects.toThrow(/tokenizer/);
    const ac = new AbortController();
    ac.abort(new Error('cancelled by test'));
    await expect(bare.generate([[1]], { maxNewTokens: 2, signal: ac.signal })).rejects.toThrow(/cancelled/);
  });

  it('draws a fresh seed per call without one, from a checkpointable rng', async () => {
    const model = createFakeModel({ vocabSize: V });
    const engine = createLocalEngine(model);
    const saved = engine.rng.toJSON();
    const a = await engine.generate(PROMPTS, { maxNewTokens: 6, eosTokenIds: [] });
    const b = await engine.generate(PROMPTS, { maxNewTokens: 6, eosTokenIds: [] });
    expect(b.map((r) => r.responseIds)).not.toEqual(a.map((r) => r.responseIds));
    const { Rng } = await import('@verl-ts/prng');
    const resumed = createLocalEngine(model, undefined, { rng: Rng.fromJSON(saved) });
    const a2 = await resumed.generate(PROMPTS, { maxNewTokens: 6, eosTokenIds: [] });
    expect(a2.map((r) => r.responseIds)).toEqual(a.map((r) => r.responseIds));
  });
});
