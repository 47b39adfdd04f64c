// Differentiable per-position log p(label) and entropy from final hidden states h [N, d] and the
// LM head W [V, d], without the [N, V] logits ever existing at once (issue 19). On the gradient
// tape the whole-logits route holds the logits, their log-softmax, softmax, one-hot labels and
// the gradients of each (~0.7 × the parameter bytes of a 1-layer Qwen2.5-0.5B shape at 128
// positions) while the LM head's 544 MB gradient is formed; here a chunk is alive at a time.
//
// The formulas are verl's (verl/utils/torch_functional.py logprobs_from_logits,
// entropy_from_logits), with z = h Wᵀ / τ, p = softmax(z), lse = logsumexp(z), s = Σ p·z:
//   log p(y) = z_y − lse                      H = lse − s
// and their gradients (differentiating the two lines above):
//   ∂log p(y)/∂z = onehot(y) − p              ∂H/∂z = −p ⊙ (z − s)
//   ∂z/∂(h Wᵀ) = 1/τ;  dh = dz W;  dW = dzᵀ h
// Forward: a chunk of positions at a time against all of W (token-scores.ts's ops and chunk rule),
// keeping lse and s per position. Backward: a block of W's rows (vocabulary entries) at a time
// against all positions, recomputing that block's logits: each block gives its rows of dW whole
// (assembled in place, assemble-rows.ts) and its term of dh. Summing dW over chunks of positions
// instead would hold two [V, d] tensors at once.
import * as tf from '@tensorflow/tfjs';
import { assembleRows } from './assemble-rows.js';
import { linear } from './layers/linear.js';

/** Bytes of logits per chunk (and of LM-head rows per backward block): token-scores.ts's rule. */
export const CHUNK_LOGIT_BYTES = 32 * 1024 * 1024;

export interface ChunkedScoreOptions {
  /** softmax temperature τ (default 1) */
  temperature?: number;
  /** also the entropies (a second output row) */
  entropy?: boolean;
  /** bytes of logits per chunk (default CHUNK_LOGIT_BYTES); small values force many chunks (tests) */
  chunkBytes?: number;
}

/**
 * [1, N] log-probabilities of labels[i] under softmax(h_i Wᵀ / τ), or [2, N] with the entropies
 * as the second row (tf.customGrad gives one output tensor). Differentiable in `hidden` and
 * `weight`; labels must lie in [0, V).
 */
