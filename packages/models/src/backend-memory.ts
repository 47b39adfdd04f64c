// Does a model fit the backend it is about to be loaded on? Checked from config.json alone,
// before any weight is read, so a model that cannot work is refused in one line instead of
// aborting the WASM runtime halfway ("Aborted()", "memory access out of bounds").
//
// WASM addresses 4 GiB in all (a 32-bit heap). Each float32 weight lives there once: the decoder
// multiplies with the variable itself, and on wasm puts it on the left of the product so that
// XNNPACK's packed copy is of the activations, freed with them (layers/linear.ts). Before issue 19
// it lived there three times (the weight, a transposed inference copy, XNNPACK's packed copy of
// that) and Qwen2.5-0.5B (494M parameters, 1.98 GB) aborted on its first forward pass. To generate,
// the weights need a working margin on top (activations, KV cache, logits of the last position,
// and the heap's fragmentation: it never shrinks): WASM_WORKING_MARGIN of the weights' bytes,
// measured with the Qwen2.5-0.5B shape (trainer README, memory benchmark). Training needs more
// (gradients and AdamW's two moments: four copies and the activations), which the trainer's
// memory benchmark records per backend. The other backends have no such ceiling (cpu: the
// process's memory; webgpu: the card's), so only WASM is checked.
import type { Backend } from './backend.js';
import type { ModelConfig } from './config.js';
import { weightSpecs } from './weights.js';

export const WASM_HEAP_BYTES = 4 * 1024 ** 3;
/** Copies of each float32 weight alive in the WASM heap while generating (see above). */
export const WASM_WEIGHT_COPIES = 1;
/** Working memory for generation on top of the weights, as a fraction of the weights' bytes. */
export const WASM_WORKING_MARGIN = 0.25;

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
  return backend === 'wasm' ? Math.round(parameterCount(config) * 4 * (WASM_WEIGHT_COPIES + WASM_WORKING_MARGIN)) : null;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Throws ModelTooLargeError when the model cannot run on `backend`, naming the limit and the alternatives. */
export function checkFitsBackend(config: ModelConfig, backend: Backend): void {
  const need = estimatedBackendBytes(config, backend);
  if (need === null || need <= WASM_HEAP_BYTES) return;
  const params = parameterCount(config);
  throw new ModelTooLargeError(
    `this model needs ~${gb(need)} on the wasm backend (${(params / 1e6).toFixed(0)}M float32 parameters, about ` +
      `one copy of each weight and a ${WASM_WORKING_MARGIN * 100}% working margin to generate) and WASM can address ${gb(WASM_HEAP_BYTES)}: ` +
      `use --backend cpu (slow) or --backend webgpu, or --engine llamacpp for generation`,
  );
}
