// HuggingFace config.json <-> ModelConfig.
// Field names follow transformers' Qwen2Config / LlamaConfig / MistralConfig.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Architecture = 'qwen2' | 'llama' | 'mistral';

/** Llama 3.x RoPE scaling (transformers `_compute_llama3_parameters`) or linear position interpolation. */
export type RopeScaling =
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
  | { type: 'linear'; factor: number };

export interface ModelConfig {
  architecture: Architecture;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling?: RopeScaling;
  tieWordEmbeddings: boolean;
  /** bias on q/k/v projections (always on for Qwen2; Llama's `attention_bias` also adds it to o_proj) */
  attentionBias: boolean;
  /** bias on o_proj (Llama/Mistral `attention_bias`; never for Qwen2) */
  outputBias?: boolean;
  /** bias on gate/up/down (Llama `mlp_bias`) */
  mlpBias?: boolean;
  maxPositionEmbeddings: number;
  /** sliding-window attention width, when the checkpoint enables it (Mistral v0.1, Qwen2 use_sliding_window) */
  slidingWindow?: number;
  /**
   * which layers use the sliding window (transformers' `layer_types`); absent: every layer when
   * slidingWindow is set. Qwen2 slides only layers >= max_window_layers.
   */
  slidingLayers?: number[];
  bosTokenId?: number;
  eosTokenId?: number | number[];
  padTokenId?: number;
}

const ARCH_BY_CLASS: Record<string, Architecture> = {
  Qwen2ForCausalLM: 'qwen2',
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
};
const ARCH_BY_MODEL_TYPE: Record<string, Architecture> = { qwen2: 'qwen2', llama: 'llama', mistral: 'mistral' };

type Json = Record<string, unknown>;

function num(raw: Json, key: string, file: string, fallback?: number): number {
  const v = raw[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${file}: missing required field '${key}'`);
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: field '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function posInt(raw: Json, key: string, file: string, fallback?: number): number {
  const v = num(raw, key, file, fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${file}: field '${key}' must be a positive integer, got ${v}`);
  return v;
}

function parseRopeScaling(rs: Json | undefined | null, file: string): RopeScaling | undefined {
  if (!rs) return undefined;
  const type = (rs.rope_type ?? rs.type ?? 'default') as string;
  if (type === 'default') return undefined;
  if (type === 'linear') return { type: 'linear', factor: num(rs, 'factor', file) };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor: num(rs, 'factor', file),
      lowFreqFactor: num(rs, 'low_freq_factor', file),
      highFreqFactor: num(rs, 'high_freq_factor', file),
      originalMaxPositionEmbeddings: num(rs, 'original_max_position_embeddings', file),
    };
  }
  throw new Error(`${file}: unsupported rope scaling type '${type}' (supported: default, linear, llama3)`);
}

/** Parses an HF config.json object; `file` names the source in error messages. */
export function parseHFConfig(raw: Json, file = 'config.json'): ModelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object`);
  const classes = Array.isArray(raw.architectures) ? (raw.architectures as string[]) : [];
  let architecture: Architecture | undefined = ARCH_BY_MODEL_TYPE[String(raw.model_type ?? '')];
  for (const c of classes) architecture ??= ARCH_BY_CLASS[c];
  if (!architecture) {
    throw new Error(
      `${file}: unknown architecture (model_type '${String(raw.model_type)}', architectures ${JSON.stringify(classes)}); ` +
        `supported: qwen2, llama, mistral`,
    );
  }
  const hiddenSize = posInt(raw, 'hidden_size', file);
  const numHeads = posInt(raw, 'num_attention_heads', file);
  const numKvHeads = posInt(raw, 'num_key_value_heads', file, numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new Error(`${file}: num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`);
  }
  const headDim = posInt(raw, 'head_dim', file, hiddenSize / numHeads);
  if (headDim % 2 !== 0) throw new Error(`${file}: head_dim must be even for RoPE, got ${headDim}`);
  // transformers 5 nests RoPE settings in `rope_parameters`; older files keep rope_theta/rope_scaling at top level
  const rp = (raw.rope_parameters ?? null) as Json | null;
  const ropeTheta = rp && rp.rope_theta !== undefined ? num(rp, 'rope_theta', file) : num(raw, 'rope_theta', file, 10000);
  const ropeScaling = parseRopeScaling((rp && (rp.rope_type ?? rp.type) ? rp : (raw.rope_scaling as Json | null)) ?? null, file);
  if (raw.hidden_act !== undefined && raw.hidden_act !== 'silu') {
    throw new Error(`${file}: unsupported hidden_act '${String(raw.hidden_act)}' (only silu, as in Qwen2/Llama/Mistral)`);
  }
  const useSliding = architecture === 'mistral' ? raw.sliding_window != null : raw.use_sliding_window === true;
  const cfg: ModelConfig = {
    architecture,
    vocabSize: posInt(raw, 'vocab_size', file),
    hiddenSize,
    intermediateSize: posInt(raw, 'intermediate_size', file),
    numLayers: posInt(raw, 'num_hidden_layers', file),
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps: num(raw, 'rms_norm_eps', file, 1e-6),
    ropeTheta,
    tieWordEmbeddings: raw.tie_word_embeddings === true,
    attentionBias: architecture === 'qwen2' ? true : raw.attention_bias === true,
    outputBias: architecture === 'qwen2' ? false : raw.attention_bias === true,
    mlpBias: raw.mlp_bias === true,
    maxPositionEmbeddings: posInt(raw, 'max_position_embeddings', file, 32768),
  };
  if (ropeScaling) cfg.ropeScaling = ropeScaling;
  if (useSliding && typeof raw.sliding_window === 'number') {
    cfg.slidingWindow = raw.sliding_window;
    const numLayers = cfg.numLayers;
    let sliding: number[] | undefined;
    if (Array.isArray(raw.layer_types)) {
      if (raw.layer_types.length !== numLayers) throw new Error(`${file}: layer_types has ${raw.layer_types.length} entries for ${numLayers} layers`);
      sliding = (raw.layer_types as string[]).flatMap((t, i) => (t === 'sliding_attention' ? [i] : []));
    } else if (architecture === 'qwen2') {
      // transformers Qwen2Config: sliding window on layers i >= max_window_layers
      const from = num(raw, 'max_window_layers', file, 28);
      sliding = [...Array(numLayers).keys()].filter((i) => i >= from);
    }
    if (sliding && sliding.length < numLayers) cfg.slidingLayers = sliding;
    if (sliding && sliding.length === 0) delete cfg.slidingWindow;
  }
  if (typeof raw.bos_token_id === 'number') cfg.bosTokenId = raw.bos_token_id;
  if (typeof raw.eos_token_id === 'number' || Array.isArray(raw.eos_token_id)) cfg.eosTokenId = raw.eos_token_id as number | number[];
  if (typeof raw.pad_token_id === 'number') cfg.padTokenId = raw.pad_token_id;
  return cfg;
}

/** Reads and parses `<dir>/config.json`, returning the typed config and the raw JSON (kept so saves round-trip). */
export async function readHFConfig(dir: string): Promise<{ config: ModelConfig; raw: Json }> {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message})`);
  }
  return { config: parseHFConfig(raw, file), raw };
}

