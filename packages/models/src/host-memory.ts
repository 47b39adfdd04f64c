// Direct access to a float32 tensor's own storage on the cpu and wasm backends (tfjs 4.22
// internals: the cpu backend's data map, the wasm heap), for the kernels that write gradients and
// optimizer state in place instead of allocating gradient-sized temporaries (issue 19):
// fused-adamw.ts, layerwise-grads.ts's addRowsInPlace, assemble-rows.ts.
import * as tf from '@tensorflow/tfjs';

interface HostBackend {
  refCount(dataId: object): number;
  data?: { get(dataId: object): { values?: unknown } };
  typedArrayFromHeap?(info: tf.TensorInfo): Float32Array;
}

export const dataIdOf = (t: tf.Tensor): object => (t as unknown as { dataId: object }).dataId;

/**
 * The float32 storage of `t` itself (not a copy) on cpu / wasm; null for another backend or
 * dtype, and with `owned` also when another tensor shares the data (so a write would change it
 * too). Take it again after any allocation: a growing wasm heap moves its buffer.
 */
export function float32Storage(t: tf.Tensor, opts: { owned?: boolean } = {}): Float32Array | null {
  const name = tf.getBackend();
  if (t.dtype !== 'float32' || (name !== 'cpu' && name !== 'wasm')) return null;
  const backend = tf.backend() as unknown as HostBackend;
  const dataId = dataIdOf(t);
  if (opts.owned && backend.refCount(dataId) !== 1) return null;
  const values = name === 'cpu' ? backend.data?.get(dataId).values
    : backend.typedArrayFromHeap?.({ dataId, shape: t.shape, dtype: 'float32' } as tf.TensorInfo);
  return values instanceof Float32Array ? values : null;
}
