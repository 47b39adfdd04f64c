// The AdamW update of one variable (trainer's adamw.ts; Loshchilov & Hutter, arXiv 1711.05101).
// On the cpu and wasm backends: one loop over its elements, reading and writing the backends'
// own memory (tfjs 4.22 internals, like segment-sum-kernel.ts): m and v are written in place and
// θ into place (cpu) or into one fresh buffer (wasm: a tensor tfjs-wasm's matMul has seen as its
// right operand keeps a packed copy keyed by the tensor, which an in-place write would leave
// stale). Every operation is rounded to float32 as the tensor ops round it, so the result is
// bit-identical to the op-by-op update (tested in the trainer's adamw.test.ts), without its
// gradient-sized temporaries (issue 19).
import * as tf from '@tensorflow/tfjs';
import { dataIdOf, float32Storage } from './host-memory.js';

/** The scalars of one update, each as the float32 the tensor ops would make of it. */
interface StepConstants { beta1: number; oneMinusBeta1: number; beta2: number; oneMinusBeta2: number; bc1: number; bc2: number; eps: number; lr: number; decay: number | null; scale: number | null }

type BackendLike = {
  refCount(dataId: object): number;
  readSync(dataId: object): ArrayLike<number>;
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap?(info: tf.TensorInfo): Float32Array;
};

const f = Math.fround;

/**
 * The fused update of one variable on cpu / wasm; false when it cannot run (then the caller runs
 * the ops). Each line is the float32 result of one tensor op of the op-by-op update below.
 */
function fusedUpdate(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, c: StepConstants): boolean {
  const name = tf.getBackend();
  if (name !== 'cpu' && name !== 'wasm') return false;
  const backend = tf.backend() as unknown as BackendLike;
  if (g.dtype !== 'float32') return false;
  const n = p.size;
  // wasm: θ goes to a fresh buffer, allocated before any view is taken (allocation may grow the
  // heap and detach earlier views)
  let out: tf.TensorInfo | null = null;
  if (name === 'wasm') {
    if (!backend.makeOutput || backend.refCount(dataIdOf(m)) !== 1 || backend.refCount(dataIdOf(v)) !== 1) return false;
    out = backend.makeOutput(p.shape, 'float32');
  }
  const mv = float32Storage(m, { owned: true });
  const vv = float32Storage(v, { owned: true });
  // wasm: heap views, no copies (θ is only read there)
  const view = (t: tf.Tensor) => (name === 'wasm' ? float32Storage(t) : null);
  const pin = name === 'wasm' ? view(p) : float32Storage(p, { owned: true });
  const pout = out ? backend.typedArrayFromHeap!(out) : pin;
  if (!mv || !vv || !pin || !pout) {
    if (out) tf.engine().makeTensorFromTensorInfo(out).dispose();
    return false;
  }
  const gv = view(g) ?? (backend.readSync(dataIdOf(g)) as Float32Array);
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

/** The op-by-op update of one variable (any backend), every temporary freed as soon as it is used. */
function opUpdate(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, o: AdamWHyper & { bc1: number; bc2: number; scale: number | null }): void {
  const step = <T extends tf.Tensor>(make: () => T, ...free: tf.Tensor[]): T => {
    const t = make();
    tf.dispose(free);
    return t;
  };
  const gs = o.scale === null ? g : tf.mul(g, o.scale);
  const m1 = step(() => tf.mul(m, o.beta1));
  const m2 = step(() => tf.mul(gs, 1 - o.beta1));
  const mNew = step(() => tf.add(m1, m2), m1, m2);
  m.assign(mNew);
  mNew.dispose();
  const sq = step(() => tf.square(gs));
  const v2 = step(() => tf.mul(sq, 1 - o.beta2), sq, ...(gs === g ? [] : [gs]));
  const v1 = step(() => tf.mul(v, o.beta2));
  const vNew = step(() => tf.add(v1, v2), v1, v2);
  v.assign(vNew);
  const d1 = step(() => tf.div(vNew, o.bc2), vNew);
  const d2 = step(() => tf.sqrt(d1), d1);
  const denom = step(() => tf.add(d2, o.eps), d2);
  const u1 = step(() => tf.div(m, o.bc1));
  const update = step(() => tf.div(u1, denom), u1, denom);
  const scaled = step(() => tf.mul(update, o.lr), update);
  const decayed = o.weightDecay > 0 ? tf.mul(p, 1 - o.lr * o.weightDecay) : p;
  const pNew = step(() => tf.sub(decayed, scaled), scaled, ...(decayed === p ? [] : [decayed]));
  p.assign(pNew);
  pNew.dispose();
}

/** One AdamW step's settings: t is the step number of the bias correction (1 for the first). */
export interface AdamWHyper { beta1: number; beta2: number; eps: number; weightDecay: number; lr: number; t: number; gradScale: number }

/**
 * m ← β1 m + (1-β1) g',  v ← β2 v + (1-β2) g'²,  θ ← θ (1 - lr·λ) - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε)
 * with g' = gradScale · g, for one variable: fused on cpu / wasm, else op by op.
 */
export function adamWUpdateVariable(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, o: AdamWHyper): void {
  const bc1 = 1 - o.beta1 ** o.t;
  const bc2 = 1 - o.beta2 ** o.t;
  const scale = o.gradScale === 1 ? null : o.gradScale;
  // the float32 scalars the tensor ops make of these numbers
  const c: StepConstants = {
    beta1: f(o.beta1), oneMinusBeta1: f(1 - o.beta1), beta2: f(o.beta2), oneMinusBeta2: f(1 - o.beta2),
    bc1: f(bc1), bc2: f(bc2), eps: f(o.eps), lr: f(o.lr),
    decay: o.weightDecay > 0 ? f(1 - o.lr * o.weightDecay) : null, scale: scale === null ? null : f(scale),
  };
  if (!fusedUpdate(p, m, v, g, c)) opUpdate(p, m, v, g, { ...o, bc1, bc2, scale });
}
