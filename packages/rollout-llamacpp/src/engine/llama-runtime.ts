// Loading llama.cpp through node-llama-cpp: its prebuilt binaries only (never a source build at
// run time), GPU offload when a CUDA/Vulkan/Metal device works, else the CPU build.
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';

export type GpuChoice = 'auto' | false | 'cuda' | 'vulkan' | 'metal';

const runtimes = new Map<string, Promise<Llama>>();

/** One llama.cpp runtime per GPU choice for the whole process (loading a binding is expensive). */
export function llamaRuntime(gpu: GpuChoice = 'auto'): Promise<Llama> {
  const key = String(gpu);
  let r = runtimes.get(key);
  if (!r) {
    r = withoutInputType(() => getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false }));
    // a failed load must not be cached: the next call may run with another GPU choice
    r.catch(() => runtimes.delete(key));
    runtimes.set(key, r);
  }
  return r;
}

/**
 * node-llama-cpp tests each prebuilt binary in a forked child, which inherits process.execArgv.
 * Under `node --input-type=module -e '...'` (how a README example is often run) that flag makes the
 * child exit at once, so no binary would load: it is left out of execArgv while the binding loads.
 */
async function withoutInputType<T>(fn: () => Promise<T>): Promise<T> {
  const saved = [...process.execArgv];
  const kept = saved.filter((a, i) => !a.startsWith('--input-type') && saved[i - 1] !== '--input-type');
  if (kept.length === saved.length) return fn();
  process.execArgv.splice(0, process.execArgv.length, ...kept);
  try {
    return await fn();
  } finally {
    process.execArgv.splice(0, process.execArgv.length, ...saved);
  }
}

/** The model's vocabulary size, from the GGUF metadata (`<arch>.vocab_size`, else the token list). */
export function vocabularySize(model: LlamaModel): number {
  const meta = model.fileInfo.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const arch = String((meta.general as Record<string, unknown> | undefined)?.architecture ?? '');
  const fromArch = meta[arch]?.vocab_size;
  if (typeof fromArch === 'number') return fromArch;
  const tokens = ((meta.tokenizer as Record<string, unknown> | undefined)?.ggml as Record<string, unknown> | undefined)?.tokens;
  if (Array.isArray(tokens)) return tokens.length;
  throw new Error(`${model.filename ?? 'model'}: the GGUF states no vocabulary size`);
}
