// Public API of @verl-ts/rollout-llamacpp.
export { exportGguf, GGUF_DTYPES, type ExportGgufOptions, type ExportGgufResult, type GgufDtype } from './gguf/export-gguf.js';
export { createLlamaCppEngine, type LlamaCppEngine, type LlamaCppEngineOptions, type SyncTimes, type TextCodec } from './engine/llamacpp-engine.js';
export type { GpuChoice } from './engine/llama-runtime.js';
