// Rotary position embeddings (Su et al. 2021, RoFormer §3.4), laid out as in transformers'
// modeling_llama.py / modeling_qwen2.py: the head dimension is split in two halves,
//   inv_freq_i = theta^(-2i/D),  angle = pos * inv_freq_i,  emb = [angle, angle]
//   rope(x) = x * cos(emb) + rotate_half(x) * sin(emb),  rotate_half([x1, x2]) = [-x2, x1]
// Llama 3.x rescales inv_freq (transformers modeling_rope_utils._compute_llama3_parameters):
//   wavelen = 2*pi/inv_freq; low-frequency bands (wavelen > L/low_freq_factor) are divided by `factor`,
//   high-frequency bands (wavelen < L/high_freq_factor) kept, the band between interpolated with
//   s = (L/wavelen - low_freq_factor)/(high_freq_factor - low_freq_factor): (1-s)*f/factor + s*f,
//   L = original_max_position_embeddings.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config.js';

const f32 = Math.fround;

/** inv_freq in float32, as transformers computes it (default, linear or llama3 rope type). */
export function ropeInvFreq(c: Pick<ModelConfig, 'headDim' | 'ropeTheta' | 'ropeScaling'>): Float32Array {
  const half = c.headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = f32(1 / f32(Math.pow(c.ropeTheta, f32((2 * i) / c.headDim))));
  const s = c.ropeScaling;
  if (s?.type === 'linear') {
    for (let i = 0; i < half; i++) inv[i] = f32(inv[i] / s.factor);
  } else if (s?.type === 'llama3') {
    const lowWavelen = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositionEmbeddings / s.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const f = inv[i];
      const wavelen = (2 * Math.PI) / f;
      if (wavelen > lowWavelen) inv[i] = f32(f / s.factor);
      else if (wavelen >= highWavelen) {
        const smooth = (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        inv[i] = f32((1 - smooth) * (f / s.factor) + smooth * f);
      }
    }
  }
  return inv;
}

/** cos and sin tables [B, 1, T, D] for the given positions (broadcast over heads). */
export function ropeTables(positions: number[][], invFreq: Float32Array): { cos: tf.Tensor4D; sin: tf.Tensor4D } {
  const B = positions.length;
  const T = positions[0]?.length ?? 0;
  const half = invFreq.length;
  const D = 2 * half;
  const cos = new Float32Array(B * T * D);
  const sin = new Float32Array(B * T * D);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const pos = positions[b][t];
      const o = (b * T + t) * D;
      for (let i = 0; i < half; i++) {
        const a = f32(pos * invFreq[i]);
        const c = Math.cos(a);
        const s = Math.sin(a);
        cos[o + i] = c;
        cos[o + half + i] = c;
        sin[o + i] = s;
        sin[o + half + i] = s;
      }
    }
  }
  return { cos: tf.tensor4d(cos, [B, 1, T, D]), sin: tf.tensor4d(sin, [B, 1, T, D]) };
}

/** Applies RoPE to x [B, H, T, D]. */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [x1, x2] = tf.split(x, 2, 3);
    const rotated = tf.concat([tf.neg(x2), x1], 3);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin)) as tf.Tensor4D;
  });
}
