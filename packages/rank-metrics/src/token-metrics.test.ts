import { describe, expect, it } from 'vitest';
import { batchTokenMetrics, tokenEntropies } from './index.js';

describe('token-level metrics', () => {
  it('entropy of softmax: uniform = log V, two classes p = (1/4, 3/4), near one-hot ~ 0', () => {
    const V = 4;
    const logits = Float32Array.from([
      ...[0.3, 0.3, 0.3, 0.3],
      ...[0, Math.log(3), -1e4, -1e4],
      ...[50, 0, 0, 0],
    ]);
    const h = tokenEntropies(logits, { time: 3, vocab: V });
    expect(h[0]).toBeCloseTo(Math.log(4), 12);
    const p = [0.25, 0.75];
    expect(h[1]).toBeCloseTo(-p.reduce((s, q) => s + q * Math.log(q), 0), 6);
    expect(h[2]).toBeGreaterThan(0);
    expect(h[2]).toBeLessThan(1e-18);
  });

  it('is stable for large logits and applies the temperature', () => {
    const logits = Float64Array.from([1000, 1000 + Math.log(3)]);
    expect(tokenEntropies(logits, { time: 1, vocab: 2 })[0]).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 12);
    // Temperature 2 on logits (0, 2 ln 3) is the same distribution as (0, ln 3) at temperature 1.
    const t2 = tokenEntropies(Float64Array.from([0, 2 * Math.log(3)]), { time: 1, vocab: 2 }, { temperature: 2 })[0];
    expect(t2).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 12);
  });

  it('per-response means over masked tokens: entropy, log-prob, confidence, perplexity', () => {
    // B = 2, T = 3, V = 2. Row 0 uses t = 0, 1; row 1 uses t = 2 only.
    const L3 = Math.log(3);
    const logits = Float32Array.from([0, L3, 0, 0, 9, 9, /**/ 7, 7, 7, 7, L3, 0]);
    const tokens = [
      [1, 0, 0],
      [0, 0, 0],
    ];
    const mask = [
      [1, 1, 0],
      [0, 0, 1],
    ];
    const [a, b] = batchTokenMetrics(logits, { batch: 2, time: 3, vocab: 2 }, tokens, mask);
    const h34 = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    expect(a.tokens).toBe(2);
    expect(a.entropy).toBeCloseTo((h34 + Math.log(2)) / 2, 6);
    expect(a.logProb).toBeCloseTo((Math.log(0.75) + Math.log(0.5)) / 2, 6);
    expect(a.confidence).toBeCloseTo((0.75 + 0.5) / 2, 6);
    expect(a.maxProbability).toBeCloseTo((0.75 + 0.5) / 2, 6);
    expect(a.perplexity).toBeCloseTo(Math.exp(-a.logProb), 12);
    expect(b.tokens).toBe(1);
    expect(b.logProb).toBeCloseTo(Math.log(0.75), 6);
    // Flat ids and a flat mask give the same answer.
    expect(batchTokenMetrics(logits, { batch: 2, time: 3, vocab: 2 }, [1, 0, 0, 0, 0, 0], Uint8Array.from(mask.flat()))).toEqual([a, b]);
    // An empty response.
    const [e] = batchTokenMetrics(logits.subarray(0, 6), { batch: 1, time: 3, vocab: 2 }, [[0, 0, 0]], [[0, 0, 0]]);
    expect(e).toEqual({ entropy: 0, logProb: 0, confidence: 0, maxProbability: 0, perplexity: 1, tokens: 0 });
  });

  it('rejects bad input', () => {
    const logits = new Float32Array(12);
    const dims = { batch: 2, time: 3, vocab: 2 };
    const ids = [
      [0, 0, 0],
      [0, 0, 0],
    ];
    const mask = [
      [1, 1, 1],
      [1, 1, 1],
    ];
    expect(() => batchTokenMetrics(logits.subarray(1), dims, ids, mask)).toThrow(/logits.length is 11/);
    expect(() => batchTokenMetrics(logits, dims, [[0, 0, 2], [0, 0, 0]], mask)).toThrow(/token id 2 at \[0\]\[2\]/);
    expect(() => batchTokenMetrics(logits, dims, ids, mask, { temperature: 0 })).toThrow(/temperature/);
    const nan = logits.slice();
    nan[3] = NaN;
    expect(() => batchTokenMetrics(nan, dims, ids, mask)).toThrow(/logits\[0\]\[1\] contains NaN/);
    expect(() => tokenEntropies(logits, { time: 5, vocab: 2 })).toThrow(RangeError);
  });
});
