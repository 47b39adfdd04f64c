// Parsing and validation of an OpenAI /v1/completions request body (with the vLLM extensions
// this project uses), independent of HTTP so it can be tested alone.
// Field semantics: https://platform.openai.com/docs/api-reference/completions/create and vLLM's
// CompletionRequest (vllm/entrypoints/openai/protocol.py).
import type { Tokenizer } from '@verl-ts/models';

export interface CompletionsLimits {
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes: number;
  /** Largest `n`. Default 64. */
  maxN: number;
  /** Largest `max_tokens`. Default 4096. */
  maxTokens: number;
  /** Longest prompt in tokens. Default 8192. */
  maxPromptTokens: number;
  /** Most prompts in one request (a batched `prompt` array). Default 256. */
  maxPrompts: number;
  /** Most stop strings. Default 16. */
  maxStop: number;
  /** Requests generating at the same time; the rest wait in a queue. Default 1. */
  maxConcurrent: number;
  /** Requests allowed to wait; beyond that the server answers 429. Default 256. */
  maxQueued: number;
  /** Waiting requests with equal settings are merged into one engine call of at most this many sequences (prompts × n). Default 256. */
  maxMergedSequences: number;
}

export const DEFAULT_LIMITS: CompletionsLimits = {
  maxBodyBytes: 1 << 20,
  maxN: 64,
  maxTokens: 4096,
  maxPromptTokens: 8192,
  maxPrompts: 256,
  maxStop: 16,
  maxConcurrent: 1,
  maxQueued: 256,
  maxMergedSequences: 256,
};

/** A 4xx answer: HTTP status, OpenAI error type and the offending parameter. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly param: string | null = null,
    readonly type = status === 404 ? 'NotFoundError' : 'invalid_request_error',
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface CompletionRequest {
  prompts: number[][];
  n: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  seed: number | undefined;
  stop: string[];
  /** Number of top log-probs asked for, or null for none. */
  logprobs: number | null;
  eosTokenIds: number[] | undefined;
  returnTokenIds: boolean;
  tokensAsTokenIds: boolean;
}

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

/** Reads an optional field: `undefined` and `null` both mean "use the default". */
function opt<T>(body: Record<string, unknown>, key: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!check(v)) throw new RequestError(`'${key}' must be ${what}, got ${JSON.stringify(v)}`, 400, key);
  return v;
}

function range(key: string, v: number, lo: number, hi: number, what = `in [${lo}, ${hi}]`): number {
  if (!(v >= lo && v <= hi)) throw new RequestError(`'${key}' must be ${what}, got ${v}`, 400, key);
  return v;
}

