// The decoder-only transformer of Qwen2 / Llama / Mistral (transformers modeling_qwen2.py, modeling_llama.py):
//   h = embed(ids)
//   for each layer: h = h + attn(rmsnorm(h));  h = h + mlp(rmsnorm(h))
//   hidden = rmsnorm(h);  logits = hidden W_lm^T   (W_lm = embed when tied)
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.js';
import { attention, type AttentionWeights } from './layers/attention.js';
import { linear, type LinearWeights } from './layers/linear.js';
import { swiGluMlp, type MlpWeights } from './layers/mlp.js';
import { rmsNorm } from './layers/rmsnorm.js';
import { ropeInvFreq, ropeTables } from './layers/rope.js';
import { LayerKVCache, type KVCache } from './kv-cache.js';
import { attentionMaskBias, checkBatch, checkPositions, positionsFromMask } from './masks.js';

export interface ForwardBatch {
  inputIds: number[][];
  attentionMask: number[][];
  positionIds?: number[][];
}

export interface ForwardOptions {
  /** 'last': logits only for the last position of each row, [B, 1, vocab] (decoding needs no more) */
  logits?: 'all' | 'last';
}

export interface ForwardOutput {
  /** [B, T, vocab], or [B, 1, vocab] with { logits: 'last' } */
  logits: tf.Tensor3D;
  /** final-layer hidden states after the final RMSNorm, [B, T, d] */
  hidden: tf.Tensor3D;
}

/** The constant tensors of one pass: RoPE tables, additive masks, token ids, and the batch shape. */
export interface PassContext {
  B: number;
  T: number;
  cos: tf.Tensor4D;
  sin: tf.Tensor4D;
  fullMask: tf.Tensor4D;
  slidingMask?: tf.Tensor4D;
  ids: tf.Tensor1D;
}

/** True while a gradient is being recorded (tf.grads / variableGrads); then weights must be used directly. */
export function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return state?.gradientDepth === undefined ? true : state.gradientDepth > 0;
}

export class Decoder {
  readonly invFreq: Float32Array;

