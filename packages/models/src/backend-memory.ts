// Does a model fit the backend it is about to be loaded on? Checked from config.json alone,
// before any weight is read, so a model that cannot work is refused in one line instead of
// aborting the WASM runtime halfway ("Aborted()", "memory access out of bounds").
//
// WASM addresses 4 GiB in all (a 32-bit heap). While a model generates, each float32 weight
// lives there about three times: the weight, the transposed copy the decoder keeps for
// inference (decoder.ts, weightT) and the packed copy tfjs-wasm's matMul keeps. Measured:
// Qwen2.5-0.5B (494M parameters, 1.98 GB of weights) aborts on its first forward pass; ~0.3B
// models run. The other backends have no such ceiling (cpu: the process's memory; webgpu: the
// card's), so only WASM is checked.
import type { Backend } from './backend.js';
import type { ModelConfig } from './config.js';
import { weightSpecs } from './weights.js';

export const WASM_HEAP_BYTES = 4 * 1024 ** 3;
/** Copies of each float32 weight alive in the WASM heap while generating (see above). */
export const WASM_WEIGHT_COPIES = 3;

/** The model is too large for the chosen backend. */
export class ModelTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelTooLargeError';
  }
}

/** Number of parameters of a model with this config (the HF checkpoint's tensors). */
export function parameterCount(config: ModelConfig): number {
  let n = 0;
  for (const s of weightSpecs(config)) n += s.shape.reduce((a, c) => a * c, 1);
  return n;
}

/** Bytes the model needs on `backend` to generate, or null when the backend sets no fixed ceiling. */
export function estimatedBackendBytes(config: ModelConfig, backend: Backend): number | null {
  return backend === 'wasm' ? parameterCount(config) * 4 * WASM_WEIGHT_COPIES : null;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Throws ModelTooLargeError when the model cannot run on `backend`, naming the limit and the alternatives. */
export function checkFitsBackend(config: ModelConfig, backend: Backend): void {
  const need = estimatedBackendBytes(config, backend);
  if (need === null || need <= WASM_HEAP_BYTES) return;
  const params = parameterCount(config);
  throw new ModelTooLargeError(
    `this model needs ~${gb(need)} on the wasm backend (${(params / 1e6).toFixed(0)}M float32 parameters, about ` +
      `${WASM_WEIGHT_COPIES} copies of each weight while generating) and WASM can address ${gb(WASM_HEAP_BYTES)}: ` +
      `use --backend cpu (slow) or --backend webgpu, or --engine llamacpp for generation`,
  );
}
