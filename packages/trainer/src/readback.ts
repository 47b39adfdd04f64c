// Reading tensors back to JS, written once for both kinds of caller. A computation that needs
// numbers from the device is a generator that yields the (float32) tensor it wants read and
// receives its values; `readSync` drives it with `dataSync()` (fine on wasm/cpu), `readAsync`
// with `await data()`, which is the only readback tfjs-backend-webgpu supports in Node (its
// synchronous path draws through an OffscreenCanvas, which Node lacks). The generator owns the
// tensors it yields and disposes them after the values come back.
import type * as tf from '@tensorflow/tfjs';

export type TensorReads<T> = Generator<tf.Tensor, T, Float32Array>;

/** Run `reads`, answering each yielded tensor with `dataSync()`. */
export function readSync<T>(reads: TensorReads<T>): T {
  let r = reads.next(undefined as never);
  while (!r.done) {
    let values: Float32Array;
    try {
      values = r.value.dataSync() as Float32Array;
    } catch (e) {
      r = reads.throw(e); // lets the generator dispose what it holds
      continue;
    }
    r = reads.next(values);
  }
  return r.value;
}

/** Run `reads`, answering each yielded tensor with `await data()` (works on every backend). */
export async function readAsync<T>(reads: TensorReads<T>): Promise<T> {
  let r = reads.next(undefined as never);
  while (!r.done) {
    let values: Float32Array;
    try {
      values = (await r.value.data()) as Float32Array;
    } catch (e) {
      r = reads.throw(e);
      continue;
    }
    r = reads.next(values);
  }
  return r.value;
}
