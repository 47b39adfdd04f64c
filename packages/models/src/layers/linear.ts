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

/**
 * Weights above this size get the blockwise input gradient on wasm (wasmLinearLarge): at
 * Qwen2.5's vocabulary that is the LM head (544 MB), while every other Qwen2.5-0.5B weight
 * (≤ 17 MB) and every test model keep the plain route and its numbers.
 */
export const LARGE_WEIGHT_BYTES = 32 * 1024 * 1024;
/** the input gradient of a large weight runs over this many blocks of its rows (34 MB each for Qwen2.5's LM head) */
const GRAD_BLOCKS = 16;

/** (W x^T)^T on wasm: the weight on the left (see the top of the file). */
function wasmProduct(x: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  return tf.transpose(tf.matMul(weight, tf.transpose(x))) as tf.Tensor2D;
}

/**
 * wasmProduct with a gradient that never copies the whole weight. The plain route's input
 * gradient, dx^T = W^T dy^T, is a matMul with transposeA, which the wasm kernel serves by
 * transposing all of W first (wasm-kernels.ts): a 544 MB temporary at Qwen2.5's vocabulary, the
 * largest tensor of a training step of a small model after the optimizer state (a copy made inside
 * the kernel, where tf.memory() does not see it, only the heap). Here dx is summed over
 * GRAD_BLOCKS blocks of W's rows, each transposed alone. dW is computed as on the plain route.
 */
function wasmLinearLarge(x: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad(((xs: tf.Tensor, ws: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xs, ws]);
    return {
      value: wasmProduct(xs as tf.Tensor2D, ws as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xv, wv] = saved as [tf.Tensor2D, tf.Tensor2D];
        const [out, inn] = wv.shape;
        const dyT = tf.transpose(dy) as tf.Tensor2D; // [out, N]
        // as the plain route's matMul gradient: dW = dy^T x
        const dW = tf.matMul(dyT, tf.transpose(xv), false, true);
        const rows = Math.ceil(out / GRAD_BLOCKS);
        let dxT: tf.Tensor2D | null = null; // [in, N]
        for (let r0 = 0; r0 < out; r0 += rows) {
          const n = Math.min(rows, out - r0);
          const part: tf.Tensor2D = tf.tidy(() => tf.matMul(tf.transpose(tf.slice(wv, [r0, 0], [n, inn])), tf.slice(dyT, [r0, 0], [n, dyT.shape[1]])));
          if (dxT) {
            const next = tf.add(dxT, part) as tf.Tensor2D;
            tf.dispose([dxT, part]);
            dxT = next;
          } else {
            dxT = part;
          }
        }
        dyT.dispose();
        const dx = tf.transpose(dxT!);
        dxT!.dispose();
        return [dx, dW];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, weight) as tf.Tensor2D;
}

/** x: [N, in] -> [N, out]. Temporaries (x^T, (W x^T)) are freed before it returns. */
export function linear(x: tf.Tensor2D, w: LinearWeights): tf.Tensor2D {
  return tf.tidy(() => {
    let y: tf.Tensor2D;
    if (tf.getBackend() !== 'wasm') y = tf.matMul(x, w.weight, false, true);
    else if (w.weight.size * 4 > LARGE_WEIGHT_BYTES) y = wasmLinearLarge(x, w.weight);
    else y = wasmProduct(x, w.weight);
    return w.bias ? (tf.add(y, w.bias) as tf.Tensor2D) : y;
  });
}
