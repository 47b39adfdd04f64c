// The context a model serves, as vLLM derives max_model_len from an HF config: the config's
// max_position_embeddings, times the factor of a linear RoPE scaling (vLLM scales by every
// rope_scaling factor except for llama3/su/longrope, whose max_position_embeddings already is
// the extended length).
import type { ModelConfig } from '@verl-ts/models';

export function modelContextLength(config: Pick<ModelConfig, 'maxPositionEmbeddings' | 'ropeScaling'>): number {
  const s = config.ropeScaling;
  return s?.type === 'linear' ? Math.floor(config.maxPositionEmbeddings * s.factor) : config.maxPositionEmbeddings;
}
