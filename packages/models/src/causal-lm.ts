// CausalLM: a decoder with its parameters as tf.Variables named by their HF tensor names,
// loaded from / saved to an HF checkpoint folder, or randomly initialised.
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { activeBackend, initBackend, type Backend } from './backend.js';
import { readHFConfig, toHFConfig, validateConfig, type ModelConfig } from './config.js';
import { Decoder, type ForwardBatch, type ForwardOptions, type ForwardOutput } from './decoder.js';
import { LayerKVCache, type KVCache } from './kv-cache.js';
import { layerwiseValueAndGrads, type ValueAndGrads } from './layerwise-grads.js';
import { checkLabels, scoreTokens, type TokenScoreOptions, type TokenScores } from './token-scores.js';
import { headScores, type HeadScores, type ScoredLossOptions } from './head-scores.js';
import type { SafetensorsDtype } from './safetensors.js';
import { Rng } from '@verl-ts/prng';
import { writeJsonAtomic, writeTextAtomic } from './atomic-write.js';
import { loadWeights, saveWeights, weightSpecs } from './weights.js';
import { checkFitsBackend } from './backend-memory.js';

export interface CausalLM {
  readonly config: ModelConfig;
  /** full forward pass; differentiable inside tf.variableGrads / tf.grads. The caller disposes the outputs. */
  forward(batch: ForwardBatch, opts?: ForwardOptions): ForwardOutput;
  /**
   * loss(forward(batch)) and its gradient w.r.t. every variable it depends on (by variable name),
   * the same numbers as tf.variableGrads(() => loss(forward(batch))) computed layer by layer with
   * a fraction of the memory (layerwise-grads.ts). The caller disposes value and gradients.
   */
  valueAndGrads(batch: ForwardBatch, loss: (out: ForwardOutput) => tf.Scalar): ValueAndGrads;
  /**
   * The same with `loss` of the log-probs (and entropies) of `opts.labels` instead of the logits:
   * the LM head and its gradient run a chunk at a time, so the [B, T, vocab] logits never exist
   * at once on the tape (head-scores.ts). Equal to the whole-logits route within float32 rounding.
   */
  valueAndGrads(batch: ForwardBatch, loss: (scores: HeadScores) => tf.Scalar, opts: ScoredLossOptions): ValueAndGrads;
  /**
   * Log-probs of `labels` ([B][T'], T' ≤ T; position t scored against labels[b][t]) and optionally
   * entropies and hidden states, the LM head applied in chunks of positions so the [B, T, vocab]
   * logits never exist at once (token-scores.ts). No gradient. The caller disposes the tensors.
   */
  scoreTokens(batch: ForwardBatch, labels: number[][], opts?: TokenScoreOptions): TokenScores;
  createKVCache(batchSize: number): KVCache;
  /** incremental decoding: inputIds are only the new tokens [B, tNew]; attentionMask covers cached + new positions */
  forwardCached(batch: ForwardBatch, cache: KVCache, opts?: ForwardOptions): ForwardOutput;
  /** every parameter, stable order (embeddings, layers, final norm, lm_head) */
  trainableVariables(): tf.Variable[];
  /** [HF tensor name, variable] pairs in the order of trainableVariables() */
  namedParameters(): [string, tf.Variable][];
  /**
   * Writes config.json + safetensors in HF layout (same names and shapes as loaded; dtypes as loaded
   * unless `dtype` is given, e.g. 'float32' for a bit-exact training checkpoint); atomic per file.
   */
  save(dir: string, opts?: SaveOptions): Promise<void>;
  dispose(): void;
}

export type SaveDtype = 'float32' | 'bfloat16' | 'float16';
export interface SaveOptions {
  /** every tensor in this dtype (config.json's dtype follows); default: each tensor's loaded dtype, float32 for created models */
  dtype?: SaveDtype;
}
const ST_DTYPE: Record<SaveDtype, SafetensorsDtype> = { float32: 'F32', bfloat16: 'BF16', float16: 'F16' };

let instances = 0;

/**
 * tf.Variable names are global in TensorFlow.js. The first live model gets the plain HF names;
 * another model alive at the same time (e.g. a frozen reference policy) gets `<name>#<n>`.
 * namedParameters() always gives the HF names.
 */
function makeVariable(values: Float32Array, shape: number[], name: string, trainable: boolean, instance: number): tf.Variable {
  const registered = (tf.engine() as unknown as { registeredVariables: Record<string, unknown> }).registeredVariables;
  const varName = registered[name] ? `${name}#${instance}` : name;
  const init = tf.tensor(values, shape, 'float32');
  const v = tf.variable(init, trainable, varName);
  init.dispose(); // the variable holds its own reference to the data
  return v;
}

class Model implements CausalLM {
  private readonly decoder: Decoder;
  private disposed = false;

  constructor(
    readonly config: ModelConfig,
    private readonly params: Map<string, tf.Variable>,
    private readonly dtypes: Map<string, SafetensorsDtype>,
    private readonly rawConfig: Record<string, unknown>,
    private readonly extraFiles: Map<string, string>,
    private readonly shards?: Map<string, string>,
  ) {
    this.decoder = new Decoder(config, params);
  }

  private alive(): void {
    if (this.disposed) throw new Error('CausalLM used after dispose()');
  }

  forward(batch: ForwardBatch, opts?: ForwardOptions): ForwardOutput {
    this.alive();
    return this.decoder.forward(batch, opts);
  }

