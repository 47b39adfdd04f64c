import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { aggregateLoss, entropyFromLogits, klPenalty, logProbsFromLogits, policyLoss } from './losses.js';
import { fixturePath } from '../../../tools/test-support/fixtures.js';

const t2 = (rows: number[][]) => tf.tensor2d(rows);
const val = (x: tf.Tensor) => x.dataSync()[0];

describe('aggregateLoss (verl agg_loss), hand-computed', () => {
  const loss = t2([[1, 2, 3], [4, 5, 6]]);
  const mask = t2([[1, 1, 0], [1, 0, 0]]);
  it('token-mean = (1+2+4)/3', () => expect(val(aggregateLoss(loss, mask, 'token-mean'))).toBeCloseTo(7 / 3, 6));
  it('seq-mean-token-sum = ((1+2) + 4)/2', () => expect(val(aggregateLoss(loss, mask, 'seq-mean-token-sum'))).toBeCloseTo(3.5, 6));
  it('seq-mean-token-mean = (1.5 + 4)/2', () => expect(val(aggregateLoss(loss, mask, 'seq-mean-token-mean'))).toBeCloseTo(2.75, 6));
  // a row with no loss token (an empty response, or padding rows of a micro-batch)
  const withEmpty = t2([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  const emptyRowMask = t2([[1, 1, 0], [1, 0, 0], [0, 0, 0]]);
  it('issue 13 point 11: seq-mean-token-sum leaves out rows without loss tokens, ((1+2) + 4)/2 not /3', () => {
    expect(val(aggregateLoss(withEmpty, emptyRowMask, 'seq-mean-token-sum'))).toBeCloseTo(3.5, 6);
  });
  it('issue 13 point 11: seq-mean-token-mean leaves out rows without loss tokens, (1.5 + 4)/2 not /3', () => {
    expect(val(aggregateLoss(withEmpty, emptyRowMask, 'seq-mean-token-mean'))).toBeCloseTo(2.75, 6);
  });
  it('issue 13 point 11: seq-mean-token-sum-norm = seq-mean-token-sum / horizon (T, or a constant scaleFactor)', () => {
    expect(val(aggregateLoss(withEmpty, emptyRowMask, 'seq-mean-token-sum-norm'))).toBeCloseTo(3.5 / 3, 6);
    expect(val(aggregateLoss(withEmpty, emptyRowMask, 'seq-mean-token-sum-norm', { scaleFactor: 7 }))).toBeCloseTo(0.5, 6);
    expect(() => aggregateLoss(withEmpty, emptyRowMask, 'seq-mean-token-sum-norm', { scaleFactor: 0 })).toThrow(/scaleFactor/);
  });
  it('issue 13 point 11: an all-empty mask gives 0 in every mode, and the empty row gets no gradient', () => {
    const none = t2([[0, 0, 0], [0, 0, 0]]);
    for (const mode of ['token-mean', 'seq-mean-token-sum', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
      expect(val(aggregateLoss(t2([[1, 2, 3], [4, 5, 6]]), none, mode))).toBe(0);
    }
    // d/dL of seq-mean-token-mean: 1/(2·2) on row 0's tokens, 1/(2·1) on row 1's, 0 elsewhere
    const g = tf.grad((x: tf.Tensor) => aggregateLoss(x, emptyRowMask, 'seq-mean-token-mean'))(withEmpty);
    expect(Array.from(g.dataSync()).map((v) => +v.toFixed(6))).toEqual([0.25, 0.25, 0, 0.5, 0, 0, 0, 0, 0]);
  });
  it('rejects unknown modes and mismatched shapes', () => {
    expect(() => aggregateLoss(loss, mask, 'seq-sum' as never)).toThrow(/unknown loss aggregation mode/);
    expect(() => aggregateLoss(loss, t2([[1, 1]]), 'token-mean')).toThrow(/differ in shape/);
  });
});

describe('policyLoss (verl compute_policy_loss_vanilla), hand-computed', () => {
  // ratios 1.5, 0.5, 1.1, 0.7 with advantages +1, +1, -1, -1 and ε = 0.2:
  //   token 0: max(-1.5, -1.2) = -1.2 (clipped)   token 1: max(-0.5, -0.8) = -0.5
  //   token 2: max( 1.1,  1.1) =  1.1             token 3: max( 0.7,  0.8) =  0.8 (clipped)
  const ratios = [1.5, 0.5, 1.1, 0.7];
  const old = t2([[0, 0, 0, 0]]);
  const adv = t2([[1, 1, -1, -1]]);
  const mask = t2([[1, 1, 1, 1]]);
  const logProb = t2([ratios.map(Math.log)]);
  it('loss, clip fraction and approx KL', () => {
    const r = policyLoss({ logProb, oldLogProb: old, advantages: adv, mask });
    expect(val(r.loss)).toBeCloseTo((-1.2 - 0.5 + 1.1 + 0.8) / 4, 6);
    expect(val(r.clipFraction)).toBeCloseTo(0.5, 6);
    expect(val(r.approxKl)).toBeCloseTo(-Math.log(1.5 * 0.5 * 1.1 * 0.7) / 4, 6);
    expect(val(r.clipFractionLower)).toBe(0);
  });
  it('gradient is -A·r/N on unclipped tokens and 0 on clipped ones', () => {
    const g = tf.grad((lp: tf.Tensor) => policyLoss({ logProb: lp, oldLogProb: old, advantages: adv, mask }).loss)(logProb);
    const d = Array.from(g.dataSync());
    expect(d[0]).toBeCloseTo(0, 7);
    expect(d[1]).toBeCloseTo(-1 * 0.5 / 4, 6);
    expect(d[2]).toBeCloseTo(1.1 / 4, 6);
    expect(d[3]).toBeCloseTo(0, 7);
  });
  it('asymmetric clip (clip-higher): ε_high = 0.6 leaves ratio 1.5 unclipped', () => {
    const r = policyLoss({ logProb, oldLogProb: old, advantages: adv, mask }, { clipLow: 0.2, clipHigh: 0.6 });
    expect(val(r.loss)).toBeCloseTo((-1.5 - 0.5 + 1.1 + 0.8) / 4, 6);
    expect(val(r.clipFraction)).toBeCloseTo(0.25, 6);
  });
  it('dual clip bounds the loss of negative advantages at -A·c', () => {
    // ratio 5 with A = -1: max(5, 1.2) = 5, dual clip min(5, 3) = 3; ratio 2 with A = 2: max(-4, -2.4) = -2.4
    const lp = t2([[Math.log(5), Math.log(2)]]);
    const inp = { logProb: lp, oldLogProb: t2([[0, 0]]), advantages: t2([[-1, 2]]), mask: t2([[1, 1]]) };
    const off = policyLoss(inp);
    expect(val(off.loss)).toBeCloseTo((5 - 2.4) / 2, 5);
    const on = policyLoss(inp, { clipRatioC: 3 });
    expect(val(on.loss)).toBeCloseTo((3 - 2.4) / 2, 5);
    expect(val(on.clipFractionLower)).toBeCloseTo(0.5, 6);
    expect(() => policyLoss(inp, { clipRatioC: 1 })).toThrow(RangeError);
  });
  it('masked tokens do not count', () => {
    const r = policyLoss({ logProb, oldLogProb: old, advantages: adv, mask: t2([[1, 1, 0, 0]]) });
    expect(val(r.loss)).toBeCloseTo((-1.2 - 0.5) / 2, 6);
  });
});

describe('klPenalty (verl kl_penalty), hand-computed', () => {
  const lp = tf.tensor1d([Math.log(0.5)]);
  const ref = tf.tensor1d([Math.log(0.25)]);
  it('k1 = log 2', () => expect(val(klPenalty(lp, ref, 'k1'))).toBeCloseTo(Math.LN2, 6));
  it('k2 = (log 2)²/2', () => expect(val(klPenalty(lp, ref, 'k2'))).toBeCloseTo(0.5 * Math.LN2 ** 2, 6));
  it('k3 = r - log r - 1 with r = 1/2', () => {
    expect(val(klPenalty(lp, ref, 'k3'))).toBeCloseTo(0.5 + Math.LN2 - 1, 6);
    expect(val(klPenalty(lp, ref, 'low_var_kl'))).toBeCloseTo(0.5 + Math.LN2 - 1, 6);
  });
  it('k3 is clamped to 10 (and its log-ratio to ±20)', () => {
    expect(val(klPenalty(tf.tensor1d([0]), tf.tensor1d([15]), 'k3'))).toBeCloseTo(10, 5);
    expect(val(klPenalty(tf.tensor1d([0]), tf.tensor1d([-30]), 'k3'))).toBeCloseTo(10, 5);
    expect(val(klPenalty(tf.tensor1d([0]), tf.tensor1d([-2]), 'k3'))).toBeCloseTo(Math.exp(-2) + 2 - 1, 5);
  });
  it('rejects unknown estimators', () => expect(() => klPenalty(lp, ref, 'k9' as never)).toThrow(/unknown KL estimator/));
});

describe('entropyFromLogits', () => {
  it('p = (1/4, 3/4) and uniform over 4', () => {
    const h = entropyFromLogits(tf.tensor2d([[0, Math.log(3), -1e4, -1e4], [2, 2, 2, 2]])).dataSync();
    expect(h[0]).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 5);
    expect(h[1]).toBeCloseTo(Math.log(4), 5);
  });
  it('gradient matches the analytic -p·(z - Σ p z)', () => {
    const z = tf.tensor1d([0.3, -1.2, 2.0]);
    const g = tf.grad((x: tf.Tensor) => entropyFromLogits(x) as tf.Scalar)(z).dataSync();
    const zs = [0.3, -1.2, 2.0];
    const e = zs.map(Math.exp); const s = e.reduce((a, b) => a + b);
    const p = e.map((x) => x / s); const mean = p.reduce((a, pi, i) => a + pi * zs[i], 0);
    p.forEach((pi, i) => expect(g[i]).toBeCloseTo(-pi * (zs[i] - mean), 5));
  });
});

describe('logProbsFromLogits against HuggingFace transformers (hf-reference/qwen2-tiny)', () => {
  const ref = JSON.parse(readFileSync(fixturePath('hf-reference', 'qwen2-tiny', 'reference.json'), 'utf8'));
  const [B, T, V] = ref.logits_shape as number[];
  const logits = tf.tensor3d(ref.logits as number[], [B, T, V]);
  const ids = ref.input_ids as number[][];
  const am = ref.attention_mask as number[][];
  const shifted = tf.slice(logits, [0, 0, 0], [B, T - 1, V]);
  const labels = ids.map((r) => r.slice(1));
  const lp = logProbsFromLogits(shifted, labels);
  const mask = am.map((r) => r.slice(1).map((m, t) => m * r[t]));
  it('next-token log-probs agree within 1e-4 where both positions are real', () => {
    const got = lp.arraySync();
    const want = ref.next_token_logprobs as number[]; // flat [B, T-1]
    let checked = 0;
    for (let b = 0; b < B; b++) for (let t = 0; t < T - 1; t++) if (mask[b][t]) {
      expect(Math.abs(got[b][t] - want[b * (T - 1) + t])).toBeLessThan(1e-4);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
  it('token-mean NLL equals the reference masked mean NLL', () => {
    const nll = aggregateLoss(tf.neg(lp), tf.tensor2d(mask), 'token-mean');
    expect(Math.abs(val(nll) - ref.loss_masked_mean_nll)).toBeLessThan(1e-4);
  });
});
