// How an HF Qwen2 / Llama / Mistral checkpoint maps onto llama.cpp's GGUF conventions (tensor
// names, hyper-parameter keys, RoPE layout), as llama.cpp's convert_hf_to_gguf.py and gguf-py
// define them: Qwen2 is llama.cpp's `qwen2` architecture (NeoX RoPE, the HF layout as is); Llama
// and Mistral are `llama`, whose RoPE rotates adjacent pairs, so q/k rows are permuted from HF's
// half-split layout; Llama 3 RoPE scaling becomes a `rope_freqs` tensor of per-frequency factors.
import type { ModelConfig } from '@verl-ts/models';
import { fitsBlocks, type GgmlType, type GgufValue } from './gguf-writer.js';

export type GgufArchitecture = 'qwen2' | 'llama';

export function ggufArchitecture(c: ModelConfig): GgufArchitecture {
  return c.architecture === 'qwen2' ? 'qwen2' : 'llama';
}

const LAYER_NAMES: Record<string, string> = {
  'input_layernorm.weight': 'attn_norm.weight',
  'self_attn.q_proj.weight': 'attn_q.weight',
  'self_attn.q_proj.bias': 'attn_q.bias',
  'self_attn.k_proj.weight': 'attn_k.weight',
  'self_attn.k_proj.bias': 'attn_k.bias',
  'self_attn.v_proj.weight': 'attn_v.weight',
  'self_attn.v_proj.bias': 'attn_v.bias',
  'self_attn.o_proj.weight': 'attn_output.weight',
  'self_attn.o_proj.bias': 'attn_output.bias',
  'post_attention_layernorm.weight': 'ffn_norm.weight',
  'mlp.gate_proj.weight': 'ffn_gate.weight',
  'mlp.gate_proj.bias': 'ffn_gate.bias',
  'mlp.up_proj.weight': 'ffn_up.weight',
  'mlp.up_proj.bias': 'ffn_up.bias',
  'mlp.down_proj.weight': 'ffn_down.weight',
  'mlp.down_proj.bias': 'ffn_down.bias',
};

/** llama.cpp's name for an HF tensor name. */
export function ggufTensorName(hfName: string): string {
  if (hfName === 'model.embed_tokens.weight') return 'token_embd.weight';
  if (hfName === 'model.norm.weight') return 'output_norm.weight';
  if (hfName === 'lm_head.weight') return 'output.weight';
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(hfName);
  const suffix = m && LAYER_NAMES[m[2]];
  if (!m || !suffix) throw new Error(`no GGUF name for tensor '${hfName}'`);
  return `blk.${m[1]}.${suffix}`;
}

/**
 * The storage type of a tensor, as llama.cpp's convert_hf_to_gguf.py chooses it: vectors (norms,
 * biases) stay f32 (its kernels add and scale them in f32); matrices take the requested type,
 * the token embedding and output included (the converter keeps those in f16 only for the ternary
 * TQ types); a matrix whose rows are not whole Q8_0 blocks (32 values) falls back to f16, as the
 * converter's QuantError fallback does.
 */
export function ggufTensorType(shape: number[], requested: GgmlType): GgmlType {
  if (shape.length === 1) return 'F32';
  if (!fitsBlocks(shape, requested)) return 'F16';
  return requested;
}

/** llama.cpp's llama_ftype for the requested matrix type: 0 all f32, 1 mostly f16, 7 mostly Q8_0. */
const LLAMA_FTYPE: Record<GgmlType, number> = { F32: 0, F16: 1, Q8_0: 7 };

/**
 * HF Llama stores each head's rows as [first halves of the rotated pairs; second halves]
 * (rotate_half); llama.cpp's `llama` RoPE rotates rows 2i and 2i+1. Rows are reordered per head
 * so that row 2i+j takes HF row j*(headDim/2)+i (convert_hf_to_gguf's LlamaModel.permute).
 * Works for weights [heads*headDim, in] and biases [heads*headDim].
 */
