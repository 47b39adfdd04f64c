// Matrix products whose backward pass avoids matMul's transpose flags.
// tfjs's built-in matMul gradient computes dA = dy B^T and dB = A^T dy with transposeA/transposeB
// flags, which the WASM backend runs about 10x slower than a plain product with a transposed copy
// (bench/forward.bench.mjs measures it; DESIGN.md "Compute"). Here the gradient transposes first.
import * as tf from '@tensorflow/tfjs';

/** swaps the last two axes */
function t<T extends tf.Tensor>(x: T): T {
  const r = x.rank;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm) as T;
}

const plainGradMatMul = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, t(sb)), tf.matMul(t(sa), dy)];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]);

/** a @ b for rank-2 or equal-rank batched operands (no broadcasting of batch dims). */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  const backend = tf.getBackend();
  // native and GPU backends handle the flags themselves
  if (backend !== 'wasm' && backend !== 'cpu') return tf.matMul(a, b) as T;
  return plainGradMatMul(a, b) as T;
}
