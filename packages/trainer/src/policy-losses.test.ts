import * as tf from '@tensorflow/tfjs';
import { describe, it, expect } from 'vitest';
import { getPolicyLoss, listPolicyLosses, registerPolicyLoss } from './policy-losses.js';
import { maskedMean, policyLoss } from './losses.js';

describe('policy-loss registry', () => {
  it("has verl's 'vanilla' PPO-clip loss and refuses unknown names with the list", () => {
    expect(listPolicyLosses()).toContain('vanilla');
    expect(getPolicyLoss('vanilla')).toBe(policyLoss);
    expect(() => getPolicyLoss('gspo')).toThrow(/unknown policy loss 'gspo' \(registered: vanilla/);
  });
  it('registers a new loss by name, and does not replace one silently', () => {
    // REINFORCE with the ratio: -A·r, no clip
    registerPolicyLoss('test-unclipped', ({ logProb, oldLogProb, advantages, mask }) => tf.tidy(() => ({
      loss: maskedMean(tf.neg(tf.mul(advantages, tf.exp(tf.sub(logProb, oldLogProb)))), mask),
      clipFraction: tf.scalar(0), clipFractionLower: tf.scalar(0), approxKl: maskedMean(tf.sub(oldLogProb, logProb), mask),
    })));
    expect(listPolicyLosses()).toContain('test-unclipped');
    const input = { logProb: tf.tensor2d([[0.5, 0]]), oldLogProb: tf.tensor2d([[0, 0]]), advantages: tf.tensor2d([[1, 1]]), mask: tf.tensor2d([[1, 1]]) };
    const r = getPolicyLoss('test-unclipped')(input, {});
    expect(r.loss.dataSync()[0]).toBeCloseTo(-(Math.exp(0.5) + 1) / 2, 5);
    // the clipped loss caps the ratio at 1.2 for A > 0
    expect(getPolicyLoss('vanilla')(input, {}).loss.dataSync()[0]).toBeCloseTo(-(1.2 + 1) / 2, 5);
    expect(() => registerPolicyLoss('vanilla', policyLoss)).toThrow(/already registered/);
  });
});
