// SwiGLU feed-forward (Shazeer 2020, "GLU Variants Improve Transformer"), as transformers' Qwen2MLP / LlamaMLP:
//   mlp(x) = down( silu(gate(x)) * up(x) ),  silu(z) = z * sigmoid(z)
import * as tf from '@tensorflow/tfjs';
import { linear, type LinearWeights } from './linear.js';

export interface MlpWeights {
  gate: LinearWeights;
  up: LinearWeights;
  down: LinearWeights;
}

/** x: [N, d] -> [N, d] */
export function swiGluMlp(x: tf.Tensor2D, w: MlpWeights): tf.Tensor2D {
  return tf.tidy(() => {
    const g = linear(x, w.gate);
    const act = tf.mul(g, tf.sigmoid(g));
    return linear(tf.mul(act, linear(x, w.up)) as tf.Tensor2D, w.down);
  });
}
