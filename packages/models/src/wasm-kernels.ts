// Kernels the WASM backend of TensorFlow.js 4.22 lacks or runs slowly, and training needs.
// - UnsortedSegmentSum: what the gradient of `gather` (the embedding lookup) calls; missing on wasm.
// - BatchMatMul with transposeA/transposeB: the wasm kernel runs 10-16x slower with a flag than a
//   plain product of an explicitly transposed copy (bench/forward.bench.mjs), and every matMul
//   gradient sets a flag; the kernel is re-registered to transpose first (DESIGN.md "Compute").
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
  wrapBatchMatMulFlags();
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
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

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: { disposeData(dataId: object): void }; attrs?: Record<string, unknown> };
type KernelFn = (args: KernelArgs) => tf.TensorInfo;
const MARK = Symbol.for('verl-ts.models.wasm-batchmatmul');

/** Replaces the wasm BatchMatMul kernel by one that applies transpose flags as explicit Transposes. */
function wrapBatchMatMulFlags(): void {
  const matmul = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!matmul || !transpose || (matmul as unknown as Record<symbol, boolean>)[MARK]) return;
  const plain = matmul.kernelFunc as unknown as KernelFn;
  const transposeFn = transpose.kernelFunc as unknown as KernelFn;
  const swapLastTwo = (x: tf.TensorInfo, backend: KernelArgs['backend']): tf.TensorInfo => {
    const perm = x.shape.map((_, i) => i);
    perm.splice(-2, 2, perm.length - 1, perm.length - 2);
    return transposeFn({ inputs: { x }, backend, attrs: { perm } });
  };
  const kernelFunc: KernelFn = (args) => {
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return plain(args);
    const a = transposeA ? swapLastTwo(args.inputs.a, args.backend) : args.inputs.a;
    const b = transposeB ? swapLastTwo(args.inputs.b, args.backend) : args.inputs.b;
    try {
      return plain({ ...args, inputs: { ...args.inputs, a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      if (transposeA) args.backend.disposeData(a.dataId);
      if (transposeB) args.backend.disposeData(b.dataId);
    }
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...matmul, kernelFunc: kernelFunc as unknown as tf.KernelFunc, [MARK]: true } as tf.KernelConfig);
}