export function permuteForLlamaRope(values: Float32Array, heads: number, rowLength: number): Float32Array {
  const rows = values.length / rowLength;
  const headDim = rows / heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) throw new Error(`cannot permute ${rows} rows into ${heads} heads of even size`);
  const half = headDim / 2;
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const src = (h * headDim + j * half + i) * rowLength;
        const dst = (h * headDim + 2 * i + j) * rowLength;
        out.set(values.subarray(src, src + rowLength), dst);
      }
    }
  }
  return out;
}

/** The values llama.cpp should see for an HF tensor (q/k permuted for the `llama` RoPE layout). */
export function ggufTensorValues(hfName: string, values: Float32Array, c: ModelConfig): Float32Array {
  if (ggufArchitecture(c) !== 'llama') return values;
  const rowLength = (shape: 'weight' | 'bias') => (shape === 'weight' ? c.hiddenSize : 1);
  const m = /self_attn\.(q|k)_proj\.(weight|bias)$/.exec(hfName);
  if (!m) return values;
  return permuteForLlamaRope(values, m[1] === 'q' ? c.numHeads : c.numKvHeads, rowLength(m[2] as 'weight' | 'bias'));
}

/**
 * Llama 3 RoPE scaling as llama.cpp applies it: one factor per frequency (theta is divided by it),
 * 1 for high frequencies, `factor` for low ones, smoothly interpolated between
 * (transformers' _compute_llama3_parameters).
 */
export function llama3RopeFactors(c: ModelConfig): Float32Array | undefined {
  const rs = c.ropeScaling;
  if (!rs || rs.type !== 'llama3') return undefined;
  const half = c.headDim / 2;
  const lowWavelen = rs.originalMaxPositionEmbeddings / rs.lowFreqFactor;
  const highWavelen = rs.originalMaxPositionEmbeddings / rs.highFreqFactor;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const freq = 1 / Math.pow(c.ropeTheta, (2 * i) / c.headDim);
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen < highWavelen) out[i] = 1;
    else if (wavelen > lowWavelen) out[i] = rs.factor;
    else {
      const smooth = (rs.originalMaxPositionEmbeddings / wavelen - rs.lowFreqFactor) / (rs.highFreqFactor - rs.lowFreqFactor);
      out[i] = 1 / ((1 - smooth) / rs.factor + smooth);
    }
  }
  return out;
}

/** The model's hyper-parameters under llama.cpp's keys. */
export function modelMetadata(c: ModelConfig, name: string, fileType: GgmlType): Map<string, GgufValue> {
  const a = ggufArchitecture(c);
  const m = new Map<string, GgufValue>();
  m.set('general.architecture', { type: 'string', value: a });
  m.set('general.name', { type: 'string', value: name });
  m.set('general.file_type', { type: 'u32', value: LLAMA_FTYPE[fileType] });
  m.set(`${a}.vocab_size`, { type: 'u32', value: c.vocabSize });
  m.set(`${a}.context_length`, { type: 'u32', value: c.maxPositionEmbeddings });
  m.set(`${a}.embedding_length`, { type: 'u32', value: c.hiddenSize });
  m.set(`${a}.block_count`, { type: 'u32', value: c.numLayers });
  m.set(`${a}.feed_forward_length`, { type: 'u32', value: c.intermediateSize });
  m.set(`${a}.attention.head_count`, { type: 'u32', value: c.numHeads });
  m.set(`${a}.attention.head_count_kv`, { type: 'u32', value: c.numKvHeads });
  m.set(`${a}.attention.key_length`, { type: 'u32', value: c.headDim });
  m.set(`${a}.attention.value_length`, { type: 'u32', value: c.headDim });
  m.set(`${a}.attention.layer_norm_rms_epsilon`, { type: 'f32', value: c.rmsNormEps });
  m.set(`${a}.rope.freq_base`, { type: 'f32', value: c.ropeTheta });
  m.set(`${a}.rope.dimension_count`, { type: 'u32', value: c.headDim });
  if (c.ropeScaling?.type === 'linear') {
    m.set(`${a}.rope.scaling.type`, { type: 'string', value: 'linear' });
    m.set(`${a}.rope.scaling.factor`, { type: 'f32', value: c.ropeScaling.factor });
  }
  return m;
}