const CLASS_BY_ARCH: Record<Architecture, string> = {
  qwen2: 'Qwen2ForCausalLM',
  llama: 'LlamaForCausalLM',
  mistral: 'MistralForCausalLM',
};

/** An HF config.json object for a config (legacy top-level rope_theta/rope_scaling, which transformers 4 and 5 both read). */
export function toHFConfig(c: ModelConfig, dtype = 'float32'): Json {
  const out: Json = {
    architectures: [CLASS_BY_ARCH[c.architecture]],
    model_type: c.architecture,
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    head_dim: c.headDim,
    hidden_act: 'silu',
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    max_position_embeddings: c.maxPositionEmbeddings,
    tie_word_embeddings: c.tieWordEmbeddings,
    torch_dtype: dtype,
    use_cache: true,
  };
  if (c.architecture !== 'qwen2') {
    out.attention_bias = c.attentionBias;
    out.mlp_bias = c.mlpBias ?? false;
  }
  if (c.ropeScaling?.type === 'llama3') {
    const s = c.ropeScaling;
    out.rope_scaling = {
      rope_type: 'llama3',
      factor: s.factor,
      low_freq_factor: s.lowFreqFactor,
      high_freq_factor: s.highFreqFactor,
      original_max_position_embeddings: s.originalMaxPositionEmbeddings,
    };
  } else if (c.ropeScaling?.type === 'linear') {
    out.rope_scaling = { rope_type: 'linear', factor: c.ropeScaling.factor };
  }
  if (c.slidingWindow !== undefined) {
    out.sliding_window = c.slidingWindow;
    if (c.architecture === 'qwen2') out.use_sliding_window = true;
    if (c.slidingLayers) {
      const sl = new Set(c.slidingLayers);
      out.layer_types = [...Array(c.numLayers).keys()].map((i) => (sl.has(i) ? 'sliding_attention' : 'full_attention'));
    }
  } else if (c.architecture !== 'llama') {
    out.sliding_window = null;
  }
  if (c.bosTokenId !== undefined) out.bos_token_id = c.bosTokenId;
  if (c.eosTokenId !== undefined) out.eos_token_id = c.eosTokenId;
  if (c.padTokenId !== undefined) out.pad_token_id = c.padTokenId;
  return out;
}

/** Checks a hand-written config (createCausalLM) with RangeErrors naming the field. */
export function validateConfig(c: ModelConfig): void {
  const ints: (keyof ModelConfig)[] = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'headDim', 'maxPositionEmbeddings'];
  for (const k of ints) {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`ModelConfig.${k} must be a positive integer, got ${v}`);
  }
  if (!['qwen2', 'llama', 'mistral'].includes(c.architecture)) throw new Error(`ModelConfig.architecture: unknown architecture '${c.architecture}'`);
  if (c.numHeads % c.numKvHeads !== 0) throw new RangeError(`ModelConfig.numHeads (${c.numHeads}) must be a multiple of numKvHeads (${c.numKvHeads})`);
  if (c.headDim % 2 !== 0) throw new RangeError(`ModelConfig.headDim must be even for RoPE, got ${c.headDim}`);
  if (!(c.rmsNormEps > 0)) throw new RangeError(`ModelConfig.rmsNormEps must be > 0, got ${c.rmsNormEps}`);
  if (!(c.ropeTheta > 0)) throw new RangeError(`ModelConfig.ropeTheta must be > 0, got ${c.ropeTheta}`);
}
