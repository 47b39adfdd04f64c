// Which sampler the engine uses, and that llama.cpp's seeded chain draws from @verl-ts/rollout's
// distribution (temperature → top-k → top-p): first-token frequencies over the exported
// qwen2-tiny fixture against processedDistribution of llama.cpp's own next-token row (chi-square).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processedDistribution, Rng, type SamplingParams } from '@verl-ts/rollout';
import { exportGguf } from '../gguf/export-gguf.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llamacpp-engine.js';
import { generateNextFor, samplingRoute } from './sampling-route.js';
import { fixtureWithTokenizer, readReference } from '../test-utils/fixture-model.js';

describe('samplingRoute', () => {
  it('greedy for T = 0 or top-k 1; the chain only for processed log-probs at T = 1 or without top-p', () => {
    expect(samplingRoute({ temperature: 0 }, 'raw')).toBe('greedy');
    expect(samplingRoute({ temperature: 0.7, topK: 1 }, 'processed')).toBe('greedy');
    expect(samplingRoute({ temperature: 1, topP: 0.95 }, 'processed')).toBe('llama.cpp');
    expect(samplingRoute({ temperature: 0.6, topK: 20 }, 'processed')).toBe('llama.cpp');
    // llama.cpp's top-p acts before its temperature: another nucleus at T != 1
    expect(samplingRoute({ temperature: 0.6, topP: 0.95 }, 'processed')).toBe('exact');
    // raw log-probs need the normaliser over the whole vocabulary
    expect(samplingRoute({ temperature: 1, topP: 0.95 }, 'raw')).toBe('exact');
    expect(samplingRoute({ temperature: 1 }, 'raw')).toBe('exact');
  });

  it("gives llama.cpp every option (node-llama-cpp's defaults are top-k 40, top-p 0.95) and a seed from the response's stream", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const next = generateNextFor('llama.cpp', { temperature: 1, topP: 0.9, topK: -1 }, a);
    expect(next).toEqual({ token: true, confidence: true, options: { temperature: 1, topK: 0, topP: 0.9, minP: 0, seed: b.nextUint32() } });
    expect(generateNextFor('llama.cpp', { temperature: 0.5, topK: 7 }, a).options).toMatchObject({ temperature: 0.5, topK: 7, topP: 1 });
    expect(generateNextFor('exact', {}, a)).toEqual({ probabilities: true });
    expect(generateNextFor('greedy', {}, a)).toEqual({ token: true, confidence: true });
  });
});

/** Pearson's statistic with bins of expected count < 5 merged into one. */
function chiSquare(counts: Map<number, number>, tokens: Int32Array, probs: Float64Array, n: number): { stat: number; df: number } {
  let stat = 0;
  let bins = 0;
  let restObs = 0;
  let restExp = 0;
  tokens.forEach((t, j) => {
    const e = probs[j] * n;
    const o = counts.get(t) ?? 0;
    if (e < 5) {
      restObs += o;
      restExp += e;
      return;
    }
    stat += (o - e) ** 2 / e;
    bins++;
  });
  if (restExp > 0) {
    stat += (restObs - restExp) ** 2 / restExp;
    bins++;
  }
  return { stat, df: bins - 1 };
}

/** Critical value at p = 0.001 (Wilson-Hilferty; within 1% of the tables for df >= 2). */
function critical(df: number): number {
  const z = 3.0902;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

const ref = readReference('qwen2-tiny');
const prompt = ref.greedy_prompt;
let engine: LlamaCppEngine;
let cleanup: () => void;
beforeAll(async () => {
  const f = await fixtureWithTokenizer('qwen2-tiny');
  cleanup = f.cleanup;
  const { file } = await exportGguf({ modelDir: f.dir, out: join(f.dir, 'model.gguf') });
  engine = await createLlamaCppEngine({ modelPath: file, gpu: false, parallel: 8, threads: 1 });
});
afterAll(async () => {
  await engine?.close();
  cleanup?.();
});

describe("llama.cpp's sampler chain", () => {
  const cases: [string, SamplingParams][] = [
    ['T = 0.7, top-k 6', { temperature: 0.7, topK: 6 }],
    ['T = 1, top-p 0.6', { temperature: 1, topP: 0.6 }],
    ['T = 1.3, no truncation', { temperature: 1.3 }],
  ];
  for (const [name, params] of cases) {
    it(`${name}: first-token frequencies match our processed distribution (chi-square, p = 0.001); log-probs are its log-probabilities`, async () => {
      const [row] = (await engine.logprobRows(prompt)).slice(-1);
      const dist = processedDistribution(row, params);
      const N = 1200;
      const out = await engine.generate([prompt], { ...params, n: N, maxNewTokens: 1, seed: 9, logprobsMode: 'processed', eosTokenIds: [] });
      const counts = new Map<number, number>();
      const support = new Map(Array.from(dist.tokens, (t, j) => [t, dist.probs[j]]));
      for (const r of out) {
        const t = r.responseIds[0];
        counts.set(t, (counts.get(t) ?? 0) + 1);
        expect(support.has(t)).toBe(true);
        // llama.cpp computes the distribution in float32
        expect(Math.abs(r.logprobs[0] - Math.log(support.get(t)!))).toBeLessThan(1e-4);
      }
      const { stat, df } = chiSquare(counts, dist.tokens, dist.probs, N);
      expect(df).toBeGreaterThanOrEqual(3);
      expect(stat).toBeLessThan(critical(df));
    });
  }

  it('a seed reproduces a call, another seed changes it; responses of one prompt draw their own streams', async () => {
    const opts = { n: 4, maxNewTokens: 10, temperature: 1, topP: 0.9, seed: 3, logprobsMode: 'processed' as const, eosTokenIds: [] };
    const a = await engine.generate([prompt, prompt.slice(3)], opts);
    const b = await engine.generate([prompt, prompt.slice(3)], opts);
    expect(b.map((r) => r.responseIds)).toEqual(a.map((r) => r.responseIds));
    expect(b.map((r) => r.logprobs)).toEqual(a.map((r) => r.logprobs));
    expect(new Set(a.slice(0, 4).map((r) => r.responseIds.join())).size).toBe(4);
    const c = await engine.generate([prompt, prompt.slice(3)], { ...opts, seed: 4 });
    expect(c.map((r) => r.responseIds.join())).not.toEqual(a.map((r) => r.responseIds.join()));
    // promptSeeds: a prompt is sampled as a one-prompt call with its seed
    const both = await engine.generate([prompt, prompt.slice(3)], { ...opts, seed: undefined, promptSeeds: [11, 12] });
    const second = await engine.generate([prompt.slice(3)], { ...opts, seed: 12 });
    expect(both.slice(4).map((r) => r.responseIds)).toEqual(second.map((r) => r.responseIds));
  });
});
