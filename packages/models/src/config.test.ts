import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHFConfig, toHFConfig } from './index.js';
import { ropeInvFreq } from './layers/rope.js';
import { fixtureDir } from './test-utils/reference.js';

const qwen = JSON.parse(readFileSync(`${fixtureDir('qwen2-tiny')}/config.json`, 'utf8'));
const llama = JSON.parse(readFileSync(`${fixtureDir('llama-tiny')}/config.json`, 'utf8'));

describe('parseHFConfig', () => {
  it('reads transformers 5 configs with rope_parameters', () => {
    expect(parseHFConfig(qwen)).toEqual({
      architecture: 'qwen2', vocabSize: 320, hiddenSize: 64, intermediateSize: 160, numLayers: 2, numHeads: 4, numKvHeads: 2,
      headDim: 16, rmsNormEps: 1e-6, ropeTheta: 1e6, tieWordEmbeddings: true, attentionBias: true, outputBias: false, mlpBias: false,
      maxPositionEmbeddings: 256, bosTokenId: 1, eosTokenId: 2,
    });
    const l = parseHFConfig(llama);
    expect(l).toMatchObject({ architecture: 'llama', headDim: 8, numHeads: 8, numKvHeads: 4, ropeTheta: 10000, tieWordEmbeddings: false, attentionBias: false });
    expect(l.ropeScaling).toBeUndefined();
  });

  it('reads legacy top-level rope_theta and Llama 3.x rope_scaling (Llama-3.2-3B-Instruct config)', () => {
    const legacy = { ...qwen, rope_theta: 5e5 };
    delete legacy.rope_parameters;
    expect(parseHFConfig(legacy).ropeTheta).toBe(5e5);
    const llama32 = {
      architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 128256, hidden_size: 3072, intermediate_size: 8192,
      num_hidden_layers: 28, num_attention_heads: 24, num_key_value_heads: 8, head_dim: 128, rms_norm_eps: 1e-5,
      rope_theta: 500000.0, max_position_embeddings: 131072, tie_word_embeddings: true, attention_bias: false, mlp_bias: false,
      rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
      bos_token_id: 128000, eos_token_id: [128001, 128008, 128009],
    };
    const c = parseHFConfig(llama32);
    expect(c.ropeScaling).toEqual({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
    expect(c.eosTokenId).toEqual([128001, 128008, 128009]);
    // transformers 5 spelling of the same thing
    const v5 = { ...llama32, rope_parameters: { rope_theta: 500000.0, ...llama32.rope_scaling } } as Record<string, unknown>;
    delete v5.rope_theta;
    delete v5.rope_scaling;
    expect(parseHFConfig(v5)).toEqual(c);
  });

  it('reads Mistral with and without a sliding window', () => {
    const m = parseHFConfig({ ...llama, model_type: 'mistral', architectures: ['MistralForCausalLM'], sliding_window: 4096 });
    expect(m.architecture).toBe('mistral');
    expect(m.slidingWindow).toBe(4096);
    expect(parseHFConfig({ ...llama, model_type: 'mistral', sliding_window: null }).slidingWindow).toBeUndefined();
  });

  it('reads Qwen2 sliding windows per layer (max_window_layers or layer_types) and rejects other activations', () => {
    const q = parseHFConfig({ ...qwen, use_sliding_window: true, sliding_window: 8, max_window_layers: 1, layer_types: undefined });
    expect(q.slidingWindow).toBe(8);
    expect(q.slidingLayers).toEqual([1]);
    const typed = parseHFConfig({ ...qwen, use_sliding_window: true, sliding_window: 8, layer_types: ['full_attention', 'sliding_attention'] });
    expect(typed.slidingLayers).toEqual([1]);
    expect(parseHFConfig(toHFConfig(typed))).toEqual(typed);
    // no layer at or past max_window_layers: no sliding at all
    expect(parseHFConfig({ ...qwen, use_sliding_window: true, sliding_window: 8, max_window_layers: 28, layer_types: undefined }).slidingWindow).toBeUndefined();
    expect(parseHFConfig({ ...qwen, sliding_window: 8 }).slidingWindow).toBeUndefined(); // use_sliding_window false
    expect(() => parseHFConfig({ ...qwen, use_sliding_window: true, sliding_window: 8, layer_types: ['full_attention'] })).toThrow(/layer_types has 1 entries for 2 layers/);
    expect(() => parseHFConfig({ ...llama, hidden_act: 'gelu' })).toThrow(/unsupported hidden_act 'gelu'/);
  });

  it('round-trips through toHFConfig', () => {
    for (const raw of [qwen, llama]) {
      const c = parseHFConfig(raw);
      expect(parseHFConfig(toHFConfig(c))).toEqual(c);
    }
  });

  it('names the problem in bad configs', () => {
    expect(() => parseHFConfig({ ...qwen, model_type: 'bert', architectures: ['BertModel'] })).toThrow(/unknown architecture \(model_type 'bert'/);
    expect(() => parseHFConfig({ ...qwen, hidden_size: undefined })).toThrow(/missing required field 'hidden_size'/);
    expect(() => parseHFConfig({ ...qwen, num_key_value_heads: 3 })).toThrow(/multiple of num_key_value_heads/);
    expect(() => parseHFConfig({ ...qwen, vocab_size: 'many' })).toThrow(/'vocab_size' must be a number/);
    expect(() => parseHFConfig({ ...qwen, rope_parameters: { rope_type: 'yarn', factor: 4, rope_theta: 1e6 } })).toThrow(/unsupported rope scaling type 'yarn'/);
  });
});

describe('RoPE inverse frequencies', () => {
  it('llama3 scaling matches the transformers numerical snapshot (tests/utils/test_modeling_rope_utils.py)', () => {
    // EXPECTED_INV_FREQ of test_llama3_rope_numerically: head_dim 128, theta 1e4, factor 10,
    // original_max_position_embeddings 2048, low_freq_factor 1, high_freq_factor 4 (printed to 5 significant digits)
    const expected = [
      1.0, 8.6596e-1, 7.4989e-1, 6.4938e-1, 5.6234e-1, 4.8697e-1, 4.217e-1, 3.6517e-1, 3.1623e-1, 2.7384e-1, 2.3714e-1, 2.0535e-1,
      1.7783e-1, 1.5399e-1, 1.3335e-1, 1.1548e-1, 1.0e-1, 8.6596e-2, 7.4989e-2, 6.4938e-2, 5.6234e-2, 4.8697e-2, 4.217e-2, 3.6517e-2,
      3.1623e-2, 2.7384e-2, 2.3714e-2, 2.0535e-2, 1.7783e-2, 1.5399e-2, 1.3335e-2, 1.073e-2, 7.7785e-3, 5.6009e-3, 3.9991e-3, 2.8248e-3,
      1.9675e-3, 1.3449e-3, 8.9549e-4, 5.7363e-4, 3.4539e-4, 2.7384e-4, 2.3714e-4, 2.0535e-4, 1.7783e-4, 1.5399e-4, 1.3335e-4, 1.1548e-4,
      1.0e-4, 8.6596e-5, 7.4989e-5, 6.4938e-5, 5.6234e-5, 4.8697e-5, 4.217e-5, 3.6517e-5, 3.1623e-5, 2.7384e-5, 2.3714e-5, 2.0535e-5,
      1.7783e-5, 1.5399e-5, 1.3335e-5, 1.1548e-5,
    ];
    const inv = ropeInvFreq({
      headDim: 128,
      ropeTheta: 10000,
      ropeScaling: { type: 'llama3', factor: 10, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 2048 },
    });
    expect(inv.length).toBe(64);
    for (let i = 0; i < 64; i++) expect(Math.abs(inv[i] - expected[i]) / expected[i]).toBeLessThan(1e-4);
  });

  it('linear scaling divides every frequency by the factor', () => {
    const base = ropeInvFreq({ headDim: 16, ropeTheta: 1e4 });
    const lin = ropeInvFreq({ headDim: 16, ropeTheta: 1e4, ropeScaling: { type: 'linear', factor: 4 } });
    for (let i = 0; i < 8; i++) expect(lin[i]).toBeCloseTo(base[i] / 4, 7);
  });
});
