// Local adapter (until @verl-ts/models does it): on the WASM backend, BatchMatMul with
// transposeA/transposeB is ~7x slower than an explicit Transpose followed by a plain matMul
// (measured 172 ms vs 25 ms for [3072,96]ᵀ·[3072,256], DESIGN.md "Compute"). The gradients of
// every matMul use those flags, so training spends most of its time there. This wraps the WASM
// kernel to transpose explicitly. Idempotent; a no-op where the WASM backend is not registered.
import * as tf from '@tensorflow/tfjs';

const WRAPPED = Symbol.for('verl-ts.eval-runner.wasm-matmul');

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: { disposeData(id: object): void }; attrs?: Record<string, unknown> };

export function installWasmMatMulAdapter(): boolean {
  let orig: ReturnType<typeof tf.getKernel>;
  let transpose: ReturnType<typeof tf.getKernel>;
  try {
    orig = tf.getKernel('BatchMatMul', 'wasm');
    transpose = tf.getKernel('Transpose', 'wasm');
  } catch {
    return false;
  }
  if (!orig || !transpose) return false;
  if ((orig as unknown as Record<symbol, boolean>)[WRAPPED]) return true;
  const origFn = orig.kernelFunc as unknown as (a: KernelArgs) => TensorInfo;
  const transposeFn = transpose.kernelFunc as unknown as (a: KernelArgs) => TensorInfo;
  const swapLast = (x: TensorInfo, backend: KernelArgs['backend']): TensorInfo => {
    const r = x.shape.length;
    const perm = Array.from({ length: r }, (_, i) => i);
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return transposeFn({ inputs: { x }, backend, attrs: { perm } });
  };
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const attrs = args.attrs ?? {};
    if (!attrs.transposeA && !attrs.transposeB) return origFn(args);
    const temps: TensorInfo[] = [];
    let { a, b } = args.inputs;
    if (attrs.transposeA) temps.push((a = swapLast(a, args.backend)));
    if (attrs.transposeB) temps.push((b = swapLast(b, args.backend)));
    try {
      return origFn({ ...args, inputs: { ...args.inputs, a, b }, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temps) args.backend.disposeData(t.dataId);
    }
  };
  const config = { ...orig, kernelFunc: kernelFunc as unknown as typeof orig.kernelFunc, [WRAPPED]: true };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(config);
  return true;
}
