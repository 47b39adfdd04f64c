// Tests only: a CausalLM whose logits are a fixed function of the attended history (the tokens
// whose mask is 1), with a KV-cache stand-in that checks every call the engine makes: mask
// widths, that past mask columns are unchanged, and position ids. A wrong left-padding,
// position or compaction (cache.select) bookkeeping in the engine changes its output or throws.
import * as tf from '@tensorflow/tfjs';
import type { CausalLM, ForwardBatch, KVCache, ModelConfig } from '@verl-ts/models';

export type LogitsFn = (history: readonly number[]) => ArrayLike<number>;

/** Logits drawn from a hash of the whole history: a different distribution for every context. */
export function hashedLogits(vocabSize: number, scale = 2.5): LogitsFn {
  return (history) => {
    let h = 0x811c9dc5;
    for (const t of history) h = Math.imul(h ^ (t + 1), 0x01000193) >>> 0;
    const out = new Float32Array(vocabSize);
    for (let i = 0; i < vocabSize; i++) {
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      h = (h + 0x9e3779b9) >>> 0;
      out[i] = scale * ((h / 2 ** 32) * 2 - 1);
    }
    return out;
  };
}

class FakeCache implements KVCache {
  rows: { tokens: number[]; mask: number[] }[];
  disposed = false;
  constructor(batch: number) {
    this.rows = Array.from({ length: batch }, () => ({ tokens: [], mask: [] }));
  }
  get length(): number {
    return this.rows[0]?.mask.length ?? 0;
  }
  get batchSize(): number {
    return this.rows.length;
  }
  select(rows: number[]): void {
    for (const r of rows) if (!(r >= 0 && r < this.rows.length)) throw new RangeError(`select: row ${r} out of range`);
    this.rows = rows.map((r) => ({ tokens: [...this.rows[r].tokens], mask: [...this.rows[r].mask] }));
  }
  dispose(): void {
    this.disposed = true;
  }
}

export interface FakeModel extends CausalLM {
  /** Row-steps computed by forwardCached (sum of batch sizes), to check that finished rows cost nothing. */
  stats: { cachedCalls: number; rowSteps: number; lastOnlyCalls: number; caches: FakeCache[] };
}

export function createFakeModel(opts: { vocabSize: number; eosTokenId?: number; logits?: LogitsFn }): FakeModel {
  const V = opts.vocabSize;
  const logitsFn = opts.logits ?? hashedLogits(V);
  const config = {
    architecture: 'qwen2', vocabSize: V, hiddenSize: 4, intermediateSize: 8, numLayers: 1, numHeads: 1, numKvHeads: 1,
    headDim: 4, rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, attentionBias: false,
    maxPositionEmbeddings: 4096, eosTokenId: opts.eosTokenId,
  } as ModelConfig;
  const stats = { cachedCalls: 0, rowSteps: 0, lastOnlyCalls: 0, caches: [] as FakeCache[] };

  function row(logits: Float32Array, at: number, history: number[] | null): void {
    if (!history) return; // a padded position: logits stay 0
    const l = logitsFn(history);
    if (l.length !== V) throw new Error(`fake logits have ${l.length} entries, expected ${V}`);
    logits.set(l, at);
  }
  function checkPosition(b: number, t: number, got: number | undefined, want: number): void {
    if (got !== undefined && got !== want) throw new Error(`fake model: row ${b} column ${t} has position ${got}, expected ${want}`);
  }
  function tensors(data: Float32Array, B: number, T: number) {
    // [B, T, V] logits and a stand-in [B, T, 4] hidden state
    return { logits: tf.tensor3d(data, [B, T, V]), hidden: tf.zeros([B, T, 4]) as tf.Tensor3D };
  }

  return {
    config,
    stats,
    forward(batch: ForwardBatch) {
      const B = batch.inputIds.length;
      const T = batch.inputIds[0].length;
      const data = new Float32Array(B * T * V);
      for (let b = 0; b < B; b++) {
        const hist: number[] = [];
        for (let t = 0; t < T; t++) {
          if (batch.attentionMask[b][t] !== 1) continue;
          checkPosition(b, t, batch.positionIds?.[b][t], hist.length);
          hist.push(batch.inputIds[b][t]);
          row(data, (b * T + t) * V, [...hist]);
        }
      }
      return tensors(data, B, T);
    },
    valueAndGrads(): never {
      throw new Error('fake model: no gradients (rollout never trains)');
    },
    scoreTokens(): never {
      throw new Error('fake model: no token scores (rollout never scores)');
    },
    createKVCache(batchSize: number) {
      const c = new FakeCache(batchSize);
      stats.caches.push(c);
      return c;
    },
    forwardCached(batch: ForwardBatch, kv: KVCache, opts?: { logits?: 'all' | 'last' }) {
      const cache = kv as FakeCache;
      if (cache.disposed) throw new Error('fake model: cache used after dispose');
      const B = batch.inputIds.length;
      const T = batch.inputIds[0].length;
      if (B !== cache.rows.length) throw new Error(`fake model: batch ${B} rows, cache ${cache.rows.length}`);
      stats.cachedCalls++;
      stats.rowSteps += B;
      const past = cache.length;
      const data = new Float32Array(B * T * V);
      for (let b = 0; b < B; b++) {
        const m = batch.attentionMask[b];
        const r = cache.rows[b];
        if (m.length !== past + T) throw new Error(`fake model: mask width ${m.length}, expected cache ${past} + new ${T}`);
        for (let t = 0; t < past; t++) if (m[t] !== r.mask[t]) throw new Error(`fake model: row ${b} past mask column ${t} changed`);
        for (let t = 0; t < T; t++) {
          const bit = m[past + t];
          r.mask.push(bit);
          if (bit !== 1) continue;
          checkPosition(b, t, batch.positionIds?.[b][t], r.tokens.length);
          r.tokens.push(batch.inputIds[b][t]);
          row(data, (b * T + t) * V, [...r.tokens]);
        }
      }
      if (opts?.logits === 'last') {
        stats.lastOnlyCalls++;
        const last = new Float32Array(B * V);
        for (let b = 0; b < B; b++) last.set(data.subarray((b * T + T - 1) * V, (b * T + T) * V), b * V);
        return tensors(last, B, 1);
      }
      return tensors(data, B, T);
    },
    trainableVariables: () => [],
    namedParameters: () => [],
    save: async () => {
      throw new Error('fake model cannot be saved');
    },
    dispose() {},
  };
}
