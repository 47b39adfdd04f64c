// Batched generation over a CausalLM with its KV cache.
//
// Prompts of different lengths share a batch by left padding (HF `generate` layout): the
// attention mask hides the pads, position ids count only real tokens (HF:
// `position_ids = attention_mask.cumsum(-1) - 1`, clamped at 0). Sequences are sorted by
// prompt length before batching so little padding is wasted. Rows that finish are dropped
// from the batch (and their KV cache rows via `cache.select`), so they stop costing compute.
// Each decode step reads back one [B, V] block of last-position logits.
import * as tf from '@tensorflow/tfjs';
import type { CausalLM, KVCache, Tokenizer } from '@verl-ts/models';
import { Rng } from '@verl-ts/prng';
import { sampleToken, type SamplingParams } from './sampling.js';
import { arePromptIds, checkPromptIds, checkPromptSeeds, normalizeGenerateOptions, type NormalizedOptions } from './options.js';
import { findStop, resumeSearchAt } from './stop.js';
import type { FinishReason, GenerateOptions, Rollout, RolloutEngine } from './types.js';

export interface LocalEngineOptions {
  /** Most sequences decoded together. Default 32. */
  batchSize?: number;
  /**
   * Most floats in one prefill step's attention scores [rows, heads, chunk, context]; longer
   * prompts are prefilled in column chunks through the cache. Default 2^25 (128 MiB of float32).
   */
  prefillBudget?: number;
  /** Seeds calls that pass no `seed` (checkpoint it with `engine.rng.toJSON()`). Default: a random seed. */
  rng?: Rng;
  /**
   * When the running batch shrinks to this fraction of batchSize and sequences are waiting, the
   * batch is rebuilt with them (the running rows are prefilled again from their contexts). 0
   * turns it off (the default): each batch runs until its last row finishes. Worth it where larger
   * batches are faster per token (GPU); on the WASM CPU backend throughput stops growing by batch
   * 8, and the recompute made the bench's variable-length run slower (README).
   */
  refillBelow?: number;
  /** Yield to the event loop after every decode step, so servers and progress bars stay live. Default true. */
  yieldEveryStep?: boolean;
}

export interface LocalEngine extends RolloutEngine {
  readonly model: CausalLM;
  readonly tokenizer: Tokenizer | undefined;
  /** The seed source for calls without `seed`. */
  readonly rng: Rng;
}

interface Sequence {
  index: number; // position in the output (promptIndex * n + sampleIndex)
  promptIndex: number;
  sampleIndex: number;
  promptIds: number[];
  /** the sampling stream is Rng.derive(stream[0], stream[1], sampleIndex) */
  stream: [number, number];
}

interface Run {
  o: NormalizedOptions;
  eos: Set<number>;
  results: Rollout[];
  progress: { done: number; total: number; tokens: number };
  onProgress: GenerateOptions['onProgress'];
  onToken: GenerateOptions['onToken'];
  onRollout: GenerateOptions['onRollout'];
  signal: AbortSignal | undefined;
}

interface Row {
  seq: Sequence;
  rng: Rng;
  mask: number[]; // attention mask over the cache columns
  nextPosition: number;
  tokens: number[];
  logprobs: number[];
  checkedTextLength: number;
}

function randomSeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return words[0] * 2 ** 21 + (words[1] >>> 11);
}

function defaultEosIds(model: CausalLM, tokenizer: Tokenizer | undefined): number[] {
  if (tokenizer && tokenizer.eosTokenIds.length > 0) return [...tokenizer.eosTokenIds];
  const e = model.config.eosTokenId;
  return e === undefined ? [] : Array.isArray(e) ? [...e] : [e];
}

/** Reads the last position's logits [B, V] of a [B, T, V] tensor in one transfer. */
async function readLastLogits(logits: tf.Tensor3D): Promise<Float32Array> {
  const [b, t, v] = logits.shape;
  const last = tf.tidy(() => (t === 1 ? logits.reshape([b, v]) : logits.slice([0, t - 1, 0], [b, 1, v]).reshape([b, v])));
  try {
    return (await last.data()) as Float32Array;
  } finally {
    last.dispose();
  }
}

/** Runs forwardCached and returns the last-position logits, leaving only the cache allocated. */
async function stepLogits(model: CausalLM, cache: KVCache, inputIds: number[][], attentionMask: number[][], positionIds: number[][]): Promise<Float32Array> {
  // logits for the last position only: a prefill never materialises [B, T, vocab]
  const out = model.forwardCached({ inputIds, attentionMask, positionIds }, cache, { logits: 'last' });
  try {
    return await readLastLogits(out.logits);
  } finally {
    out.logits.dispose();
    out.hidden.dispose();
  }
}

