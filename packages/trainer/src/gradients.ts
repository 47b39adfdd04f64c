// Gradient bookkeeping: global-norm clipping (torch.nn.utils.clip_grad_norm_, as verl's actor
// uses with grad_clip 1.0) and accumulation over micro-batches.
import * as tf from '@tensorflow/tfjs';
import type { CausalLM, ForwardBatch, HeadScores, ScoredLossOptions } from '@verl-ts/models';

/**
 * Σ with tf.addN in chunks: WebGPU binds each addN input as a storage buffer, 8 per shader by default
 * (7 inputs + the output), and Dawn drops a larger addN. The chunks continue one running sum left to
 * right, so on cpu/wasm (whose addN adds in order) the result is bit-identical to a single addN.
 */
export function addNChunked<T extends tf.Tensor>(tensors: T[], maxInputs = 7): T {
  if (tensors.length === 0) throw new RangeError('addNChunked: no tensors to add');
  if (!(maxInputs >= 2)) throw new RangeError(`addNChunked: maxInputs must be at least 2, got ${maxInputs}`);
  return tf.tidy(() => {
    let acc = tensors.length === 1 ? tensors[0].clone() : tf.addN(tensors.slice(0, maxInputs));
    for (let i = maxInputs; i < tensors.length; i += maxInputs - 1) acc = tf.addN([acc, ...tensors.slice(i, i + maxInputs - 1)]);
    return acc;
  }) as T;
}

/** sqrt(Σ_i ||g_i||²) over all gradients as a scalar tensor on the device (0 for no gradients). */
export function globalNormTensor(grads: tf.Tensor[]): tf.Scalar {
  if (grads.length === 0) return tf.scalar(0);
  // each square freed as soon as it is summed: one gradient-sized temporary at a time, not all (issue 19)
  return tf.tidy(() => tf.sqrt(addNChunked(grads.map((g) => tf.tidy(() => tf.sum(tf.square(g)))))) as tf.Scalar);
}

/** sqrt(Σ_i ||g_i||²) read back as a number (NaN/Infinity pass through); `await data()` works on webgpu too. */
export async function globalNormAsync(grads: tf.Tensor[]): Promise<number> {
  const t = globalNormTensor(grads);
  try { return (await t.data())[0]; } finally { t.dispose(); }
}

/** torch clip_grad_norm_'s coefficient min(1, maxNorm / (norm + 1e-6)); 1 for a non-finite norm (the update is skipped). */
export function clipCoefficient(norm: number, maxNorm: number): number {
  return !Number.isFinite(norm) || !(maxNorm > 0) ? 1 : Math.min(1, maxNorm / (norm + 1e-6));
}

/** Gradients clipped to global norm maxNorm (new tensors), and the norm before clipping. */
export async function clipByGlobalNormAsync(grads: tf.Tensor[], maxNorm: number): Promise<{ grads: tf.Tensor[]; norm: number }> {
  const norm = await globalNormAsync(grads);
  const coef = clipCoefficient(norm, maxNorm);
  return { grads: grads.map((g) => (coef < 1 ? tf.mul(g, coef) : g.clone())), norm };
}

/** What a micro-batch's loss is handed: the logits, or models' chunked-head scores of its labels. */
export type PassHead = { logits: tf.Tensor3D; scores?: undefined } | { logits?: undefined; scores: HeadScores };

/** One micro-batch of an update: its rows, and its loss with the statistics to read back. */
export interface MicroBatchPass {
  batch: ForwardBatch;
  /** score these labels through models' chunked LM head: the loss gets log-probs and entropies, no
   *  [rows, L, vocab] logits on the tape (issue 19) */
  scored?: ScoredLossOptions;
  loss(head: PassHead): { loss: tf.Scalar; stats: tf.Scalar[] };
}

/**
 * The gradients of Σ loss over the micro-batches, summed as they come (models' block-by-block
 * valueAndGrads where the model has it: one tape's numbers in a fraction of its memory), then one
 * `await data()` of every micro-batch's statistics and the global norm. The caller owns `grads`.
 */
export async function accumulateGradients(
  model: CausalLM, passes: Iterable<MicroBatchPass>, onPass?: () => void,
): Promise<{ grads: tf.Tensor[]; stats: Float32Array[]; norm: number }> {
  const vars = model.trainableVariables();
  const kept: tf.Tensor1D[] = [];
  let grads: tf.Tensor[] | null = null;
  let readback: tf.Tensor | null = null;
  try {
    for (const pass of passes) {
      const lossOf = (head: PassHead) => {
        const r = pass.loss(head);
        // kept on the device and read once, with the gradient norm
        kept.push(tf.keep(tf.stack(r.stats.map((t) => tf.cast(t, 'float32'))) as tf.Tensor1D));
        return r.loss;
      };
      const { value, grads: g } = pass.scored ? model.valueAndGrads(pass.batch, (scores) => lossOf({ scores }), pass.scored)
        : model.valueAndGrads ? model.valueAndGrads(pass.batch, (out) => lossOf({ logits: out.logits }))
          : tf.variableGrads(() => lossOf({ logits: model.forward(pass.batch).logits }), vars);
      const list = vars.map((v) => g[v.name] ?? tf.zerosLike(v));
      value.dispose();
      // the running sum: micro-batch k is added to the sum of 0..k-1, as one tape would
      if (grads === null) grads = list;
      else { const prev: tf.Tensor[] = grads; grads = prev.map((s, i) => tf.add(s, list[i])); tf.dispose([...prev, ...list]); }
      onPass?.();
    }
    if (grads === null) throw new RangeError('accumulateGradients: no micro-batches');
    const all = grads;
    readback = tf.tidy(() => tf.concat([...kept, tf.reshape(globalNormTensor(all), [1])]));
    const values = (await readback.data()) as Float32Array;
    let off = 0;
    const stats = kept.map((t) => values.slice(off, (off += t.size)));
    return { grads, stats, norm: values[off] };
  } catch (e) {
    if (grads) tf.dispose(grads);
    throw e;
  } finally {
    tf.dispose(kept);
    readback?.dispose();
  }
}
