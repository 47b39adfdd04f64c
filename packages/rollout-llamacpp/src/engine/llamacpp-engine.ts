// A RolloutEngine on llama.cpp. Each response runs on its own context sequence; node-llama-cpp
// evaluates the pending tokens of all sequences in one llama.cpp batch, so n × prompts responses
// decode together (up to `parallel` at a time).
//
// Three ways to pick the next token (see samplingRoute):
// - greedy: llama.cpp picks the argmax and reports its probability; no distribution is copied.
// - llama.cpp's sampler chain (top-k → top-p → temperature → dist, seeded from the response's
//   generator stream), when the caller asks for processed log-probs and that chain draws from the
//   same distribution as ours. Its top-k and top-p act on a candidate subset found by partial
//   selection in C++ (llama.cpp src/llama-sampling.cpp, llama_sampler_top_k / top_p), so nothing
//   of vocabulary size crosses into JavaScript; it reports the probability of the drawn token under
//   the distribution it drew from, which is the processed log-prob.
// - exact: llama.cpp hands back the full next-token distribution (softmax of the raw logits) and
//   @verl-ts/rollout's sampleToken draws from it with the same generator streams as the local
//   engine, which is what lets the engine report the raw log-prob of every sampled token (the
//   number the trainer's own forward pass computes) and draw the local engine's tokens for a seed.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlledEvaluateInputItem, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import {
  arePromptIds,
  checkPromptIds,
  checkPromptSeeds,
  findStop,
  normalizeGenerateOptions,
  resumeSearchAt,
  Rng,
  sampleToken,
  type FinishReason,
  type GenerateOptions,
  type NormalizedOptions,
  type Rollout,
  type RolloutEngine,
  type SamplingParams,
} from '@verl-ts/rollout';
import type { CausalLM } from '@verl-ts/models';
import { llamaRuntime, vocabularySize, type GpuChoice } from './llama-runtime.js';
import { exportPolicyGguf } from './policy-sync.js';
import { generateNextFor, samplingRoute, type SamplingRoute } from './sampling-route.js';

/** What the engine needs of a tokenizer (the models package's Tokenizer fits). */
export interface TextCodec {
  encode(text: string): number[];
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
}

export interface LlamaCppEngineOptions {
  /** a GGUF file (see exportGguf) */
  modelPath: string;
  /** 'auto' (default): offload every layer to a GPU when llama.cpp finds one; false: CPU only */
  gpu?: GpuChoice;
  /** CPU threads; default the available cores not already busy (see defaultThreads) */
  threads?: number;
  /** responses decoded at once (context sequences). Default 8. */
  parallel?: number;
  /** KV cache precision. Default 'f32' (log-probs within ~1e-5 of an f32 reference); 'f16' halves its memory. */
  kvCache?: 'f32' | 'f16';
  /** encode string prompts and decode responses with this tokenizer instead of llama.cpp's */
  tokenizer?: TextCodec;
  /** seeds calls that pass no `seed`; default a random seed */
  rng?: Rng;
  /**
   * The HF folder the GGUF was exported from: syncWeights takes the tokenizer files from it.
   * Needed only for syncWeights.
   */
  hfDir?: string;
}

/** Time spent by the last syncWeights, in milliseconds. */
export interface SyncTimes {
  save: number;
  export: number;
  load: number;
  total: number;
}

export interface LlamaCppEngine extends RolloutEngine {
  readonly model: LlamaModel;
  readonly vocabSize: number;
  /** where llama.cpp runs: 'cpu', or the GPU backend ('cuda', 'vulkan', 'metal') */
  readonly device: string;
  readonly rng: Rng;
  /**
   * log p(ids[t+1] | ids[..t]) for every position, as full rows: row t holds the log-probabilities
   * of every vocabulary token at position t (teacher forcing; the same numbers sampling uses).
   */
  logprobRows(ids: number[]): Promise<Float32Array[]>;
  generate(prompts: number[][] | string[], opts: GenerateOptions): Promise<Rollout[]>;
  /**
   * Loads `policy`'s current weights (the trainer calls it after each update): they are exported
   * to an f32 GGUF in a temporary folder and the model is reloaded; waits for running calls.
   * Needs `hfDir` (for the tokenizer files). The same architecture and vocabulary are expected.
   */
  syncWeights(policy: CausalLM): Promise<void>;
  /** what the last syncWeights cost */
  readonly lastSync: SyncTimes | undefined;
  close(): Promise<void>;
}