export function chunkedTokenScores(hidden: tf.Tensor2D, weight: tf.Tensor2D, labels: number[], opts: ChunkedScoreOptions = {}): tf.Tensor2D {
  const tau = opts.temperature ?? 1;
  const withEntropy = opts.entropy ?? false;
  const bytes = opts.chunkBytes ?? CHUNK_LOGIT_BYTES;
  const [N, d] = hidden.shape;
  const V = weight.shape[0];
  if (labels.length !== N) throw new RangeError(`chunkedTokenScores: ${labels.length} labels for ${N} positions`);
  if (!(tau > 0)) throw new RangeError(`chunkedTokenScores: temperature must be > 0, got ${tau}`);
  const scaled = (logits: tf.Tensor2D) => (tau === 1 ? logits : (tf.div(logits, tau) as tf.Tensor2D));
  const f = tf.customGrad(((h: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const rows = Math.max(1, Math.floor(bytes / (4 * V)));
    const lps: tf.Tensor1D[] = [];
    const lses: tf.Tensor1D[] = [];
    const sums: tf.Tensor1D[] = [];
    for (let r0 = 0; r0 < N; r0 += rows) {
      const n = Math.min(rows, N - r0);
      tf.tidy(() => {
        const z = scaled(linear(tf.slice(h, [r0, 0], [n, d]) as tf.Tensor2D, { weight: w }));
        const oneHot = tf.oneHot(tf.tensor1d(labels.slice(r0, r0 + n), 'int32'), V);
        lps.push(tf.keep(tf.sum(tf.mul(tf.logSoftmax(z, -1), oneHot), -1) as tf.Tensor1D));
        lses.push(tf.keep(tf.logSumExp(z, -1) as tf.Tensor1D));
        if (withEntropy) sums.push(tf.keep(tf.sum(tf.mul(tf.softmax(z, -1), z), -1) as tf.Tensor1D));
      });
    }
    // kept chunks outlive every tidy: joined, then freed here
    const lse = tf.concat(lses);
    const s = withEntropy ? tf.concat(sums) : tf.zeros([N]);
    const lp = tf.concat(lps);
    tf.dispose([...lps, ...lses, ...sums]);
    const value = withEntropy ? tf.stack([lp, tf.sub(lse, s)]) : tf.reshape(lp, [1, N]);
    // A variable (the LM head) is read by the backward as it is, not saved: saving clones it, and
    // TensorFlow.js counts a clone's bytes again in tf.memory() (engine.trackTensor), 544 MB that
    // do not exist. Any other weight is saved, as it may be freed before the backward runs.
    const keepW = !(w instanceof tf.Variable);
    save(keepW ? [h, lse, s, w] : [h, lse, s]);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy as tf.Tensor2D, saved, keepW ? saved[3] as tf.Tensor2D : w) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);

  function backward(dy: tf.Tensor2D, saved: tf.Tensor[], w: tf.Tensor2D): tf.Tensor[] {
    const [h, lse, s] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    // LM-head rows per block: the block's logits [N, n] and its rows of W and dW [n, d] near `bytes` each
    const rows = Math.max(1, Math.floor(bytes / (4 * Math.max(N, d))));
    const ids = tf.tensor2d(labels, [N, 1], 'int32');
    const gLp = tf.slice(dy, [0, 0], [1, N]).reshape([N, 1]);
    const gH = withEntropy ? tf.slice(dy, [1, 0], [1, N]).reshape([N, 1]) : null;
    const lseCol = tf.reshape(lse, [N, 1]);
    const sCol = tf.reshape(s, [N, 1]);
    let dh: tf.Tensor2D | null = null;
    function* blocks(): Generator<tf.Tensor2D> {
      for (let v0 = 0; v0 < V; v0 += rows) {
        const n = Math.min(rows, V - v0);
        const [dwBlock, dhPart] = tf.tidy(() => {
          const wb = tf.slice(w, [v0, 0], [n, d]) as tf.Tensor2D;
          const z = scaled(linear(h, { weight: wb }));
          const p = tf.exp(tf.sub(z, lseCol));
          const oneHot = tf.cast(tf.equal(ids, tf.range(v0, v0 + n, 1, 'int32').reshape([1, n])), 'float32');
          let dz = tf.mul(gLp, tf.sub(oneHot, p));
          if (gH) dz = tf.sub(dz, tf.mul(gH, tf.mul(p, tf.sub(z, sCol))));
          const dLogits = (tau === 1 ? dz : tf.div(dz, tau)) as tf.Tensor2D;
          // plain matMuls (no transpose flags: wasm's transposeA copies the whole operand, wasm-kernels.ts)
          return [tf.matMul(tf.transpose(dLogits), h), tf.matMul(dLogits, wb)] as [tf.Tensor2D, tf.Tensor2D];
        });
        if (dh) {
          const next: tf.Tensor2D = tf.add(dh, dhPart);
          tf.dispose([dh, dhPart]);
          dh = next;
        } else {
          dh = dhPart;
        }
        yield dwBlock;
      }
    }
    try {
      const dW = assembleRows(V, d, blocks());
      return [dh!, dW];
    } catch (e) {
      if (dh) (dh as tf.Tensor2D).dispose();
      throw e;
    } finally {
      tf.dispose([ids, gLp, lseCol, sCol, ...(gH ? [gH] : [])]);
    }
  }

  return f(hidden, weight) as tf.Tensor2D;
}
