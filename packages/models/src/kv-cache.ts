// Per-layer rotated keys and values [B, Hkv, P, D] of the positions decoded so far.
import * as tf from '@tensorflow/tfjs';

export interface KVCache {
  /** positions cached so far (P) */
  readonly length: number;
  readonly batchSize: number;
  /** keeps the given rows, in that order: compacts finished sequences out of a batch, or repeats rows (prefill once, sample n) */
  select(rows: number[]): void;
  dispose(): void;
}

export class LayerKVCache implements KVCache {
  layers: ({ k: tf.Tensor4D; v: tf.Tensor4D } | undefined)[];
  private len = 0;
  private rows: number;
  private disposed = false;

  constructor(numLayers: number, batchSize: number) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`KV cache batch size must be a positive integer, got ${batchSize}`);
    this.layers = new Array(numLayers).fill(undefined);
    this.rows = batchSize;
  }

  get length(): number {
    return this.len;
  }

  get batchSize(): number {
    return this.rows;
  }

  checkUsable(batch: number): void {
    if (this.disposed) throw new Error('KV cache used after dispose()');
    if (batch !== this.rows) throw new RangeError(`KV cache holds ${this.rows} rows but the batch has ${batch}`);
  }

  /** Replaces every layer's tensors (already kept outside any tidy) after a step of `added` positions. */
  update(next: { k: tf.Tensor4D; v: tf.Tensor4D }[], added: number): void {
    for (const l of this.layers) if (l) tf.dispose([l.k, l.v]);
    this.layers = next;
    this.len += added;
  }

  select(rows: number[]): void {
    if (this.disposed) throw new Error('KV cache used after dispose()');
    for (const r of rows) if (!Number.isInteger(r) || r < 0 || r >= this.rows) throw new RangeError(`KV cache row ${r} out of range [0, ${this.rows})`);
    if (rows.length === 0) throw new RangeError('KV cache select() needs at least one row');
    const idx = tf.tensor1d(rows, 'int32');
    this.layers = this.layers.map((l) => {
      if (!l) return l;
      const k = tf.gather(l.k, idx, 0);
      const v = tf.gather(l.v, idx, 0);
      tf.dispose([l.k, l.v]);
      return { k, v };
    });
    idx.dispose();
    this.rows = rows.length;
  }

  dispose(): void {
    for (const l of this.layers) if (l) tf.dispose([l.k, l.v]);
    this.layers = this.layers.map(() => undefined);
    this.disposed = true;
  }
}
