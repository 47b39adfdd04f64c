import { describe, expect, it } from 'vitest';
import { parseHFConfig } from '@verl-ts/models';
import { ggufTensorName, ggufTensorType, ggufTensorValues, llama3RopeFactors, modelMetadata, permuteForLlamaRope } from './hf-to-gguf.js';
import { preTokenizerName } from './tokenizer-metadata.js';
import { encodeGgufHeader, tensorBytes } from './gguf-writer.js';

const llama31 = parseHFConfig({
  architectures: ['LlamaForCausalLM'],
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  vocab_size: 128256,
  rope_theta: 500000,
  rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
  max_position_embeddings: 131072,
});

describe('HF -> GGUF mapping', () => {
  it('names tensors as llama.cpp does', () => {
    expect(ggufTensorName('model.embed_tokens.weight')).toBe('token_embd.weight');
    expect(ggufTensorName('model.layers.17.self_attn.k_proj.bias')).toBe('blk.17.attn_k.bias');
    expect(ggufTensorName('model.layers.0.mlp.down_proj.weight')).toBe('blk.0.ffn_down.weight');
    expect(ggufTensorName('lm_head.weight')).toBe('output.weight');
    expect(() => ggufTensorName('model.layers.0.self_attn.rotary_emb.inv_freq')).toThrow(/no GGUF name/);
  });

  it("permutes q/k rows per head from HF's half-split RoPE layout to adjacent pairs", () => {
    // 2 heads of dim 4, rows of length 3: row r holds r*10 + column
    const rows = 8, len = 3;
    const w = Float32Array.from({ length: rows * len }, (_, i) => Math.floor(i / len) * 10 + (i % len));
    const p = permuteForLlamaRope(w, 2, len);
    const rowOrder = Array.from({ length: rows }, (_, r) => p[r * len] / 10);
    // head 0: HF rows (0,2) form pair 0 and (1,3) pair 1; head 1 likewise from row 4
    expect(rowOrder).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
    expect(Array.from(p.subarray(3, 6))).toEqual([20, 21, 22]);
    // biases are permuted like one-column weights; Qwen2 (NeoX RoPE) keeps the HF layout
    const bias = Float32Array.from([0, 1, 2, 3]);
    const llama = parseHFConfig({ architectures: ['LlamaForCausalLM'], hidden_size: 4, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 8, attention_bias: true });
    expect(Array.from(ggufTensorValues('model.layers.0.self_attn.q_proj.bias', bias, llama))).toEqual([0, 2, 1, 3]);
    expect(Array.from(ggufTensorValues('model.layers.0.self_attn.v_proj.bias', bias, llama))).toEqual([0, 1, 2, 3]);
    const qwen = parseHFConfig({ architectures: ['Qwen2ForCausalLM'], hidden_size: 4, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 8 });
    expect(ggufTensorValues('model.layers.0.self_attn.q_proj.bias', bias, qwen)).toBe(bias);
  });

  it('turns Llama 3 RoPE scaling into per-frequency factors (transformers _compute_llama3_parameters)', () => {
    const f = llama3RopeFactors(llama31)!;
    expect(f.length).toBe(64);
    expect(Array.from(f.subarray(0, 29)).every((v) => v === 1)).toBe(true);
    // the smooth band, values from the same formula evaluated in float64
    expect(f[29]).toBeCloseTo(1.207483871283662, 6);
    expect(f[30]).toBeCloseTo(1.5534146285049255, 6);
    expect(f[31]).toBeCloseTo(2.0263132059050557, 6);
    expect(Array.from(f.subarray(35)).every((v) => v === 8)).toBe(true);
    const m = modelMetadata(llama31, 'llama-3.1-8b', 'F16');
    expect(m.get('llama.rope.freq_base')).toEqual({ type: 'f32', value: 500000 });
    expect(m.get('llama.rope.scaling.type')).toBeUndefined();
    expect(m.get('general.file_type')).toEqual({ type: 'u32', value: 1 });
    const linear = parseHFConfig({ ...JSON.parse(JSON.stringify({ architectures: ['MistralForCausalLM'], hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 8 })), rope_scaling: { type: 'linear', factor: 4 } });
    const lm = modelMetadata(linear, 'm', 'F32');
    expect(lm.get('general.architecture')).toEqual({ type: 'string', value: 'llama' });
    expect(lm.get('llama.rope.scaling.type')).toEqual({ type: 'string', value: 'linear' });
    expect(lm.get('llama.rope.scaling.factor')).toEqual({ type: 'f32', value: 4 });
    expect(llama3RopeFactors(linear)).toBeUndefined();
  });

  it('recognises the pre-tokenizer family from the HF regex', () => {
    const split = (pattern: string) => ({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated' }, { type: 'ByteLevel', use_regex: false }] } });
    const qwen = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    const llama3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    expect(preTokenizerName(split(qwen))).toBe('qwen2');
    expect(preTokenizerName(split(llama3))).toBe('llama-bpe');
    expect(preTokenizerName({ pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } })).toBe('gpt-2');
    expect(preTokenizerName({ pre_tokenizer: null })).toBe('default');
  });
});

describe('GGUF header encoding', () => {
  it('lays out magic, version, counts and aligned tensor offsets', () => {
    const meta = new Map([['general.architecture', { type: 'string' as const, value: 'llama' }]]);
    const { header, offsets } = encodeGgufHeader(meta, [
      { name: 'a', shape: [3], type: 'F32' },
      { name: 'b', shape: [2, 5], type: 'F16' },
      { name: 'c', shape: [1], type: 'F32' },
    ]);
    expect(header.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect([header.readUInt32LE(4), Number(header.readBigUInt64LE(8)), Number(header.readBigUInt64LE(16))]).toEqual([3, 3, 1]);
    expect(header.length % 32).toBe(0);
    // 12 bytes -> next at 32; 20 bytes -> next at 64
    expect(offsets).toEqual([0, 32, 64]);
    expect(() => encodeGgufHeader(meta, [{ name: 'a', shape: [1], type: 'F32' }, { name: 'a', shape: [1], type: 'F32' }])).toThrow(/duplicate/);
  });

  it('sizes Q8_0 tensors in 34-byte blocks of 32 row values, with type id 8', () => {
    const meta = new Map([['general.architecture', { type: 'string' as const, value: 'llama' }]]);
    // [3, 64]: 6 blocks = 204 bytes -> next at 224; [1, 32]: 34 bytes, 224 + 34 = 258 -> next at 288
    const tensors = [
      { name: 'a', shape: [3, 64], type: 'Q8_0' as const },
      { name: 'b', shape: [1, 32], type: 'Q8_0' as const },
      { name: 'c', shape: [4], type: 'F32' as const },
    ];
    expect(tensors.map(tensorBytes)).toEqual([204, 34, 16]);
    const { header, offsets } = encodeGgufHeader(meta, tensors);
    expect(offsets).toEqual([0, 224, 288]);
    // tensor a's info: name (u64 length + 'a'), n_dims 2, dims innermost first, type, offset
    const at = header.indexOf(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0x61]));
    expect(header.readUInt32LE(at + 9)).toBe(2);
    expect([Number(header.readBigUInt64LE(at + 13)), Number(header.readBigUInt64LE(at + 21))]).toEqual([64, 3]);
    expect(header.readUInt32LE(at + 29)).toBe(8);
    // a row that is not whole blocks has no Q8_0 size; the exporter stores such matrices as f16
    expect(() => tensorBytes({ shape: [2, 48], type: 'Q8_0' })).toThrow(/whole blocks of 32/);
    expect([ggufTensorType([2, 48], 'Q8_0'), ggufTensorType([2, 64], 'Q8_0'), ggufTensorType([64], 'Q8_0')]).toEqual(['F16', 'Q8_0', 'F32']);
  });
});

describe('tensor encoding', () => {
  it('f16 rounds to nearest even like the models package (torch .half()), including subnormals, overflow and NaN', async () => {
    const { encodeFromF32 } = await import('@verl-ts/models');
    const { encodeTensor } = await import('./encode.js');
    const values = Float32Array.from([0, -0, 1, -2.5, 1 / 3, 65504, 65520, 1e6, 6e-8, 3e-5, 1e-9, NaN, -Infinity, 0.1, 2049, 2051]);
    const rand = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 14) - 8));
    for (const v of [values, rand]) expect(Buffer.from(encodeTensor(v, 'F16')).equals(Buffer.from(encodeFromF32(v, 'F16')))).toBe(true);
    expect(Buffer.from(encodeTensor(rand, 'F32')).equals(Buffer.from(encodeFromF32(rand, 'F32')))).toBe(true);
  });
});
