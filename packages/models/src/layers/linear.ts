// y = x W^T + b with W in HF layout [out, in], the only copy of the weight (issue 19: one copy per
// weight on every backend; bench/forward.bench.mjs measures the choices below).
//
// - wasm: y = (W · x^T)^T. tfjs-wasm multiplies fast only without transpose flags, through
//   XNNPACK, which packs its right operand and caches the packed copy until that tensor is
//   disposed (tfjs-backend-wasm src/cc/batch_mat_mul_impl.cc, the operator cache keyed by b's
//   id). With the weight on the left, the packed operand is x^T, a temporary freed on return, so
//   no hidden copy of the weight outlives the call. x · W^T with a cached W^T kept a transposed
//   copy plus XNNPACK's packed copy: three copies of every weight in the 4 GB heap.
// - cpu, webgpu, tensorflow: matMul's transposeB flag, which these kernels read by strides
//   (cpu: as fast as a pre-transposed operand, see the models README's benchmark).
import * as tf from '@tensorflow/tfjs';

export interface LinearWeights {
  /** W, shape [out, in] (HF layout) */
  weight: tf.Tensor2D;
  bias?: tf.Tensor1D;
}

/** x: [N, in] -> [N, out]. Temporaries (x^T, (W x^T)) are freed before it returns. */
export function linear(x: tf.Tensor2D, w: LinearWeights): tf.Tensor2D {
  return tf.tidy(() => {
    const y: tf.Tensor2D = tf.getBackend() === 'wasm'
      ? (tf.transpose(tf.matMul(w.weight, tf.transpose(x))) as tf.Tensor2D)
      : tf.matMul(x, w.weight, false, true);
    return w.bias ? (tf.add(y, w.bias) as tf.Tensor2D) : y;
  });
}
