// Kernels the WASM backend of TensorFlow.js 4.22 lacks but training needs.
// UnsortedSegmentSum is what the gradient of `gather` (the embedding lookup) calls.
import * as tf from '@tensorflow/tfjs';

interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let registered = false;

/** out[s, ...] = sum of x[i, ...] over the i with segmentIds[i] = s (ids outside [0, numSegments) are dropped, as in TF). */
export function unsortedSegmentSumValues(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  inner: number,
  numSegments: number,
  out: Float32Array | Int32Array,
): void {
  out.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

/** Registers the missing WASM kernels once; harmless when the wasm backend is never used. */
export function registerWasmGapKernels(): void {
  if (registered) return;
  registered = true;
  const existing = tf.getKernel('UnsortedSegmentSum', 'wasm');
  if (existing) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const b = backend as unknown as WasmBackendLike;
      const idsRank = segmentIds.shape.length;
      const innerShape = x.shape.slice(idsRank);
      const inner = innerShape.reduce((a, c) => a * c, 1);
      const out = b.makeOutput([numSegments, ...innerShape], x.dtype);
      // read after allocating: makeOutput may grow the heap and detach earlier views
      const xVals = b.readSync(x.dataId);
      const ids = b.readSync(segmentIds.dataId);
      unsortedSegmentSumValues(xVals, ids, inner, numSegments, b.typedArrayFromHeap(out) as Float32Array | Int32Array);
      return out;
    },
  });
}
