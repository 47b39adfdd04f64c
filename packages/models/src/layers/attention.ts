// Grouped-query causal self-attention (Ainslie et al. 2023, GQA), as transformers' Qwen2Attention /
// LlamaAttention: H query heads share Hkv key/value heads (head h uses kv head floor(h / (H/Hkv))),
//   attn = softmax(q k^T / sqrt(D) + mask) v,  with RoPE applied to q and k.
// Instead of repeating k and v (transformers' repeat_kv, a rank-5 broadcast that has no tfjs gradient),
// the H/Hkv query heads of a group are stacked along the time axis: q [B, H, T, D] reshapes to
// [B, Hkv, (H/Hkv)*T, D], one batched matMul per kv head, then back. Same numbers, no copies of k/v.
import * as tf from '@tensorflow/tfjs';
import { linear, type LinearWeights } from './linear.js';
import { applyRope } from './rope.js';

export interface AttentionWeights {
  q: LinearWeights;
  k: LinearWeights;
  v: LinearWeights;
  o: LinearWeights;
}

export interface AttentionShape {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
}

export interface AttentionContext {
  cos: tf.Tensor4D;
  sin: tf.Tensor4D;
  /** additive mask [B, 1, (H/Hkv)*T, Tk]: 0 where a query may attend a key, a large negative elsewhere */
  maskBias: tf.Tensor4D;
}

/** [B*T, heads*D] -> [B, heads, T, D] */
function splitHeads(x: tf.Tensor2D, B: number, T: number, heads: number, D: number): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [B, T, heads, D]), [0, 2, 1, 3]);
}

/**
 * x: [B*T, d] (rows of batch b are b*T..b*T+T-1). `past` holds rotated keys and values [B, Hkv, P, D]
 * of earlier positions (KV cache); returns the output [B*T, d] and the keys/values including this step.
 */
export function attention(
  x: tf.Tensor2D,
  B: number,
  T: number,
  w: AttentionWeights,
  s: AttentionShape,
  ctx: AttentionContext,
  past?: { k: tf.Tensor4D; v: tf.Tensor4D },
): { out: tf.Tensor2D; k: tf.Tensor4D; v: tf.Tensor4D } {
  const { numHeads: H, numKvHeads: Hkv, headDim: D } = s;
  const rep = H / Hkv;
  // one tidy: q, the scores and the probabilities are freed on return (on a gradient tape,
  // TensorFlow.js keeps what the backward pass needs)
  return tf.tidy(() => {
    const q = applyRope(splitHeads(linear(x, w.q), B, T, H, D), ctx.cos, ctx.sin);
    let k = applyRope(splitHeads(linear(x, w.k), B, T, Hkv, D), ctx.cos, ctx.sin);
    let v = splitHeads(linear(x, w.v), B, T, Hkv, D);
    if (past) {
      k = tf.concat([past.k, k], 2);
      v = tf.concat([past.v, v], 2);
    }
    const Tk = k.shape[2];
    const qGrouped = tf.reshape(tf.mul(q, 1 / Math.sqrt(D)), [B, Hkv, rep * T, D]);
    // plain matMul on a transposed copy: the WASM kernel is much slower with the transposeB flag
    const scores = tf.add(tf.matMul(qGrouped, tf.transpose(k, [0, 1, 3, 2])), ctx.maskBias);
    const probs = tf.softmax(scores, -1);
    const ctxv = tf.reshape(tf.matMul(probs, v), [B, H, T, D]);
    const merged = tf.reshape(tf.transpose(ctxv, [0, 2, 1, 3]), [B * T, H * D]) as tf.Tensor2D;
    return { out: linear(merged, w.o), k, v };
  });
}
