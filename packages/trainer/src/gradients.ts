// Gradient bookkeeping: global-norm clipping (torch.nn.utils.clip_grad_norm_, as verl's actor
// uses with grad_clip 1.0) and accumulation over micro-batches.
import * as tf from '@tensorflow/tfjs';

/** sqrt(Σ_i ||g_i||²) over all gradients, read back as a number (NaN/Infinity pass through). */
export function globalNorm(grads: tf.Tensor[]): number {
  if (grads.length === 0) return 0;
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
}

/**
 * Scale gradients so their global norm is at most maxNorm (coefficient maxNorm / (norm + 1e-6),
 * capped at 1, as torch does). Returns the norm before clipping and new tensors (the inputs are
 * left alone). A non-finite norm is returned as is with the gradients unchanged: the caller
 * skips the update.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  if (!Number.isFinite(norm) || !(maxNorm > 0)) return { grads: grads.map((g) => g.clone()), norm };
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  return { grads: grads.map((g) => (coef < 1 ? tf.mul(g, coef) : g.clone())), norm };
}

/** Running weighted sum of gradient lists (one per micro-batch). */
export class GradAccumulator {
  private sums: tf.Tensor[] | null = null;

  add(grads: tf.Tensor[], weight = 1): void {
    const scaled = weight === 1 ? grads.map((g) => g.clone()) : grads.map((g) => tf.mul(g, weight));
    if (this.sums === null) { this.sums = scaled; return; }
    const next = this.sums.map((s, i) => tf.add(s, scaled[i]));
    tf.dispose(this.sums);
    tf.dispose(scaled);
    this.sums = next;
  }

  /** The accumulated sums (ownership passes to the caller); null if nothing was added. */
  take(): tf.Tensor[] | null {
    const s = this.sums;
    this.sums = null;
    return s;
  }

  dispose(): void {
    if (this.sums) tf.dispose(this.sums);
    this.sums = null;
  }
}
