// The trainer's policy (TensorFlow.js) -> a GGUF llama.cpp can load, after each update: the
// weights are saved as an f32 HF checkpoint (f32, so llama.cpp samples from the very weights the
// trainer recomputes log-probs with), the tokenizer files are copied from the folder the model came
// from, and the folder is exported as the first export was (verl's weight sync from the FSDP actor
// to the vLLM rollout workers, through files).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { copyTokenizerFiles, type CausalLM } from '@verl-ts/models';
import { exportGguf } from '../gguf/export-gguf.js';

export interface PolicyExport {
  file: string;
  /** milliseconds writing the safetensors checkpoint and writing the GGUF */
  saveMs: number;
  exportMs: number;
}

/** Writes `policy` to `out` as an f32 GGUF with the tokenizer of `tokenizerDir`. */
export async function exportPolicyGguf(policy: CausalLM, tokenizerDir: string, out: string, scratchRoot: string): Promise<PolicyExport> {
  const dir = await mkdtemp(join(scratchRoot, 'policy-'));
  try {
    const t0 = performance.now();
    await policy.save(dir, { dtype: 'float32' });
    await copyTokenizerFiles(tokenizerDir, dir);
    const t1 = performance.now();
    const { file } = await exportGguf({ modelDir: dir, out, dtype: 'f32' });
    return { file, saveMs: t1 - t0, exportMs: performance.now() - t1 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
