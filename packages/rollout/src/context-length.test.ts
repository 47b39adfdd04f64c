import { describe, expect, it } from 'vitest';
import { modelContextLength } from './context-length.js';

describe('modelContextLength (vLLM max_model_len from the config)', () => {
  it('is max_position_embeddings, scaled by a linear RoPE factor, not by llama3 scaling', () => {
    expect(modelContextLength({ maxPositionEmbeddings: 4096 })).toBe(4096);
    expect(modelContextLength({ maxPositionEmbeddings: 4096, ropeScaling: { type: 'linear', factor: 2.5 } })).toBe(10240);
    const llama3 = { type: 'llama3' as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };
    expect(modelContextLength({ maxPositionEmbeddings: 131072, ropeScaling: llama3 })).toBe(131072);
  });
});