interface Work {
  index: number;
  promptIndex: number;
  sampleIndex: number;
  promptIds: number[];
  rng: Rng;
}

/**
 * llama.cpp's worker threads spin at every op boundary waiting for each other. A small model's ops
 * take microseconds, so when other processes hold the cores the waits dominate: the bundled tiny
 * policy decoded 30× slower on 2 threads than on 1 on a busy 2-core machine. Below this size one
 * thread is the default.
 */
const SMALL_MODEL_BYTES = 64 * 2 ** 20;

/**
 * All available cores, less those other processes keep busy (the 1-minute load average), at
 * least one; one for small models. The spinning also hurts large models: with the load average at
 * 9 on 2 cores, the 0.5B model decoded at 4-7 tokens/s on 1 thread and at 0.4-1 on 2.
 */
export function defaultThreads(modelBytes: number, cores = availableParallelism(), load = loadavg()[0]): number {
  if (modelBytes < SMALL_MODEL_BYTES) return 1;
  return Math.max(1, Math.min(cores, Math.round(cores - load)));
}

export async function createLlamaCppEngine(opts: LlamaCppEngineOptions): Promise<LlamaCppEngine> {
  const parallel = opts.parallel ?? 8;
  if (!Number.isInteger(parallel) || parallel < 1) throw new RangeError(`parallel must be an integer >= 1, got ${opts.parallel}`);
  const kv = (opts.kvCache ?? 'f32') === 'f32' ? 'F32' : 'F16';
  const llama = await llamaRuntime(opts.gpu ?? 'auto');
  const load = (modelPath: string) => llama.loadModel({ modelPath, gpuLayers: llama.gpu ? 'max' : 0 });
  let model = await load(opts.modelPath);
  const vocabSize = vocabularySize(model);
  const threads = opts.threads ?? defaultThreads(model.size);
  const rng = opts.rng ?? new Rng(Math.floor(Math.random() * 2 ** 32));
  const tokenizer = opts.tokenizer;
  const eogIds: number[] = [];
  for (let t = 0; t < vocabSize; t++) if (model.isEogToken(t as Token)) eogIds.push(t);
  const trainContext = model.trainContextSize;
  // syncWeights' GGUF files live here (one at a time); removed by close()
  let syncDir: string | undefined;
  let lastSync: SyncTimes | undefined;

  let context: LlamaContext | undefined;
  let contextSize = 0;
  // the context's sequences, taken once: a disposed sequence's slot returns to the context only later
  let sequences: LlamaContextSequence[] = [];
  let busy: Promise<unknown> = Promise.resolve();

  /** Runs calls one after another (they share the context's sequences). */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = busy.then(fn, fn);
    busy = run.catch(() => undefined);
    return run;
  }

  /** A context whose sequences hold `tokens` each, reusing the current one when it is large enough. */
  async function contextFor(tokens: number): Promise<LlamaContext> {
    if (tokens > trainContext) throw new RangeError(`prompt + maxNewTokens (${tokens}) exceed the model's context length ${trainContext}`);
    if (context && contextSize >= tokens) return context;
    await context?.dispose();
    context = undefined;
    sequences = [];
    // grow in steps of 256 so similar calls reuse the context
    const size = Math.min(trainContext, Math.ceil(tokens / 256) * 256);
    context = await model.createContext({
      sequences: parallel,
      contextSize: size,
      threads,
      // llama.cpp's CPU flash attention rounds Q to f16: off, so log-probs stay within f32 round-off
      flashAttention: false,
      experimentalKvCacheKeyType: kv,
      experimentalKvCacheValueType: kv,
    });
    contextSize = size;
    sequences = Array.from({ length: parallel }, () => context!.getSequence());
    return context;
  }

  const decode = (ids: number[]): string => (tokenizer ? tokenizer.decode(ids, { skipSpecialTokens: true }) : model.detokenize(ids as Token[], false));
  const encode = (text: string): number[] => {
    if (tokenizer) return tokenizer.encode(text);
    const ids = model.tokenize(text, true);
    const bos = model.tokens.bos;
    return model.tokens.shouldPrependBosToken && bos != null && ids[0] !== bos ? [bos, ...ids] : ids;
  };

  /** Next-token log-probabilities over the vocabulary from llama.cpp's probability map. */
  function logprobRow(probabilities: Map<number, number>): Float32Array {
    const row = new Float32Array(vocabSize).fill(-Infinity);
    for (const [t, p] of probabilities) row[t] = Math.log(p);
    return row;
  }

  /** One response being decoded on a context sequence. */
  interface Slot {
    seq: LlamaContextSequence;
    w: Work;
    tokens: number[];
    logprobs: number[];
    /** text length already searched for stop strings */
    checked: number;
    /** tokens to evaluate next: the prompt, then the last sampled token */
    input: number[];
  }

  interface Call {
    o: NormalizedOptions;
    params: SamplingParams;
    route: SamplingRoute;
    eos: Set<number>;
    signal?: AbortSignal;
    onToken?: GenerateOptions['onToken'];
    progress: { done: number; total: number; tokens: number };
  }

  /** Evaluates the slot's input; returns the next token and its log-prob. */
  async function step(slot: Slot, call: Call): Promise<{ token: number; logprob: number }> {
    const { input } = slot;
    const last = input.length - 1;
    const generateNext = generateNextFor(call.route, call.params, slot.w.rng);
    const items: ControlledEvaluateInputItem[] = input.map((t, i) => (i === last ? [t as Token, { generateNext }] : (t as Token)));
    const next = (await slot.seq.controlledEvaluate(items))[last]?.next;
    if (call.route !== 'exact') {
      if (next?.token == null || next.confidence == null) throw new Error('llama.cpp returned no next token');
      // greedy: the argmax's probability under the raw distribution (processed: 1, log 0);
      // llama.cpp's chain: the drawn token's probability under the distribution it drew from
      const logprob = call.route === 'greedy' && call.o.logprobsMode !== 'raw' ? 0 : Math.log(next.confidence);
      return { token: next.token, logprob };
    }
    if (!next?.probabilities) throw new Error('llama.cpp returned no next-token probabilities');
    const s = sampleToken(logprobRow(next.probabilities), call.params, slot.w.rng);
    return { token: s.token, logprob: call.o.logprobsMode === 'raw' ? s.logprob : s.processedLogprob };
  }

  /** Records a sampled token; returns the finished rollout when it ends the response. */
  function accept(slot: Slot, token: number, logprob: number, call: Call): Rollout | undefined {
    const { w, tokens, logprobs } = slot;
    const o = call.o;
    tokens.push(token);
    logprobs.push(logprob);
    call.progress.tokens++;
    call.onToken?.({ promptIndex: w.promptIndex, sampleIndex: w.sampleIndex, token, logprob });
    const done = (finishReason: FinishReason, text: string): Rollout => ({
      promptIndex: w.promptIndex,
      sampleIndex: w.sampleIndex,
      promptIds: [...w.promptIds],
      responseIds: tokens,
      text,
      logprobs,
      finishReason,
    });
    if (call.eos.has(token)) return done('stop', decode(tokens.slice(0, -1)));
    if (o.stop.length > 0) {
      const text = decode(tokens);
      const at = findStop(text, o.stop, resumeSearchAt(slot.checked, o.stop));
      if (at >= 0) return done('stop', text.slice(0, at));
      slot.checked = text.length;
    }
    if (tokens.length >= o.maxNewTokens) return done('length', decode(tokens));
    slot.input = [token];
    return undefined;
  }

  async function generateNow(prompts: number[][] | string[], options: GenerateOptions): Promise<Rollout[]> {
    const o = normalizeGenerateOptions(options);
    options.signal?.throwIfAborted();
    const promptIds = arePromptIds(prompts) ? prompts : prompts.map((p) => encode(p));
    promptIds.forEach((ids, i) => checkPromptIds(ids, i, vocabSize));
    checkPromptSeeds(o, promptIds.length);
    const seed = o.seed ?? rng.nextSeed();
    const work: Work[] = [];
    promptIds.forEach((ids, p) => {
      // the local engine's streams: a per-prompt seed samples the prompt as a one-prompt call
      const stream: [number, number] = o.promptSeeds ? [o.promptSeeds[p], 0] : [seed, p];
      for (let s = 0; s < o.n; s++) work.push({ index: work.length, promptIndex: p, sampleIndex: s, promptIds: ids, rng: Rng.derive(stream[0], stream[1], s) });
    });
    if (work.length === 0) return [];
    await contextFor(Math.max(...promptIds.map((p) => p.length)) + o.maxNewTokens);
    const params: SamplingParams = { temperature: o.temperature, topK: o.topK, topP: o.topP };
    const call: Call = {
      o,
      params,
      route: samplingRoute(params, o.logprobsMode),
      eos: new Set(o.eosTokenIds ?? eogIds),
      signal: options.signal,
      onToken: options.onToken,
      progress: { done: 0, total: work.length, tokens: 0 },
    };
    const results: Rollout[] = new Array(work.length);
    // Lockstep: every active response evaluates one step, all in one llama.cpp batch, and the
    // next step starts only when every sampler has read its logits (a sequence that raced ahead
    // would start a decode that overwrites logits another sequence has not read yet). A finished
    // response's sequence takes the next waiting one at the step boundary.
    let next = 0;
    let active: Slot[] = [];
    const free = [...sequences];
    const refill = async () => {
      while (free.length > 0 && next < work.length) {
        const seq = free.pop()!;
        await seq.clearHistory();
        const w = work[next++];
        active.push({ seq, w, tokens: [], logprobs: [], checked: 0, input: w.promptIds });
      }
    };
    await refill();
    while (active.length > 0) {
      call.signal?.throwIfAborted();
      const outs = await Promise.all(active.map((slot) => step(slot, call)));
      const still: Slot[] = [];
      active.forEach((slot, i) => {
        const r = accept(slot, outs[i].token, outs[i].logprob, call);
        if (!r) return void still.push(slot);
        results[slot.w.index] = r;
        call.progress.done++;
        free.push(slot.seq);
        options.onRollout?.(r);
      });
      options.onProgress?.({ ...call.progress });
      active = still;
      await refill();
    }
    return results;
  }

  async function logprobRowsNow(ids: number[]): Promise<Float32Array[]> {
    checkPromptIds(ids, 0, vocabSize);
    await contextFor(ids.length);
    const seq = sequences[0];
    await seq.clearHistory();
    const out = await seq.controlledEvaluate(ids.map((t): ControlledEvaluateInputItem => [t as Token, { generateNext: { probabilities: true } }]));
    return ids.map((_, i) => logprobRow(out[i]!.next.probabilities!));
  }

  async function syncWeightsNow(policy: CausalLM): Promise<void> {
    if (!opts.hfDir) throw new Error('syncWeights needs the engine option hfDir (the HF folder with the tokenizer files)');
    syncDir ??= await mkdtemp(join(tmpdir(), 'verl-llamacpp-sync-'));
    const t0 = performance.now();
    // alternate between two names: the loaded model's file stays until its replacement is loaded
    const out = join(syncDir, model.filename?.endsWith('a.gguf') ? 'policy-b.gguf' : 'policy-a.gguf');
    const { saveMs, exportMs } = await exportPolicyGguf(policy, opts.hfDir, out, syncDir);
    const t1 = performance.now();
    const next = await load(out);
    if (vocabularySize(next) !== vocabSize || next.trainContextSize !== trainContext) {
      await next.dispose();
      throw new Error(`syncWeights: the policy (vocabulary ${vocabularySize(next)}, context ${next.trainContextSize}) is not the model this engine was made for (${vocabSize}, ${trainContext})`);
    }
    await context?.dispose();
    context = undefined;
    contextSize = 0;
    sequences = [];
    const previous = model;
    model = next;
    await previous.dispose();
    const loadMs = performance.now() - t1;
    lastSync = { save: saveMs, export: exportMs, load: loadMs, total: performance.now() - t0 };
  }

  return {
    get model() {
      return model;
    },
    get lastSync() {
      return lastSync;
    },
    vocabSize,
    device: llama.gpu === false ? 'cpu' : llama.gpu,
    rng,
    generate: (prompts, options) => serial(() => generateNow(prompts, options)),
    logprobRows: (ids) => serial(() => logprobRowsNow(ids)),
    syncWeights: (policy) => serial(() => syncWeightsNow(policy)),
    close: () =>
      serial(async () => {
        await context?.dispose();
        context = undefined;
        sequences = [];
        await model.dispose();
        if (syncDir) await rm(syncDir, { recursive: true, force: true });
      }),
  };
}
