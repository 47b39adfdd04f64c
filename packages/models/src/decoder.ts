// The decoder-only transformer of Qwen2 / Llama / Mistral (transformers modeling_qwen2.py, modeling_llama.py):
//   h = embed(ids)
//   for each layer: h = h + attn(rmsnorm(h));  h = h + mlp(rmsnorm(h))
//   hidden = rmsnorm(h);  logits = hidden W_lm^T   (W_lm = embed when tied)
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.js';
import { attention, type AttentionWeights } from './layers/attention.js';
import type { LinearWeights } from './layers/linear.js';
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

interface LayerWeights {
  inputNorm: tf.Tensor1D;
  attn: AttentionWeights;
  postNorm: tf.Tensor1D;
  mlp: MlpWeights;
}

/** True while a gradient is being recorded (tf.grads / variableGrads); then weights must be used directly. */
function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return state?.gradientDepth === undefined ? true : state.gradientDepth > 0;
}

export class Decoder {
  readonly invFreq: Float32Array;
  /** W^T copies for inference, keyed by the variable; valid while the variable's data is unchanged */
  private transposed = new Map<tf.Variable, { dataId: object; t: tf.Tensor2D }>();

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

  /** W^T of a [out, in] variable: on the tape when differentiating, else a cached copy. */
  private weightT(name: string): tf.Tensor2D {
    const v = this.p(name);
    if (recordingGradients()) return tf.transpose(v as tf.Tensor2D);
    const dataId = (v as unknown as { dataId: object }).dataId;
    const hit = this.transposed.get(v);
    if (hit && hit.dataId === dataId) return hit.t;
    if (hit) hit.t.dispose();
    const t = tf.keep(tf.transpose(v as tf.Tensor2D));
    this.transposed.set(v, { dataId, t });
    return t;
  }

  private lin(prefix: string, bias: boolean | undefined): LinearWeights {
    const w: LinearWeights = { weightT: this.weightT(`${prefix}.weight`) };
    if (bias) w.bias = this.p(`${prefix}.bias`) as tf.Tensor1D;
    return w;
  }

  private layer(i: number): LayerWeights {
    const c = this.config;
    const p = `model.layers.${i}`;
    return {
      inputNorm: this.p(`${p}.input_layernorm.weight`) as tf.Tensor1D,
      attn: {
        q: this.lin(`${p}.self_attn.q_proj`, c.attentionBias),
        k: this.lin(`${p}.self_attn.k_proj`, c.attentionBias),
        v: this.lin(`${p}.self_attn.v_proj`, c.attentionBias),
        o: this.lin(`${p}.self_attn.o_proj`, c.outputBias),
      },
      postNorm: this.p(`${p}.post_attention_layernorm.weight`) as tf.Tensor1D,
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

  private compute(
    batch: ForwardBatch,
    opts: ForwardOptions,
    positions: number[][],
    B: number,
    T: number,
    newKV: { k: tf.Tensor4D; v: tf.Tensor4D }[],
    cache?: LayerKVCache,
  ): ForwardOutput {
    const c = this.config;
    const rep = c.numHeads / c.numKvHeads;
    return tf.tidy(() => {
      const { cos, sin } = ropeTables(positions, this.invFreq);
      const fullMask = attentionMaskBias(batch.attentionMask, T, rep);
      // sliding-window layers (Mistral, some Qwen2) get their own banded mask
      const Tk = batch.attentionMask[0].length;
      const slidingMask = c.slidingWindow && c.slidingWindow < Tk ? attentionMaskBias(batch.attentionMask, T, rep, c.slidingWindow) : undefined;
      const slides = (i: number) => slidingMask !== undefined && (!c.slidingLayers || c.slidingLayers.includes(i));
      const ids = tf.tensor1d(batch.inputIds.flat(), 'int32');
      let h = tf.gather(this.p('model.embed_tokens.weight'), ids) as tf.Tensor2D; // [B*T, d]
      for (let i = 0; i < c.numLayers; i++) {
        const w = this.layer(i);
        const past = cache?.layers[i];
        const a = attention(rmsNorm(h, w.inputNorm, c.rmsNormEps) as tf.Tensor2D, B, T, w.attn, c, { cos, sin, maskBias: slides(i) ? slidingMask! : fullMask }, past);
        if (cache) newKV.push({ k: tf.keep(a.k), v: tf.keep(a.v) });
        h = tf.add(h, a.out);
        h = tf.add(h, swiGluMlp(rmsNorm(h, w.postNorm, c.rmsNormEps) as tf.Tensor2D, w.mlp));
      }
      const hidden = rmsNorm(h, this.p('model.norm.weight') as tf.Tensor1D, c.rmsNormEps) as tf.Tensor2D;
      const lmT = c.tieWordEmbeddings ? this.weightT('model.embed_tokens.weight') : this.weightT('lm_head.weight');
      const last = opts.logits === 'last';
      // rows b*T + T-1 hold each sequence's last position
      const rows = last && T > 1 ? tf.gather(hidden, tf.tensor1d(Array.from({ length: B }, (_, b) => b * T + T - 1), 'int32')) : hidden;
      const logits = tf.matMul(rows, lmT);
      return {
        logits: tf.reshape(logits, [B, last ? 1 : T, c.vocabSize]) as tf.Tensor3D,
        hidden: tf.reshape(hidden, [B, T, c.hiddenSize]) as tf.Tensor3D,
      };
    });
  }

  dispose(): void {
    for (const { t } of this.transposed.values()) t.dispose();
    this.transposed.clear();
  }
}
