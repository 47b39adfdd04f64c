// The AdamW update of one variable (trainer's adamw.ts; Loshchilov & Hutter, arXiv 1711.05101)
// as one loop over its elements on the cpu and wasm backends, reading and writing the backends'
// own memory (tfjs 4.22 internals, like segment-sum-kernel.ts): m and v are written in place and
// θ into place (cpu) or into one fresh buffer (wasm: a tensor tfjs-wasm's matMul has seen as its
// right operand keeps a packed copy keyed by the tensor, which an in-place write would leave
// stale). Every operation is rounded to float32 as the tensor ops round it, so the result is
// bit-identical to the op-by-op update (tested in the trainer's adamw.test.ts), without its
// gradient-sized temporaries (issue 19).
import * as tf from '@tensorflow/tfjs';

/** The scalars of one update, each as the float32 the tensor ops would make of it. */
export interface AdamWStepConstants { beta1: number; oneMinusBeta1: number; beta2: number; oneMinusBeta2: number; bc1: number; bc2: number; eps: number; lr: number; decay: number | null; scale: number | null }

type BackendLike = {
  refCount(dataId: object): number;
  data?: { get(dataId: object): { values?: unknown } };
  readSync(dataId: object): ArrayLike<number>;
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap?(info: tf.TensorInfo): Float32Array;
};

const f = Math.fround;

/**
 * The float32 storage of a tensor that only it references, to write in place; null where there
 * is none (another tensor shares the data, or a backend without host memory).
 */
function ownedFloat32(t: tf.Tensor, backend: BackendLike, name: string): Float32Array | null {
  const dataId = (t as unknown as { dataId: object }).dataId;
  if (t.dtype !== 'float32' || backend.refCount(dataId) !== 1) return null;
  if (name === 'cpu') {
    const values = backend.data?.get(dataId).values;
    return values instanceof Float32Array ? values : null;
  }
  if (name === 'wasm' && backend.typedArrayFromHeap) return backend.typedArrayFromHeap({ dataId, shape: t.shape, dtype: 'float32' } as tf.TensorInfo);
  return null;
}

/**
 * The fused update of one variable on cpu / wasm; false when it cannot run (then the caller runs
 * the ops). Each line is the float32 result of one tensor op of the trainer's op-by-op update.
 */
export function fusedAdamWUpdate(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, c: AdamWStepConstants): boolean {
  const name = tf.getBackend();
  if (name !== 'cpu' && name !== 'wasm') return false;
  const backend = tf.backend() as unknown as BackendLike;
  if (g.dtype !== 'float32') return false;
  const n = p.size;
  // wasm: θ goes to a fresh buffer, allocated before any view is taken (allocation may grow the
  // heap and detach earlier views)
  let out: tf.TensorInfo | null = null;
  if (name === 'wasm') {
    if (!backend.makeOutput || backend.refCount((m as unknown as { dataId: object }).dataId) !== 1 || backend.refCount((v as unknown as { dataId: object }).dataId) !== 1) return false;
    out = backend.makeOutput(p.shape, 'float32');
  }
  const mv = ownedFloat32(m, backend, name);
  const vv = ownedFloat32(v, backend, name);
  // wasm: heap views, no copies (θ is only read there)
  const view = (t: tf.Tensor) => (name === 'wasm' ? backend.typedArrayFromHeap!({ dataId: (t as unknown as { dataId: object }).dataId, shape: t.shape, dtype: 'float32' } as tf.TensorInfo) : null);
  const pin = name === 'wasm' ? view(p) : ownedFloat32(p, backend, name);
  const pout = out ? backend.typedArrayFromHeap!(out) : pin;
  if (!mv || !vv || !pin || !pout) {
    if (out) tf.engine().makeTensorFromTensorInfo(out).dispose();
    return false;
  }
  const gv = view(g) ?? (backend.readSync((g as unknown as { dataId: object }).dataId) as Float32Array);
  for (let i = 0; i < n; i++) {
    const gi = c.scale === null ? gv[i] : f(gv[i] * c.scale);
    const mi = f(f(mv[i] * c.beta1) + f(gi * c.oneMinusBeta1));
    const vi = f(f(vv[i] * c.beta2) + f(f(gi * gi) * c.oneMinusBeta2));
    mv[i] = mi;
    vv[i] = vi;
    const denom = f(f(Math.sqrt(f(vi / c.bc2))) + c.eps);
    const update = f(f(mi / c.bc1) / denom);
    const decayed = c.decay === null ? pin[i] : f(pin[i] * c.decay);
    pout[i] = f(decayed - f(update * c.lr));
  }
  if (out) {
    const fresh = tf.engine().makeTensorFromTensorInfo(out);
    p.assign(fresh);
    fresh.dispose();
  }
  return true;
}