/** Validates a parsed JSON body; unknown fields are ignored, unsupported features are refused. */
export function parseCompletionRequest(body: unknown, tokenizer: Tokenizer, modelName: string, limits: CompletionsLimits): CompletionRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestError('request body must be a JSON object');
  const b = body as Record<string, unknown>;
  const model = opt(b, 'model', (v): v is string => typeof v === 'string', 'a string');
  if (model !== undefined && model !== modelName) throw new RequestError(`The model \`${model}\` does not exist.`, 404, 'model');

  if (b.stream === true) throw new RequestError("'stream' is not supported by this server", 400, 'stream');
  if (b.echo === true) throw new RequestError("'echo' is not supported by this server", 400, 'echo');
  if (b.suffix !== undefined && b.suffix !== null) throw new RequestError("'suffix' is not supported by this server", 400, 'suffix');
  for (const k of ['presence_penalty', 'frequency_penalty'] as const) {
    if (b[k] !== undefined && b[k] !== null && b[k] !== 0) throw new RequestError(`'${k}' is not supported by this server`, 400, k);
  }
  if (b.logit_bias && typeof b.logit_bias === 'object' && Object.keys(b.logit_bias).length > 0) {
    throw new RequestError("'logit_bias' is not supported by this server", 400, 'logit_bias');
  }

  const n = range('n', opt(b, 'n', isInt, 'an integer') ?? 1, 1, limits.maxN);
  const bestOf = opt(b, 'best_of', isInt, 'an integer');
  if (bestOf !== undefined && bestOf !== n) throw new RequestError("'best_of' other than n is not supported by this server", 400, 'best_of');
  const maxTokens = range('max_tokens', opt(b, 'max_tokens', isInt, 'an integer') ?? 16, 1, limits.maxTokens);
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const temperature = range('temperature', opt(b, 'temperature', isNum, 'a number') ?? 1, 0, 100, '>= 0');
  const topP = opt(b, 'top_p', isNum, 'a number') ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new RequestError(`'top_p' must be in (0, 1], got ${topP}`, 400, 'top_p');
  const topK = range('top_k', opt(b, 'top_k', isInt, 'an integer') ?? -1, -1, 2 ** 31, '>= -1');
  const seed = opt(b, 'seed', (v): v is number => Number.isSafeInteger(v), 'an integer');
  if (seed !== undefined && seed < 0) throw new RequestError(`'seed' must be >= 0, got ${seed}`, 400, 'seed');
  const logprobs = opt(b, 'logprobs', isInt, 'an integer');
  if (logprobs !== undefined) range('logprobs', logprobs, 0, 20);

  let stop: string[] = [];
  const rawStop = b.stop;
  if (typeof rawStop === 'string') stop = [rawStop];
  else if (Array.isArray(rawStop)) stop = rawStop as string[];
  else if (rawStop !== undefined && rawStop !== null) throw new RequestError("'stop' must be a string or an array of strings", 400, 'stop');
  if (stop.some((s) => typeof s !== 'string')) throw new RequestError("'stop' must be a string or an array of strings", 400, 'stop');
  stop = stop.filter((s) => s.length > 0);
  if (stop.length > limits.maxStop) throw new RequestError(`'stop' has ${stop.length} strings, at most ${limits.maxStop} allowed`, 400, 'stop');

  // vLLM extensions
  const ignoreEos = opt(b, 'ignore_eos', (v): v is boolean => typeof v === 'boolean', 'a boolean') ?? false;
  const stopTokenIds = opt(b, 'stop_token_ids', (v): v is number[] => Array.isArray(v) && v.every((t) => isInt(t) && t >= 0), 'an array of token ids');
  const eosTokenIds = ignoreEos ? [] : stopTokenIds ? [...new Set([...tokenizer.eosTokenIds, ...stopTokenIds])] : undefined;
  const returnTokenIds = opt(b, 'return_token_ids', (v): v is boolean => typeof v === 'boolean', 'a boolean') ?? false;
  const tokensAsTokenIds = opt(b, 'return_tokens_as_token_ids', (v): v is boolean => typeof v === 'boolean', 'a boolean') ?? false;

  const prompts = parsePrompts(b.prompt, tokenizer, limits);
  return { prompts, n, maxTokens, temperature, topP, topK, seed, stop, logprobs: logprobs ?? null, eosTokenIds, returnTokenIds, tokensAsTokenIds };
}

/** `prompt` may be a string, a list of strings, a list of token ids, or a list of those. */
function parsePrompts(p: unknown, tokenizer: Tokenizer, limits: CompletionsLimits): number[][] {
  const bad = () => new RequestError("'prompt' must be a string, an array of strings, an array of token ids, or an array of token-id arrays", 400, 'prompt');
  let list: (string | number[])[];
  if (typeof p === 'string') list = [p];
  else if (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === 'number')) list = [p as number[]];
  else if (Array.isArray(p) && p.length > 0) list = p as (string | number[])[];
  else throw bad();
  if (list.length > limits.maxPrompts) throw new RequestError(`'prompt' has ${list.length} prompts, at most ${limits.maxPrompts} allowed`, 400, 'prompt');
  return list.map((item, i) => {
    let ids: number[];
    if (typeof item === 'string') ids = tokenizer.encode(item);
    else if (Array.isArray(item) && item.every((t) => isInt(t) && t >= 0)) ids = item;
    else throw bad();
    if (ids.length === 0) throw new RequestError(`prompt ${i} is empty`, 400, 'prompt');
    if (ids.length > limits.maxPromptTokens) {
      throw new RequestError(`prompt ${i} has ${ids.length} tokens, at most ${limits.maxPromptTokens} allowed`, 400, 'prompt');
    }
    return ids;
  });
}