export function createLocalEngine(model: CausalLM, tokenizer?: Tokenizer, opts: LocalEngineOptions = {}): LocalEngine {
  const batchSize = opts.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  const prefillBudget = opts.prefillBudget ?? 2 ** 25;
  if (!(prefillBudget >= 1)) throw new RangeError(`prefillBudget must be >= 1, got ${prefillBudget}`);
  const rng = opts.rng ?? new Rng(randomSeed());
  const yieldEveryStep = opts.yieldEveryStep ?? true;
  const refillBelow = opts.refillBelow ?? 0;
  if (!(refillBelow >= 0 && refillBelow < 1)) throw new RangeError(`refillBelow must be in [0, 1), got ${refillBelow}`);
  const vocab = model.config.vocabSize;
  const padId = tokenizer && tokenizer.padTokenId >= 0 && tokenizer.padTokenId < vocab ? tokenizer.padTokenId : 0;

  async function generate(prompts: number[][] | string[], options: GenerateOptions): Promise<Rollout[]> {
    const o = normalizeGenerateOptions(options);
    const signal = options.signal;
    signal?.throwIfAborted();
    let promptIds: number[][];
    if (arePromptIds(prompts)) {
      promptIds = prompts;
    } else {
      if (!tokenizer) throw new TypeError('string prompts need a tokenizer: createLocalEngine(model, tokenizer)');
      promptIds = prompts.map((p) => tokenizer.encode(p));
    }
    promptIds.forEach((ids, i) => checkPromptIds(ids, i, vocab));
    checkPromptSeeds(o, promptIds.length);
    if (o.stop.length > 0 && !tokenizer) throw new TypeError('stop strings need a tokenizer: createLocalEngine(model, tokenizer)');
    const seed = o.seed ?? rng.nextSeed();
    const eos = new Set(o.eosTokenIds ?? defaultEosIds(model, tokenizer));

    const seqs: Sequence[] = [];
    promptIds.forEach((ids, p) => {
      // a per-prompt seed samples the prompt as a one-prompt call (prompt index 0) with that seed
      const stream: [number, number] = o.promptSeeds ? [o.promptSeeds[p], 0] : [seed, p];
      for (let s = 0; s < o.n; s++) seqs.push({ index: seqs.length, promptIndex: p, sampleIndex: s, promptIds: ids, stream });
    });
    // similar lengths share a batch (stable sort keeps the n samples of a prompt together)
    const order = [...seqs].sort((a, b) => a.promptIds.length - b.promptIds.length);
    const results: Rollout[] = new Array(seqs.length);
    const run: Run = { o, eos, results, progress: { done: 0, total: seqs.length, tokens: 0 }, onProgress: options.onProgress, onToken: options.onToken, onRollout: options.onRollout, signal };
    await decodeQueue(order, run);
    return results;
  }

  function newRow(seq: Sequence): Row {
    return {
      seq,
      // one stream per (seed, prompt, sample): the output does not depend on batching
      rng: Rng.derive(seq.stream[0], seq.stream[1], seq.sampleIndex),
      mask: [],
      nextPosition: 0,
      tokens: [],
      logprobs: [],
      checkedTextLength: 0,
    };
  }

  /**
   * Builds a fresh cache for `rows` by prefilling each row's context (prompt + tokens generated
   * so far), left-padded; returns the cache and the next-token logits [rows, V]. Rows that have
   * generated nothing yet and share a prompt (the n samples) are prefilled once and their cache
   * rows duplicated with select (a gather, so repeated rows are allowed).
   */
  async function prefill(rows: Row[], signal: AbortSignal | undefined): Promise<{ cache: KVCache; logits: Float32Array }> {
    const contexts = rows.map((r) => (r.tokens.length ? [...r.seq.promptIds, ...r.tokens] : r.seq.promptIds));
    const width = Math.max(...contexts.map((c) => c.length));
    const ids = contexts.map((c) => [...new Array<number>(width - c.length).fill(padId), ...c]);
    const positions: number[][] = [];
    rows.forEach((r, i) => {
      const pad = width - contexts[i].length;
      r.mask = [...new Array<number>(pad).fill(0), ...new Array<number>(contexts[i].length).fill(1)];
      r.nextPosition = contexts[i].length;
      // HF: position_ids = cumsum(mask) - 1, clamped at 0
      positions.push(r.mask.map((m, t) => (m ? t - pad : 0)));
    });
    const firstRowOf = new Map<string, number>();
    const unique: number[] = [];
    const expand = rows.map((r, i) => {
      const key = r.tokens.length === 0 ? `p${r.seq.promptIndex}` : `r${i}`;
      let u = firstRowOf.get(key);
      if (u === undefined) {
        u = unique.length;
        firstRowOf.set(key, u);
        unique.push(i);
      }
      return u;
    });
    const U = unique.length;
    const cache = model.createKVCache(U);
    try {
      // in column chunks small enough that the [U, heads, chunk, width] attention scores fit the budget
      const cols = Math.max(1, Math.min(width, Math.floor(prefillBudget / (U * model.config.numHeads * width))));
      let logits: Float32Array = new Float32Array(0);
      for (let c0 = 0; c0 < width; c0 += cols) {
        const c1 = Math.min(width, c0 + cols);
        logits = await stepLogits(
          model,
          cache,
          unique.map((i) => ids[i].slice(c0, c1)),
          unique.map((i) => rows[i].mask.slice(0, c1)),
          unique.map((i) => positions[i].slice(c0, c1)),
        );
        signal?.throwIfAborted();
      }
      if (U === rows.length) return { cache, logits };
      cache.select(expand);
      const expanded = new Float32Array(rows.length * vocab);
      expand.forEach((u, i) => expanded.set(logits.subarray(u * vocab, (u + 1) * vocab), i * vocab));
      return { cache, logits: expanded };
    } catch (e) {
      cache.dispose();
      throw e;
    }
  }

  /**
   * Decodes every sequence of `queue`, at most `batchSize` at a time. Finished rows leave the
   * batch at once (cache.select). When the batch has shrunk to `refillBelow` × batchSize and
   * sequences are waiting, the batch is rebuilt: the running rows are prefilled again from their
   * contexts together with new sequences (recompute, as vLLM does on preemption), so stragglers
   * do not leave the batch nearly empty.
   */
  async function decodeQueue(queue: Sequence[], run: Run): Promise<void> {
    const { o } = run;
    const params: SamplingParams = { temperature: o.temperature, topK: o.topK, topP: o.topP };
    const refillAt = Math.floor(refillBelow * batchSize);
    let next = 0;
    let active: Row[] = [];
    let cache: KVCache | undefined;
    let logits: Float32Array = new Float32Array(0);
    try {
      for (;;) {
        if (active.length === 0 || (next < queue.length && active.length <= refillAt)) {
          if (next >= queue.length && active.length === 0) break;
          const fresh = queue.slice(next, next + batchSize - active.length).map((s) => newRow(s));
          next += fresh.length;
          cache?.dispose();
          cache = undefined;
          active = [...active, ...fresh];
          ({ cache, logits } = await prefill(active, run.signal));
        }
        const still: number[] = [];
        for (let i = 0; i < active.length; i++) {
          const row = active[i];
          const s = sampleToken(logits, params, row.rng, i * vocab, vocab);
          row.tokens.push(s.token);
          row.logprobs.push(o.logprobsMode === 'raw' ? s.logprob : s.processedLogprob);
          run.onToken?.({ promptIndex: row.seq.promptIndex, sampleIndex: row.seq.sampleIndex, token: s.token, logprob: row.logprobs[row.logprobs.length - 1] });
          run.progress.tokens++;
          const finished = finishCheck(row, s.token, o, run.eos);
          if (finished) {
            run.results[row.seq.index] = finished;
            run.onRollout?.(finished);
            run.progress.done++;
          } else {
            still.push(i);
          }
        }
        run.onProgress?.({ ...run.progress });
        const shrunk = still.length < active.length;
        if (shrunk) active = still.map((i) => active[i]);
        if (active.length === 0 || (next < queue.length && active.length <= refillAt)) continue; // rebuild
        if (shrunk) cache!.select(still); // drop finished rows from the cache
        for (const r of active) r.mask.push(1);
        logits = await stepLogits(
          model,
          cache!,
          active.map((r) => [r.tokens[r.tokens.length - 1]]),
          active.map((r) => r.mask),
          active.map((r) => [r.nextPosition++]),
        );
        run.signal?.throwIfAborted();
        if (yieldEveryStep) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      cache?.dispose();
    }
  }

  /** The finished rollout when `token` ends the row, else undefined. */
  function finishCheck(row: Row, token: number, o: NormalizedOptions, eos: Set<number>): Rollout | undefined {
    const done = (finishReason: FinishReason, text: string): Rollout => ({
      promptIndex: row.seq.promptIndex,
      sampleIndex: row.seq.sampleIndex,
      promptIds: [...row.seq.promptIds],
      responseIds: row.tokens,
      text,
      logprobs: row.logprobs,
      finishReason,
    });
    const decode = (t: number[]): string => (tokenizer ? tokenizer.decode(t, { skipSpecialTokens: true }) : '');
    if (eos.has(token)) return done('stop', decode(row.tokens.slice(0, -1)));
    if (o.stop.length > 0) {
      const text = decode(row.tokens);
      const at = findStop(text, o.stop, resumeSearchAt(row.checkedTextLength, o.stop));
      if (at >= 0) return done('stop', text.slice(0, at));
      row.checkedTextLength = text.length;
      if (row.tokens.length >= o.maxNewTokens) return done('length', text);
      return undefined;
    }
    if (row.tokens.length >= o.maxNewTokens) return done('length', decode(row.tokens));
    return undefined;
  }

  return { model, tokenizer, rng, generate };
}
