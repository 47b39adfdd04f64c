// UnsortedSegmentSum as a scatter-add, the kernel the gradient of `gather` (the embedding lookup)
// calls: dE[s] = Σ dy[i] over the tokens i with id s. O(tokens × hidden) work plus the
// [numSegments, hidden] output.
// - wasm: tfjs-backend-wasm 4.22 has no such kernel.
// - cpu: tfjs-backend-cpu's kernel loops over every segment with a full-size mask, multiply and
//   sum each time (tfjs-backend-cpu kernels/UnsortedSegmentSum.ts): O(vocab × tokens × hidden)
//   work, and it keeps every segment's intermediates until the end, 8.7 GB at 16 tokens of
//   Qwen2.5's 151,936-token vocabulary (issue 19). Replaced by this one.
// - webgpu: tfjs-backend-webgpu's own kernel is already a scatter-add (one atomicAdd per element
//   of x, unsorted_segment_sum_webgpu.ts) and is left alone; its float atomics add in no fixed
//   order, so its sums are not bit-reproducible.
import * as tf from '@tensorflow/tfjs';

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

interface KernelInputs { x: tf.TensorInfo; segmentIds: tf.TensorInfo }
const shapes = ({ x, segmentIds }: KernelInputs, numSegments: number) => {
  const innerShape = x.shape.slice(segmentIds.shape.length);
  return { outShape: [numSegments, ...innerShape], inner: innerShape.reduce((a, c) => a * c, 1) };
};

interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}
interface CpuBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
}

const MARK = Symbol.for('verl-ts.models.segment-sum');

function register(backendName: 'wasm' | 'cpu', kernelFunc: tf.KernelFunc): void {
  const current = tf.getKernel('UnsortedSegmentSum', backendName) as (tf.KernelConfig & { [MARK]?: boolean }) | undefined;
  if (current?.[MARK]) return;
  if (current) tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName, kernelFunc, [MARK]: true } as tf.KernelConfig);
}

/** Registers the scatter-add UnsortedSegmentSum for `backend` (wasm or cpu; other backends keep theirs). */
export function registerSegmentSumKernel(backend: string): void {
  if (backend === 'wasm') {
    register('wasm', ({ inputs, backend: b, attrs }) => {
      const ins = inputs as unknown as KernelInputs;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const wasm = b as unknown as WasmBackendLike;
      const { outShape, inner } = shapes(ins, numSegments);
      const out = wasm.makeOutput(outShape, ins.x.dtype);
      // read after allocating: makeOutput may grow the heap and detach earlier views
      const xVals = wasm.readSync(ins.x.dataId);
      const ids = wasm.readSync(ins.segmentIds.dataId);
      unsortedSegmentSumValues(xVals, ids, inner, numSegments, wasm.typedArrayFromHeap(out) as Float32Array | Int32Array);
      return out;
    });
  } else if (backend === 'cpu') {
    register('cpu', ({ inputs, backend: b, attrs }) => {
      const ins = inputs as unknown as KernelInputs;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const cpu = b as unknown as CpuBackendLike;
      const { outShape, inner } = shapes(ins, numSegments);
      const out = ins.x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
      unsortedSegmentSumValues(cpu.readSync(ins.x.dataId), cpu.readSync(ins.segmentIds.dataId), inner, numSegments, out);
      return cpu.makeTensorInfo(outShape, ins.x.dtype, out);
    });
  }
}