  constructor(
    readonly config: ModelConfig,
    readonly params: Map<string, tf.Variable>,
  ) {
    this.invFreq = ropeInvFreq(config);
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`internal: parameter '${name}' missing`);
    return v;
  }

  private lin(prefix: string, bias: boolean | undefined): LinearWeights {
    // the variable itself in HF layout [out, in]: no inference copies (layers/linear.ts)
    const w: LinearWeights = { weight: this.p(`${prefix}.weight`) as tf.Tensor2D };
    if (bias) w.bias = this.p(`${prefix}.bias`) as tf.Tensor1D;
    return w;
  }

  private attnWeights(i: number): { norm: tf.Tensor1D; attn: AttentionWeights } {
    const c = this.config;
    const p = `model.layers.${i}`;
    return {
      norm: this.p(`${p}.input_layernorm.weight`) as tf.Tensor1D,
      attn: {
        q: this.lin(`${p}.self_attn.q_proj`, c.attentionBias),
        k: this.lin(`${p}.self_attn.k_proj`, c.attentionBias),
        v: this.lin(`${p}.self_attn.v_proj`, c.attentionBias),
        o: this.lin(`${p}.self_attn.o_proj`, c.outputBias),
      },
    };
  }

  private mlpWeights(i: number): { norm: tf.Tensor1D; mlp: MlpWeights } {
    const c = this.config;
    const p = `model.layers.${i}`;
    return {
      norm: this.p(`${p}.post_attention_layernorm.weight`) as tf.Tensor1D,
      mlp: {
        gate: this.lin(`${p}.mlp.gate_proj`, c.mlpBias),
        up: this.lin(`${p}.mlp.up_proj`, c.mlpBias),
        down: this.lin(`${p}.mlp.down_proj`, c.mlpBias),
      },
    };
  }

  /** Full forward pass (differentiable). */
  forward(batch: ForwardBatch, opts: ForwardOptions = {}): ForwardOutput {
    return this.run(batch, opts);
  }

  /** Incremental step: only the new tokens; the mask covers cached + new positions; appends to the cache. */
  forwardCached(batch: ForwardBatch, cache: KVCache, opts: ForwardOptions = {}): ForwardOutput {
    if (!(cache instanceof LayerKVCache)) throw new TypeError('forwardCached needs a cache made by createKVCache()');
    cache.checkUsable(batch.inputIds.length);
    return this.run(batch, opts, cache);
  }

  private run(batch: ForwardBatch, opts: ForwardOptions, cache?: LayerKVCache): ForwardOutput {
    const c = this.config;
    const P = cache ? cache.length : 0;
    const { batch: B, time: T } = checkBatch(batch.inputIds, batch.attentionMask, c.vocabSize, P);
    let positions = batch.positionIds;
    if (positions) checkPositions(positions, B, T);
    else positions = positionsFromMask(batch.attentionMask, T);
    const newKV: { k: tf.Tensor4D; v: tf.Tensor4D }[] = [];
    let out: ForwardOutput;
    try {
      out = this.compute(batch, opts, positions, B, T, newKV, cache);
    } catch (e) {
      tf.dispose(newKV.flatMap((kv) => [kv.k, kv.v])); // keep the cache unchanged on failure
      throw e;
    }
    if (cache) cache.update(newKV, T);
    return out;
  }

  /**
   * The constant inputs of a pass over `batch` (RoPE tables, attention masks, token ids): plain
   * tensors made from arrays, never on a gradient tape. The caller disposes them (`disposeContext`).
   */
  context(batch: ForwardBatch, positions: number[][], B: number, T: number): PassContext {
    const c = this.config;
    const rep = c.numHeads / c.numKvHeads;
    const { cos, sin } = ropeTables(positions, this.invFreq);
    const fullMask = attentionMaskBias(batch.attentionMask, T, rep);
    // sliding-window layers (Mistral, some Qwen2) get their own banded mask
    const Tk = batch.attentionMask[0].length;
    const slidingMask = c.slidingWindow && c.slidingWindow < Tk ? attentionMaskBias(batch.attentionMask, T, rep, c.slidingWindow) : undefined;
    const ids = tf.tensor1d(batch.inputIds.flat(), 'int32');
    return { B, T, cos, sin, fullMask, slidingMask, ids };
  }

  /** The pass context of a full (uncached) forward over `batch`, after the batch checks. */
  fullContext(batch: ForwardBatch): PassContext {
    const { batch: B, time: T } = checkBatch(batch.inputIds, batch.attentionMask, this.config.vocabSize, 0);
    let positions = batch.positionIds;
    if (positions) checkPositions(positions, B, T);
    else positions = positionsFromMask(batch.attentionMask, T);
    return this.context(batch, positions, B, T);
  }

  static disposeContext(ctx: PassContext): void {
    tf.dispose([ctx.cos, ctx.sin, ctx.fullMask, ctx.ids, ...(ctx.slidingMask ? [ctx.slidingMask] : [])]);
  }

  /** Token embeddings [B*T, d]. */
  embed(ctx: PassContext): tf.Tensor2D {
    return tf.gather(this.p('model.embed_tokens.weight'), ctx.ids) as tf.Tensor2D;
  }

  /**
   * The attention half of decoder layer i, h + attn(rmsnorm(h)) (with this step's keys and
   * values). Its intermediates are freed when it returns: a pass holds one block's temporaries at
   * a time, not every layer's (on a gradient tape TensorFlow.js keeps what the backward needs).
   */
  attentionBlock(i: number, h: tf.Tensor2D, ctx: PassContext, past?: { k: tf.Tensor4D; v: tf.Tensor4D }): { h: tf.Tensor2D; k: tf.Tensor4D; v: tf.Tensor4D } {
    const c = this.config;
    return tf.tidy(() => {
      const w = this.attnWeights(i);
      const slides = ctx.slidingMask !== undefined && (!c.slidingLayers || c.slidingLayers.includes(i));
      const a = attention(rmsNorm(h, w.norm, c.rmsNormEps) as tf.Tensor2D, ctx.B, ctx.T, w.attn, c, { cos: ctx.cos, sin: ctx.sin, maskBias: slides ? ctx.slidingMask! : ctx.fullMask }, past);
      return { h: tf.add(h, a.out) as tf.Tensor2D, k: a.k, v: a.v };
    });
  }

  /** The MLP half of decoder layer i, h + mlp(rmsnorm(h)); intermediates freed on return. */
  mlpBlock(i: number, h: tf.Tensor2D): tf.Tensor2D {
    const c = this.config;
    return tf.tidy(() => {
      const w = this.mlpWeights(i);
      return tf.add(h, swiGluMlp(rmsNorm(h, w.norm, c.rmsNormEps) as tf.Tensor2D, w.mlp)) as tf.Tensor2D;
    });
  }

  /** The variables of layer i's attention block (`attn`) or MLP block (`mlp`), in a stable order. */
  blockVariables(i: number, block: 'attn' | 'mlp'): tf.Variable[] {
    const p = `model.layers.${i}.`;
    const inBlock = block === 'attn'
      ? (n: string) => n.startsWith(`${p}input_layernorm.`) || n.startsWith(`${p}self_attn.`)
      : (n: string) => n.startsWith(`${p}post_attention_layernorm.`) || n.startsWith(`${p}mlp.`);
    return [...this.params.entries()].filter(([name]) => inBlock(name)).map(([, v]) => v);
  }

  /** Final norm and LM head over the last layer's output [B*T, d]. */
  head(h: tf.Tensor2D, ctx: PassContext, opts: ForwardOptions = {}): ForwardOutput {
    const c = this.config;
    const { B, T } = ctx;
    return tf.tidy(() => {
      const hidden = this.finalNorm(h);
      const last = opts.logits === 'last';
      // rows b*T + T-1 hold each sequence's last position
      const rows = last && T > 1 ? tf.gather(hidden, tf.tensor1d(Array.from({ length: B }, (_, b) => b * T + T - 1), 'int32')) : hidden;
      const logits = this.lmHead(rows);
      return {
        logits: tf.reshape(logits, [B, last ? 1 : T, c.vocabSize]) as tf.Tensor3D,
        hidden: tf.reshape(hidden, [B, T, c.hiddenSize]) as tf.Tensor3D,
      };
    });
  }

  /** The final RMSNorm over the last layer's output [N, d]: the hidden states the head reads. */
  finalNorm(h: tf.Tensor2D): tf.Tensor2D {
    return rmsNorm(h, this.p('model.norm.weight') as tf.Tensor1D, this.config.rmsNormEps) as tf.Tensor2D;
  }

  /** Logits [N, vocab] of final hidden states [N, d] (the LM head; the embedding when tied). */
  lmHead(hidden: tf.Tensor2D): tf.Tensor2D {
    return linear(hidden, { weight: this.lmHeadVariable() as tf.Tensor2D });
  }

  /** The LM head's weight [vocab, d] (the embedding when tied). */
  lmHeadVariable(): tf.Variable {
    return this.p(this.config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  }

  /**
   * The last layer's output [B*T, d] of a full pass (no cache), before the final norm, with the
   * pass context (the caller disposes both: Decoder.disposeContext). For callers that apply the
   * head themselves, e.g. in chunks (token-scores.ts).
   */
  trunk(batch: ForwardBatch): { h: tf.Tensor2D; ctx: PassContext } {
    const ctx = this.fullContext(batch);
    try {
      return { h: tf.tidy(() => this.layers(ctx, [])), ctx };
    } catch (e) {
      Decoder.disposeContext(ctx);
      throw e;
    }
  }

  /** The variables the head reads (final norm; the LM head, which is the embedding when tied). */
  headVariables(): tf.Variable[] {
    return [this.p('model.norm.weight'), this.lmHeadVariable()];
  }

  embedVariable(): tf.Variable {
    return this.p('model.embed_tokens.weight');
  }

  private compute(
    batch: ForwardBatch,
    opts: ForwardOptions,
    positions: number[][],
    B: number,
    T: number,
    newKV: { k: tf.Tensor4D; v: tf.Tensor4D }[],
    cache?: LayerKVCache,
  ): ForwardOutput {
    const ctx = this.context(batch, positions, B, T);
    try {
      return tf.tidy(() => this.head(this.layers(ctx, newKV, cache), ctx, opts) as unknown as tf.TensorContainer) as unknown as ForwardOutput;
    } finally {
      Decoder.disposeContext(ctx);
    }
  }

  /** Embedding and every decoder layer: the last layer's output [B*T, d]; call inside a tidy. */
  private layers(ctx: PassContext, newKV: { k: tf.Tensor4D; v: tf.Tensor4D }[], cache?: LayerKVCache): tf.Tensor2D {
    // without a gradient tape, each layer's input is freed as soon as the layer has run
    const free = !recordingGradients();
    let h = this.embed(ctx);
    for (let i = 0; i < this.config.numLayers; i++) {
      const r = this.attentionBlock(i, h, ctx, cache?.layers[i]);
      if (cache) newKV.push({ k: tf.keep(r.k), v: tf.keep(r.v) });
      else if (free) tf.dispose([r.k, r.v]);
      if (free) h.dispose();
      const out = this.mlpBlock(i, r.h);
      if (free) r.h.dispose();
      h = out;
    }
    return h;
  }

}
