import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFitsBackend, estimatedBackendBytes, loadCausalLM, ModelTooLargeError, parameterCount, parseHFConfig } from './index.js';

// Qwen2.5-0.5B-Instruct's config.json (the shape only; no weights are needed for the check).
const QWEN05B = {
  architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', hidden_size: 896, intermediate_size: 4864,
  num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2, vocab_size: 151936,
  max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000, tie_word_embeddings: true, hidden_act: 'silu',
};

describe('memory a model needs on a backend, checked before loading', () => {
  const config = parseHFConfig(QWEN05B);

  it('counts the parameters of Qwen2.5-0.5B as published (494,032,768)', () => {
    expect(parameterCount(config)).toBe(494_032_768);
  });

  it('refuses the 0.5B shape on wasm in one line that names the limit and the alternatives', () => {
    expect(estimatedBackendBytes(config, 'wasm')).toBe(494_032_768 * 12);
    let err: unknown;
    try {
      checkFitsBackend(config, 'wasm');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelTooLargeError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toMatch(/needs ~5\.9 GB on the wasm backend \(494M float32 parameters/);
    expect(msg).toMatch(/WASM can address 4\.3 GB: use --backend cpu \(slow\) or --backend webgpu, or --engine llamacpp/);
  });

  it('lets a ~0.3B model and the other backends through', () => {
    const small = parseHFConfig({ ...QWEN05B, num_hidden_layers: 12, intermediate_size: 2048 });
    expect(parameterCount(small)).toBeLessThan(0.36e9);
    expect(() => checkFitsBackend(small, 'wasm')).not.toThrow();
    for (const b of ['cpu', 'webgpu', 'tensorflow'] as const) expect(() => checkFitsBackend(config, b)).not.toThrow();
  });

  it('loadCausalLM refuses it on wasm before reading any weight (the folder has none)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qwen05b-shape-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(QWEN05B));
    await expect(loadCausalLM(dir, { backend: 'wasm' })).rejects.toThrow(ModelTooLargeError);
  });
});
