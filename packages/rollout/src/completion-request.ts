// Parsing and validation of an OpenAI /v1/completions request body (with the vLLM extensions
// this project uses), independent of HTTP so it can be tested alone.
// Field semantics: https://platform.openai.com/docs/api-reference/completions/create and vLLM's
// CompletionRequest (vllm/entrypoints/openai/protocol.py).
import type { Tokenizer } from '@verl-ts/models';
import { RequestError, type CompletionsLimits } from './request-error.js';
import { isInt, opt, parseSamplingFields, refuseUnsupported, requestObject, resolveMaxTokens, type SamplingFields } from './request-fields.js';

export { RequestError, DEFAULT_LIMITS, type CompletionsLimits } from './request-error.js';

/** A validated generation request of either endpoint (chat requests carry their rendered prompt). */
export interface CompletionRequest extends SamplingFields {
  prompts: number[][];
  maxTokens: number;
  /** Number of top log-probs asked for, or null for none (chat: `top_logprobs` when `logprobs` is true). */
  logprobs: number | null;
}

/**
 * Validates a parsed JSON body; unknown fields are ignored, unsupported features are refused.
 * `maxModelLen` (the model's context) bounds every prompt plus `max_tokens`; null skips the check.
 */
export function parseCompletionRequest(body: unknown, tokenizer: Tokenizer, modelName: string, limits: CompletionsLimits, maxModelLen: number | null = null): CompletionRequest {
  const b = requestObject(body, modelName);
  refuseUnsupported(b);
  if (b.suffix !== undefined && b.suffix !== null) throw new RequestError("'suffix' is not supported by this server", 400, 'suffix');
  const sampling = parseSamplingFields(b, tokenizer, limits);
  const logprobs = opt(b, 'logprobs', isInt, 'an integer');
  if (logprobs !== undefined && !(logprobs >= 0 && logprobs <= 20)) throw new RequestError(`'logprobs' must be in [0, 20], got ${logprobs}`, 400, 'logprobs');
  const prompts = parsePrompts(b.prompt, tokenizer, limits);
  const requested = opt(b, 'max_tokens', isInt, 'an integer');
  // 16 is OpenAI's default for the legacy completions endpoint
  const maxTokens = resolveMaxTokens(requested, 'max_tokens', 16, prompts, 'prompt', maxModelLen, limits);
  return { ...sampling, prompts, maxTokens, logprobs: logprobs ?? null };
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
