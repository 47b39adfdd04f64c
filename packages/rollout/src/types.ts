// The engine-independent rollout API (names fixed by the cross-package contract).

export type FinishReason = 'stop' | 'length';

/** One sampled response. */
export interface Rollout {
  /** Index of the prompt in the `prompts` argument (the GRPO group). */
  promptIndex: number;
  /** 0 .. n-1 within the prompt's group. */
  sampleIndex: number;
  promptIds: number[];
  /** Generated token ids; includes the EOS token when generation stopped on one. */
  responseIds: number[];
  /** Decoded response (no EOS token; cut before a matched stop string); '' without a tokenizer. */
  text: string;
  /** One log-prob per response id (see GenerateOptions.logprobsMode). */
  logprobs: number[];
  finishReason: FinishReason;
}

export interface GenerateProgress {
  /** Responses finished so far. */
  done: number;
  /** Responses requested (prompts × n). */
  total: number;
  /** Tokens generated so far. */
  tokens: number;
}

/** One sampled token, reported while generation is still running. */
export interface GeneratedToken {
  promptIndex: number;
  sampleIndex: number;
  token: number;
  /** The same number the rollout's `logprobs` will hold for this token. */
  logprob: number;
}

export interface GenerateOptions {
  /** Responses per prompt. Default 1. */
  n?: number;
  /** 0 = greedy. Default 1. */
  temperature?: number;
  /** Nucleus mass in (0, 1]. Default 1 (off). */
  topP?: number;
  /** 0 or -1 = off. Default off. */
  topK?: number;
  maxNewTokens: number;
  /** Makes sampling reproducible; without it each call draws a fresh seed. */
  seed?: number;
  /**
   * One seed per prompt instead of `seed`: prompt i is sampled as a one-prompt call with seed
   * `promptSeeds[i]` would sample it, whatever else is in the call (lets a server merge requests
   * without changing their outputs).
   */
  promptSeeds?: number[];
  /** Generation stops when the decoded text contains one; the text is cut before it. */
  stop?: string[];
  /** Default: the tokenizer's EOS ids, else the model config's `eosTokenId`. Pass [] to never stop on EOS. */
  eosTokenIds?: number[];
  onProgress?: (p: GenerateProgress) => void;
  /**
   * Called with every token as it is sampled (what a streaming server forwards); the rollouts
   * are still returned at the end. Engines that cannot report tokens early may never call it.
   */
  onToken?: (t: GeneratedToken) => void;
  /** Called with each response as soon as it finishes (before `generate` resolves with all of them); engines may not call it. */
  onRollout?: (r: Rollout) => void;
  /**
   * 'raw' (default, vLLM V1's default): log p(token) under the unmodified model distribution,
   * log_softmax(logits), which is what the trainer's own forward pass computes.
   * 'processed': under the distribution actually sampled from (after temperature/top-k/top-p).
   */
  logprobsMode?: 'raw' | 'processed';
  /** Aborts generation (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

export interface RolloutEngine {
  /** Results are ordered by promptIndex, then sampleIndex. */
  generate(prompts: number[][] | string[], opts: GenerateOptions): Promise<Rollout[]>;
  close?(): Promise<void>;
}
