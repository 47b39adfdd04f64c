import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFitsBackend, estimatedBackendBytes, loadCausalLM, ModelTooLargeError, parameterCount, parseHFConfig, WASM_HEAP_BYTES } from './index.js';

// Qwen2.5-0.5B-Instruct's config.json (the shape only; no weights are needed for the check).
const QWEN05B = {
  architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', hidden_size: 896, intermediate_size: 4864,
  num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2, vocab_size: 151936,
  max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000, tie_word_embeddings: true, hidden_act: 'silu',
};
// Qwen2.5-Math-1.5B's shape
const QWEN15B = { ...QWEN05B, hidden_size: 1536, intermediate_size: 8960, num_attention_heads: 12, num_hidden_layers: 28, max_position_embeddings: 4096, rope_theta: 10000 };

describe('memory a model needs on a backend, checked before loading', () => {
  const config = parseHFConfig(QWEN05B);

  it('counts the parameters of Qwen2.5-0.5B as published (494,032,768)', () => {
    expect(parameterCount(config)).toBe(494_032_768);
  });

  it('lets the 0.5B shape through on wasm: one copy of each weight and a 25% margin, 2.5 GB of 4.3', () => {
    expect(estimatedBackendBytes(config, 'wasm')).toBe(Math.round(494_032_768 * 4 * 1.25));
    expect(estimatedBackendBytes(config, 'wasm')!).toBeLessThan(WASM_HEAP_BYTES);
    expect(() => checkFitsBackend(config, 'wasm')).not.toThrow();
  });

  it('refuses the 1.5B shape on wasm in one line that names the limit and the alternatives', () => {
    const big = parseHFConfig(QWEN15B);
    expect(parameterCount(big)).toBe(1_543_714_304);
    let err: unknown;
    try {
      checkFitsBackend(big, 'wasm');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelTooLargeError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toMatch(/needs ~7\.7 GB on the wasm backend \(1544M float32 parameters/);
    expect(msg).toMatch(/WASM can address 4\.3 GB: use --backend cpu \(slow\) or --backend webgpu, or --engine llamacpp/);
    for (const b of ['cpu', 'webgpu', 'tensorflow'] as const) expect(() => checkFitsBackend(big, b)).not.toThrow();
  });

  it('loadCausalLM refuses the 1.5B shape on wasm before reading any weight (the folder has none)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qwen15b-shape-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(QWEN15B));
    await expect(loadCausalLM(dir, { backend: 'wasm' })).rejects.toThrow(ModelTooLargeError);
  });
});
