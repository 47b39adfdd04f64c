// RMSNorm (Zhang & Sennrich 2019), as transformers' Qwen2RMSNorm / LlamaRMSNorm:
//   y = w * x / sqrt(mean(x^2 over the last axis) + eps)
import * as tf from '@tensorflow/tfjs';

export function rmsNorm(x: tf.Tensor, weight: tf.Tensor1D, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const variance = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(variance, eps))), weight);
  });
}
