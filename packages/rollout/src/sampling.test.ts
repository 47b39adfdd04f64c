import { describe, expect, it } from 'vitest';
import { Rng } from '@verl-ts/prng';
import { processedDistribution, sampleToken, validateSamplingParams } from './sampling.js';

// Reference formulas written out independently of the implementation.
function softmax(xs: number[], t = 1): number[] {
  const m = Math.max(...xs.map((x) => x / t));
  const e = xs.map((x) => Math.exp(x / t - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
function sortedDesc(p: number[]): number[] {
  return p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
}
/** Nucleus by full sort: smallest most-likely-first prefix with mass >= topP. */
function nucleus(p: number[], topP: number): Set<number> {
  const out = new Set<number>();
  let mass = 0;
  for (const i of sortedDesc(p)) {
    if (mass >= topP) break;
    out.add(i);
    mass += p[i];
  }
  return out;
}
function chiSquare(counts: number[], expectedProbs: number[], n: number): number {
  let x2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = expectedProbs[i] * n;
    if (e === 0) {
      if (counts[i] > 0) return Infinity;
      continue;
    }
    x2 += (counts[i] - e) ** 2 / e;
  }
  return x2;
}
function draw(logits: number[], params: Parameters<typeof sampleToken>[1], n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const counts = new Array(logits.length).fill(0);
  const row = Float32Array.from(logits);
  for (let i = 0; i < n; i++) counts[sampleToken(row, params, rng).token]++;
  return counts;
}
function normalLogits(n: number, scale: number, seed: number): number[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => scale * Math.sqrt(-2 * Math.log(1 - r.nextFloat())) * Math.cos(2 * Math.PI * r.nextFloat()));
}

// chi-square critical values at p = 0.001 (tables): df 5 -> 20.515, df 2 -> 13.816
const CHI2_DF5 = 20.515;
const CHI2_DF2 = 13.816;
// values exactly representable in float32, so the reference softmax sees the same numbers
const LOGITS = [2.0, 1.0, 0.5, 0.0, -1.0, -2.5];

describe('sampleToken', () => {
  it('greedy (temperature 0) picks the argmax and reports its raw log-prob', () => {
    const row = Float32Array.from(LOGITS);
    const s = sampleToken(row, { temperature: 0 }, new Rng(1));
    expect(s.token).toBe(0);
    expect(s.logprob).toBeCloseTo(Math.log(softmax(LOGITS)[0]), 12);
    expect(s.processedLogprob).toBe(0);
    expect(sampleToken(row, { temperature: 1.3, topK: 1 }, new Rng(1)).token).toBe(0);
    expect(sampleToken(Float32Array.from([0, 3, 3, 1]), { temperature: 0 }, new Rng(1)).token).toBe(1); // first of ties
  });

  it('empirical frequencies match softmax(logits / T) (chi-square, p = 0.001)', () => {
    const N = 30_000;
    for (const T of [0.7, 1, 1.6]) {
      const counts = draw(LOGITS, { temperature: T }, N, 100 + T * 10);
      expect(chiSquare(counts, softmax(LOGITS, T), N)).toBeLessThan(CHI2_DF5);
      // the test has power: the same draws are far from the distribution at a different T
      expect(chiSquare(counts, softmax(LOGITS, T * 1.25), N)).toBeGreaterThan(10 * CHI2_DF5);
    }
  });

  it('top-k samples from softmax over the k largest, renormalised', () => {
    const N = 20_000;
    const counts = draw(LOGITS, { temperature: 0.9, topK: 3 }, N, 5);
    const p = softmax(LOGITS.slice(0, 3), 0.9);
    expect(counts.slice(3).every((c) => c === 0)).toBe(true);
    expect(chiSquare(counts.slice(0, 3), p, N)).toBeLessThan(CHI2_DF2);
  });

  it('top-p never emits a token outside the nucleus and matches its renormalised distribution', () => {
    const logits = normalLogits(500, 2.5, 9);
    const row = Float32Array.from(logits);
    for (const [topP, T] of [[0.9, 1], [0.5, 0.8], [0.97, 1.4]] as const) {
      const p = softmax(Array.from(row), T);
      const nuc = nucleus(p, topP);
      const rng = new Rng(17);
      const counts = new Map<number, number>();
      const N = 10_000;
      let outside = 0;
      for (let i = 0; i < N; i++) {
        const t = sampleToken(row, { temperature: T, topP }, rng).token;
        if (!nuc.has(t)) outside++;
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      expect(outside).toBe(0);
      // renormalised nucleus probabilities, pooled into the 3 most likely tokens + the rest
      const ids = sortedDesc(p).filter((i) => nuc.has(i));
      const mass = ids.reduce((a, i) => a + p[i], 0);
      const head = ids.slice(0, 3);
      const exp = [...head.map((i) => p[i] / mass), 1 - head.reduce((a, i) => a + p[i] / mass, 0)];
      const obs = [...head.map((i) => counts.get(i) ?? 0), N - head.reduce((a, i) => a + (counts.get(i) ?? 0), 0)];
      expect(chiSquare(obs, exp, N)).toBeLessThan(16.266); // df 3, p = 0.001
    }
  });

  it('top-k then top-p: the nucleus is taken on the distribution renormalised after top-k', () => {
    const row = Float32Array.from(LOGITS);
    // after top-3 at T=1: p ~ [0.638, 0.235, 0.127]; topP 0.8 keeps 2 tokens
    const d = processedDistribution(row, { topK: 3, topP: 0.8 });
    expect(Array.from(d.tokens)).toEqual([0, 1]);
    const p = softmax(LOGITS.slice(0, 2));
    expect(d.probs[0]).toBeCloseTo(p[0], 12);
    // without top-k the mass of the top two is 0.78 < 0.8, so a third token joins
    expect(Array.from(processedDistribution(row, { topP: 0.8 }).tokens)).toEqual([0, 1, 2]);
  });

  it('finds the exact nucleus on a flat 50k vocabulary (candidate thresholds lowered several times)', () => {
    const logits = normalLogits(50_000, 0.05, 4);
    const row = Float32Array.from(logits);
    const p = softmax(Array.from(row));
    const want = nucleus(p, 0.6);
    const got = processedDistribution(row, { topP: 0.6 });
    expect(got.tokens.length).toBe(want.size);
    for (const t of got.tokens) expect(want.has(t)).toBe(true);
    const k = processedDistribution(row, { topK: 20_000 });
    expect(Array.from(k.tokens)).toEqual(sortedDesc(p).slice(0, 20_000));
  });

  it('reports raw log-probs (before temperature) and processed log-probs (what was sampled from)', () => {
    const row = Float32Array.from(LOGITS);
    const raw = softmax(LOGITS);
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) {
      const s = sampleToken(row, { temperature: 0.5, topK: 4 }, rng);
      expect(s.logprob).toBeCloseTo(Math.log(raw[s.token]), 10);
      expect(s.processedLogprob).toBeCloseTo(Math.log(softmax(LOGITS.slice(0, 4), 0.5)[s.token]), 10);
      const f = sampleToken(row, { temperature: 0.5 }, rng);
      expect(f.processedLogprob).toBeCloseTo(Math.log(softmax(LOGITS, 0.5)[f.token]), 10);
    }
  });

  it('a tiny temperature equals greedy', () => {
    const logits = normalLogits(300, 1, 2);
    const row = Float32Array.from(logits);
    const greedy = sampleToken(row, { temperature: 0 }, new Rng(0)).token;
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) expect(sampleToken(row, { temperature: 1e-3 }, rng).token).toBe(greedy);
  });

  it('rejects bad parameters and NaN logits with RangeError', () => {
    expect(() => validateSamplingParams({ temperature: -1 })).toThrow(RangeError);
    expect(() => validateSamplingParams({ topP: 0 })).toThrow(/topP/);
    expect(() => validateSamplingParams({ topP: 1.5 })).toThrow(/topP/);
    expect(() => validateSamplingParams({ topK: 2.5 })).toThrow(/topK/);
    expect(validateSamplingParams({ topK: -1 }).topK).toBe(-1);
    expect(() => sampleToken(Float32Array.from([0, NaN]), {}, new Rng(1))).toThrow(/NaN/);
  });
});
