// y = x W^T + b with W in HF layout [out, in].
// The WASM backend multiplies much faster with a pre-transposed operand than with matMul's transpose
// flag (DESIGN.md), so callers pass W^T: `weightT` is tf.transpose(W) on the gradient tape, or a
// cached copy when nothing is being differentiated.
import * as tf from '@tensorflow/tfjs';

export interface LinearWeights {
  /** W^T, shape [in, out] */
  weightT: tf.Tensor2D;
  bias?: tf.Tensor1D;
}

export function linear(x: tf.Tensor2D, w: LinearWeights): tf.Tensor2D {
  const y: tf.Tensor2D = tf.matMul(x, w.weightT);
  return w.bias ? (tf.add(y, w.bias) as tf.Tensor2D) : y;
}
