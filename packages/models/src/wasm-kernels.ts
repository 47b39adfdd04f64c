// Kernels the WASM backend of TensorFlow.js 4.22 lacks or runs slowly, and training needs.
// - UnsortedSegmentSum: what the gradient of `gather` (the embedding lookup) calls; missing on wasm
//   (segment-sum-kernel.ts).
// - BatchMatMul with transposeA/transposeB: the wasm kernel runs 10-16x slower with a flag than a
//   plain product of an explicitly transposed copy (bench/forward.bench.mjs), and every matMul
//   gradient sets a flag; the kernel is re-registered to transpose first (DESIGN.md "Compute").
import * as tf from '@tensorflow/tfjs';
import { registerSegmentSumKernel } from './segment-sum-kernel.js';

let registered = false;

/** Registers the missing WASM kernels once; harmless when the wasm backend is never used. */
export function registerWasmGapKernels(): void {
  if (registered) return;
  registered = true;
  wrapBatchMatMulFlags();
  registerSegmentSumKernel('wasm');
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
