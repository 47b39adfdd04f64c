// Public API of @verl-ts/models.
export { initBackend, activeBackend, BACKENDS, type Backend } from './backend.js';
export { parseHFConfig, readHFConfig, toHFConfig, type ModelConfig, type RopeScaling, type Architecture } from './config.js';
export { loadCausalLM, createCausalLM, type CausalLM, type SaveOptions, type SaveDtype } from './causal-lm.js';
export type { ForwardBatch, ForwardOptions, ForwardOutput } from './decoder.js';
export type { KVCache } from './kv-cache.js';
export type { ValueAndGrads } from './layerwise-grads.js';
export { adamWUpdateVariable, type AdamWHyper } from './fused-adamw.js';
export type { TokenScoreOptions, TokenScores } from './token-scores.js';
export type { HeadScores, ScoredLossOptions } from './head-scores.js';
export { CHUNK_LOGIT_BYTES } from './chunked-scores.js';
export { positionsFromMask } from './masks.js';
export { readSafetensorsHeader, writeSafetensors, encodeFromF32, f16BitsFromF32Bits, f16ToF32, type SafetensorsDtype } from './safetensors.js';
export { weightSpecs, loadWeights, type WeightSpec } from './weights.js';
export { loadTokenizer, copyTokenizerFiles, TOKENIZER_FILES, type Tokenizer, type LoadedTokenizer } from './tokenizer/tokenizer.js';
export { writeCharTokenizer, charTokenizerJson, CHAR_SPECIAL_TOKENS } from './tokenizer/char-tokenizer.js';
export { ChatTemplate, type ChatMessage } from './tokenizer/chat-template.js';
export { checkFitsBackend, estimatedBackendBytes, parameterCount, ModelTooLargeError, WASM_HEAP_BYTES, WASM_WEIGHT_COPIES, WASM_WORKING_MARGIN } from './backend-memory.js';