  valueAndGrads(batch: ForwardBatch, loss: (out: ForwardOutput) => tf.Scalar): ValueAndGrads;
  valueAndGrads(batch: ForwardBatch, loss: (scores: HeadScores) => tf.Scalar, opts: ScoredLossOptions): ValueAndGrads;
  valueAndGrads(batch: ForwardBatch, loss: ((out: ForwardOutput) => tf.Scalar) | ((scores: HeadScores) => tf.Scalar), opts?: ScoredLossOptions): ValueAndGrads {
    this.alive();
    const dec = this.decoder;
    if (!opts) return layerwiseValueAndGrads(dec, batch, (last, ctx) => (loss as (out: ForwardOutput) => tf.Scalar)(dec.head(last, ctx)));
    checkLabels(opts.labels, batch.inputIds.length, batch.inputIds[0]?.length ?? 0, this.config.vocabSize, 'valueAndGrads');
    return layerwiseValueAndGrads(dec, batch, (last, ctx) => (loss as (scores: HeadScores) => tf.Scalar)(headScores(dec, last, ctx, opts)));
  }

  scoreTokens(batch: ForwardBatch, labels: number[][], opts?: TokenScoreOptions): TokenScores {
    this.alive();
    return scoreTokens(this.decoder, batch, labels, opts);
  }

  createKVCache(batchSize: number): KVCache {
    this.alive();
    return new LayerKVCache(this.config.numLayers, batchSize);
  }

  forwardCached(batch: ForwardBatch, cache: KVCache, opts?: ForwardOptions): ForwardOutput {
    this.alive();
    return this.decoder.forwardCached(batch, cache, opts);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.values()];
  }

  namedParameters(): [string, tf.Variable][] {
    return [...this.params.entries()];
  }

  async save(dir: string, opts: SaveOptions = {}): Promise<void> {
    this.alive();
    if (opts.dtype !== undefined && !(opts.dtype in ST_DTYPE)) throw new RangeError(`save: unknown dtype '${opts.dtype}' (float32, bfloat16, float16)`);
    await mkdir(dir, { recursive: true });
    const forced = opts.dtype ? ST_DTYPE[opts.dtype] : undefined;
    const tensors = [...this.params.entries()].map(([name, v]) => ({
      name,
      dtype: forced ?? this.dtypes.get(name) ?? ('F32' as SafetensorsDtype),
      shape: v.shape,
      values: async () => (await v.data()) as Float32Array,
    }));
    await saveWeights(dir, tensors, { shards: this.shards });
    let config = this.rawConfig;
    if (opts.dtype) {
      // transformers 5 writes `dtype`, 4.x `torch_dtype`: update whichever the file has
      config = { ...config };
      if ('dtype' in config) config.dtype = opts.dtype;
      if ('torch_dtype' in config || !('dtype' in config)) config.torch_dtype = opts.dtype;
    }
    await writeJsonAtomic(join(dir, 'config.json'), config);
    for (const [file, text] of this.extraFiles) await writeTextAtomic(join(dir, file), text);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.params.values()) v.dispose();
  }
}

/** Loads an HF checkpoint folder (config.json + model.safetensors or sharded safetensors). */
export async function loadCausalLM(dir: string, opts: { backend?: Backend; trainable?: boolean } = {}): Promise<CausalLM> {
  if (opts.backend !== undefined || activeBackend() === undefined) await initBackend(opts.backend);
  const { config, raw } = await readHFConfig(dir);
  checkFitsBackend(config, activeBackend()!);
  const instance = ++instances;
  const params = new Map<string, tf.Variable>();
  let weights;
  try {
    weights = await loadWeights(dir, config, (s, values) => {
      params.set(s.name, makeVariable(values, s.shape, s.name, opts.trainable ?? true, instance));
    });
  } catch (e) {
    for (const v of params.values()) v.dispose();
    throw e;
  }
  const extra = new Map<string, string>();
  const gen = await readFile(join(dir, 'generation_config.json'), 'utf8').catch(() => undefined);
  if (gen !== undefined) extra.set('generation_config.json', gen);
  return new Model(config, params, weights.dtypes, raw, extra, weights.shards);
}

/**
 * A randomly initialised model, as transformers' `_init_weights` does it: weights ~ N(0, initializerRange)
 * (default 0.02), biases 0, RMSNorm weights 1. Deterministic for a seed.
 */
export function createCausalLM(config: ModelConfig, opts: { seed?: number; initializerRange?: number } = {}): CausalLM {
  validateConfig(config);
  const backend = activeBackend();
  if (backend) checkFitsBackend(config, backend);
  // @verl-ts/prng's generator, so random initialisation is the same on every backend and machine
  const rng = new Rng(opts.seed ?? 0);
  const rand = () => rng.nextFloat();
  const std = opts.initializerRange ?? 0.02;
  const instance = ++instances;
  const params = new Map<string, tf.Variable>();
  for (const s of weightSpecs(config)) {
    const n = s.shape.reduce((a, c) => a * c, 1);
    const vals = new Float32Array(n);
    if (s.name.endsWith('norm.weight')) vals.fill(1);
    else if (!s.name.endsWith('.bias')) {
      for (let i = 0; i < n; i += 2) {
        // Box-Muller: two normals per pair of uniforms
        const u1 = Math.max(rand(), 1e-12);
        const u2 = rand();
        const r = Math.sqrt(-2 * Math.log(u1)) * std;
        vals[i] = r * Math.cos(2 * Math.PI * u2);
        if (i + 1 < n) vals[i + 1] = r * Math.sin(2 * Math.PI * u2);
      }
    }
    params.set(s.name, makeVariable(vals, s.shape, s.name, true, instance));
  }
  return new Model({ ...config }, params, new Map(), toHFConfig(config), new Map());
}
