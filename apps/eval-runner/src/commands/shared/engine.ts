// Opens a generation engine for eval/serve: a local model folder (TensorFlow.js) or a remote
// OpenAI-compatible server. Heavy packages are imported here, lazily, not at CLI start.
import { UsageError } from '../../cli/args.js';
import { networkCause } from '../../cli/error-message.js';
import type { EvalEngine } from '../../eval/run-eval.js';
import { prepareBackend, type BackendName } from '../../runtime/prepare.js';

export interface OpenedEngine {
  engine: EvalEngine;
  /** Model name for summaries (folder name or the server's model id). */
  name: string;
  /** The loaded model and tokenizer when the engine is local (for the probe). */
  local?: Awaited<ReturnType<typeof openLocalModel>>;
  close(): Promise<void>;
}

export type { BackendName };

export function parseBackend(v: string | undefined): BackendName | undefined {
  if (v === undefined) return undefined;
  if (v === 'webgpu' || v === 'tensorflow' || v === 'wasm' || v === 'cpu') return v;
  throw new UsageError(`--backend must be one of webgpu, tensorflow, wasm, cpu; got '${v}'`);
}

/** Loads model + tokenizer from an HF-layout folder and wraps them in rollout's local engine. */
export async function openLocalModel(dir: string, opts: { backend?: BackendName; batchSize?: number } = {}) {
  const models = await import('@verl-ts/models');
  const rollout = await import('@verl-ts/rollout');
  await prepareBackend(opts.backend);
  const model = await models.loadCausalLM(dir, { backend: opts.backend });
  const tokenizer = await models.loadTokenizer(dir);
  const engine = rollout.createLocalEngine(model, tokenizer, opts.batchSize ? { batchSize: opts.batchSize } : undefined);
  return { model, tokenizer, engine };
}

export type EngineName = 'tfjs' | 'llamacpp';

export function parseEngine(v: string | undefined): EngineName {
  if (v === undefined || v === 'tfjs' || v === 'llamacpp') return v ?? 'tfjs';
  throw new UsageError(`--engine must be tfjs or llamacpp; got '${v}'`);
}

/**
 * A model for llama.cpp (@verl-ts/rollout-llamacpp): a .gguf file as is, or an HF-layout folder
 * exported to a temporary GGUF (f32, removed by dispose) and paired with the folder's own
 * tokenizer, so prompts are tokenized exactly as with the TensorFlow.js engine.
 */
export async function openLlamaCppModel(path: string, opts: { parallel?: number; threads?: number } = {}) {
  const { createLlamaCppEngine, exportGguf } = await import('@verl-ts/rollout-llamacpp');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  if (path.endsWith('.gguf')) {
    const engine = await createLlamaCppEngine({ modelPath: path, parallel: opts.parallel, threads: opts.threads });
    return { engine, tokenizer: undefined, config: undefined, dispose: async () => undefined };
  }
  const models = await import('@verl-ts/models');
  const { config } = await models.readHFConfig(path);
  const tokenizer = await models.loadTokenizer(path);
  const tmp = await mkdtemp(join(tmpdir(), 'verl-gguf-'));
  try {
    const { file } = await exportGguf({ modelDir: path, out: join(tmp, 'model.gguf') });
    const engine = await createLlamaCppEngine({ modelPath: file, parallel: opts.parallel, threads: opts.threads, tokenizer });
    return { engine, tokenizer, config, dispose: async () => { tokenizer.close(); await rm(tmp, { recursive: true, force: true }); } };
  } catch (e) {
    tokenizer.close();
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The first model id a server lists at /v1/models. */
export async function firstServedModel(baseUrl: string): Promise<string> {
  const url = `${baseUrl.replace(/\/+$/, '')}/v1/models`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    // undici says only "fetch failed"; the reason is in e.cause (issue 13 point 8)
    throw new Error(`cannot reach the --remote server: GET ${url}: ${networkCause(e) ?? (e as Error).message}`);
  }
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200).replace(/\s+/g, ' ')}`.trimEnd());
  let body: { data?: { id?: string }[] };
  try {
    body = (await res.json()) as { data?: { id?: string }[] };
  } catch {
    throw new Error(`GET ${url}: the answer is not JSON (is --remote an OpenAI-compatible server?)`);
  }
  const id = body.data?.[0]?.id;
  if (!id) throw new Error(`GET ${url}: no model listed`);
  return id;
}

/** The model of the first of several servers that answers; the others' failures are warnings. */
async function firstModelOfAny(baseUrls: string[], warn: (message: string) => void): Promise<string> {
  for (const [i, url] of baseUrls.entries()) {
    try {
      return await firstServedModel(url);
    } catch (e) {
      if (i === baseUrls.length - 1) throw e;
      warn(`${(e as Error).message}; trying the next --remote server`);
    }
  }
  throw new UsageError('--remote needs a URL');
}

export async function openEngine(opts: {
  model?: string; remote?: string; remoteModel?: string; apiKey?: string; concurrency?: number; backend?: BackendName; batchSize?: number;
  /** 'llamacpp': generate with llama.cpp (--model is then a folder or a .gguf file) */
  engine?: EngineName;
  /** llama.cpp: responses decoded at once (default 8) */
  parallel?: number;
  /** llama.cpp: CPU threads (default: the cores other processes leave free, see defaultThreads) */
  threads?: number;
  /** Warnings about --remote servers that do not answer (default console.warn). */
  warn?: (message: string) => void;
}): Promise<OpenedEngine> {
  if (opts.model && opts.remote) throw new UsageError('give either --model DIR or --remote URL, not both');
  if (opts.remote) {
    const rollout = await import('@verl-ts/rollout');
    // several servers: comma-separated; requests go to the least busy, a dead one is skipped
    const baseUrls = rollout.parseServerList(opts.remote).map((u) => u.replace(/\/+$/, '').replace(/\/v1$/, ''));
    if (baseUrls.length === 0) throw new UsageError('--remote needs a URL (several: comma-separated)');
    const warn = opts.warn ?? ((m: string) => console.warn(m));
    const name = opts.remoteModel ?? (await firstModelOfAny(baseUrls, warn));
    const engine = rollout.createRemoteEngine({
      baseUrl: baseUrls, model: name, apiKey: opts.apiKey ?? process.env.OPENAI_API_KEY, concurrency: opts.concurrency, warn,
    });
    return { engine: engine as EvalEngine, name, close: async () => engine.close?.() };
  }
  if (opts.model && opts.engine === 'llamacpp') {
    const ll = await openLlamaCppModel(opts.model, { parallel: opts.parallel, threads: opts.threads });
    const { basename, resolve } = await import('node:path');
    return {
      engine: ll.engine as EvalEngine,
      name: basename(resolve(opts.model)).replace(/\.gguf$/, ''),
      close: async () => {
        await ll.engine.close();
        await ll.dispose();
      },
    };
  }
  if (opts.model) {
    const local = await openLocalModel(opts.model, opts);
    const { model, engine } = local;
    const { basename, resolve } = await import('node:path');
    return {
      engine: engine as EvalEngine,
      name: basename(resolve(opts.model)),
      local,
      close: async () => {
        await engine.close?.();
        model.dispose();
      },
    };
  }
  throw new UsageError('give --model DIR (a local HF-layout folder) or --remote URL (an OpenAI-compatible server)');
}
