// Field readers shared by the /v1/completions and /v1/chat/completions request parsers: typed
// optional fields, the sampling settings both endpoints take, streaming options, and the check
// that prompt + max_tokens fits the model's context (vLLM's max_model_len).
import type { Tokenizer } from '@verl-ts/models';
import { RequestError, type CompletionsLimits } from './request-error.js';

export function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

/** Reads an optional field: `undefined` and `null` both mean "use the default". */
export function opt<T>(body: Record<string, unknown>, key: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!check(v)) throw new RequestError(`'${key}' must be ${what}, got ${JSON.stringify(v)}`, 400, key);
  return v;
}

export function optBool(body: Record<string, unknown>, key: string): boolean | undefined {
  return opt(body, key, isBool, 'a boolean');
}

export function range(key: string, v: number, lo: number, hi: number, what = `in [${lo}, ${hi}]`): number {
  if (!(v >= lo && v <= hi)) throw new RequestError(`'${key}' must be ${what}, got ${v}`, 400, key);
  return v;
}

/** The body as an object with a matching `model`, or a 400/404. */
export function requestObject(body: unknown, modelName: string): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestError('request body must be a JSON object');
  const b = body as Record<string, unknown>;
  const model = opt(b, 'model', (v): v is string => typeof v === 'string', 'a string');
  if (model !== undefined && model !== modelName) throw new RequestError(`The model \`${model}\` does not exist.`, 404, 'model');
  return b;
}

/** Refuses OpenAI features this server cannot honour (both endpoints), naming the parameter. */
export function refuseUnsupported(b: Record<string, unknown>): void {
  if (b.echo === true) throw new RequestError("'echo' is not supported by this server", 400, 'echo');
  for (const k of ['presence_penalty', 'frequency_penalty'] as const) {
    if (b[k] !== undefined && b[k] !== null && b[k] !== 0) throw new RequestError(`'${k}' is not supported by this server`, 400, k);
  }
  if (b.logit_bias && typeof b.logit_bias === 'object' && Object.keys(b.logit_bias).length > 0) {
    throw new RequestError("'logit_bias' is not supported by this server", 400, 'logit_bias');
  }
}

export interface SamplingFields {
  n: number;
  temperature: number;
  topP: number;
  topK: number;
  seed: number | undefined;
  stop: string[];
  /** undefined: the engine's default EOS ids; [] with `ignore_eos`. */
  eosTokenIds: number[] | undefined;
  returnTokenIds: boolean;
  tokensAsTokenIds: boolean;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  includeUsage: boolean;
}

/** n, temperature, top_p, top_k, seed, stop, the vLLM extensions and the streaming options. */
export function parseSamplingFields(b: Record<string, unknown>, tokenizer: Tokenizer, limits: CompletionsLimits): SamplingFields {
  const n = range('n', opt(b, 'n', isInt, 'an integer') ?? 1, 1, limits.maxN);
  const bestOf = opt(b, 'best_of', isInt, 'an integer');
  if (bestOf !== undefined && bestOf !== n) throw new RequestError("'best_of' other than n is not supported by this server", 400, 'best_of');
  const temperature = range('temperature', opt(b, 'temperature', isNum, 'a number') ?? 1, 0, 100, '>= 0');
  const topP = opt(b, 'top_p', isNum, 'a number') ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new RequestError(`'top_p' must be in (0, 1], got ${topP}`, 400, 'top_p');
  const topK = range('top_k', opt(b, 'top_k', isInt, 'an integer') ?? -1, -1, 2 ** 31, '>= -1');
  const seed = opt(b, 'seed', (v): v is number => Number.isSafeInteger(v), 'an integer');
  if (seed !== undefined && seed < 0) throw new RequestError(`'seed' must be >= 0, got ${seed}`, 400, 'seed');

  let stop: string[] = [];
  const rawStop = b.stop;
  if (typeof rawStop === 'string') stop = [rawStop];
  else if (Array.isArray(rawStop)) stop = rawStop as string[];
  else if (rawStop !== undefined && rawStop !== null) throw new RequestError("'stop' must be a string or an array of strings", 400, 'stop');
  if (stop.some((s) => typeof s !== 'string')) throw new RequestError("'stop' must be a string or an array of strings", 400, 'stop');
  stop = stop.filter((s) => s.length > 0);
  if (stop.length > limits.maxStop) throw new RequestError(`'stop' has ${stop.length} strings, at most ${limits.maxStop} allowed`, 400, 'stop');

  // vLLM extensions
  const ignoreEos = optBool(b, 'ignore_eos') ?? false;
  const stopTokenIds = opt(b, 'stop_token_ids', (v): v is number[] => Array.isArray(v) && v.every((t) => isInt(t) && t >= 0), 'an array of token ids');
  const eosTokenIds = ignoreEos ? [] : stopTokenIds ? [...new Set([...tokenizer.eosTokenIds, ...stopTokenIds])] : undefined;
  const returnTokenIds = optBool(b, 'return_token_ids') ?? false;
  const tokensAsTokenIds = optBool(b, 'return_tokens_as_token_ids') ?? false;

  const stream = optBool(b, 'stream') ?? false;
  const so = b.stream_options;
  let includeUsage = false;
  if (so !== undefined && so !== null) {
    // OpenAI and vLLM refuse stream_options without stream
    if (!stream) throw new RequestError("'stream_options' is only allowed with 'stream': true", 400, 'stream_options');
    if (typeof so !== 'object' || Array.isArray(so)) throw new RequestError("'stream_options' must be an object", 400, 'stream_options');
    includeUsage = opt(so as Record<string, unknown>, 'include_usage', isBool, 'a boolean') ?? false;
  }
  return { n, temperature, topP, topK, seed, stop, eosTokenIds, returnTokenIds, tokensAsTokenIds, stream, includeUsage };
}

/**
 * Resolves max_tokens against the server limit and the model's context: every prompt plus
 * max_tokens must fit in `maxModelLen` (vLLM's rule and message). Without an explicit value the
 * default is shortened to what the context leaves (vLLM does the same), never below 1.
 */
export function resolveMaxTokens(
  requested: number | undefined,
  key: string,
  fallback: number,
  prompts: number[][],
  promptField: string,
  maxModelLen: number | null,
  limits: CompletionsLimits,
): number {
  if (requested !== undefined) range(key, requested, 1, limits.maxTokens);
  if (maxModelLen === null) return requested ?? fallback;
  const longest = prompts.reduce((a, p) => Math.max(a, p.length), 0);
  if (longest >= maxModelLen) {
    throw new RequestError(
      `This model's maximum context length (max_model_len) is ${maxModelLen} tokens. However, your request has ${longest} input tokens, ` +
        `which leaves no room for a completion. Please reduce the length of the ${promptField}.`,
      400,
      promptField,
    );
  }
  const room = maxModelLen - longest;
  if (requested === undefined) return Math.min(fallback, room);
  if (requested > room) {
    throw new RequestError(
      `This model's maximum context length (max_model_len) is ${maxModelLen} tokens. However, you requested ${longest + requested} tokens ` +
        `(${longest} in the ${promptField}, ${requested} in the completion). Please reduce the length of the ${promptField} or '${key}' (at most ${room} here).`,
      400,
      key,
    );
  }
  return requested;
}
