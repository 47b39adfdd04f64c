// Response bodies of the completions server: OpenAI's text_completion and chat.completion objects
// (and their streaming chunks), plus vLLM's `token_ids` / `prompt_token_ids` when
// `return_token_ids` is set. The engines report the log-prob of the sampled token only, so a
// `top_logprobs` list holds just that token.
import { randomBytes } from 'node:crypto';
import type { Tokenizer } from '@verl-ts/models';
import type { CompletionRequest } from './completion-request.js';
import type { Rollout } from './types.js';

export type Endpoint = 'completions' | 'chat';

export function responseId(endpoint: Endpoint): string {
  return `${endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('hex')}`;
}

export function objectName(endpoint: Endpoint, chunk: boolean): string {
  return endpoint === 'chat' ? (chunk ? 'chat.completion.chunk' : 'chat.completion') : 'text_completion';
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Prompt tokens count once per prompt (the n samples share it), completion tokens once per sample. */
export function usageOf(req: CompletionRequest, rollouts: Rollout[]): Usage {
  const completion = rollouts.reduce((a, x) => a + x.responseIds.length, 0);
  const prompt = req.prompts.reduce((a, p) => a + p.length, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Formats the log-probs of runs of sampled tokens in the shape of one endpoint. */
export class LogprobFormatter {
  /** completions' text_offset runs on across the chunks of a streamed choice */
  private offset = 0;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly req: CompletionRequest,
    private readonly tokenizer: Tokenizer,
  ) {}

  private tokenText(id: number): string {
    return this.req.tokensAsTokenIds ? `token_id:${id}` : this.tokenizer.decode([id], { skipSpecialTokens: false });
  }

  /** null when the request asked for no log-probs. */
  format(ids: number[], logprobs: number[]): unknown {
    const top = this.req.logprobs;
    if (top === null) return null;
    const tokens = ids.map((id) => this.tokenText(id));
    if (this.endpoint === 'chat') {
      return {
        content: tokens.map((token, i) => {
          const entry = { token, logprob: logprobs[i], bytes: [...Buffer.from(token, 'utf8')] };
          return { ...entry, top_logprobs: top > 0 ? [entry] : [] };
        }),
      };
    }
    const textOffset = tokens.map((t) => {
      const at = this.offset;
      this.offset += t.length;
      return at;
    });
    return {
      tokens,
      token_logprobs: logprobs,
      top_logprobs: top > 0 ? tokens.map((t, i) => ({ [t]: logprobs[i] })) : null,
      text_offset: textOffset,
    };
  }
}

/** One choice of a complete (non-streamed) response. */
export function fullChoice(endpoint: Endpoint, r: Rollout, index: number, req: CompletionRequest, tokenizer: Tokenizer) {
  const logprobs = new LogprobFormatter(endpoint, req, tokenizer).format(r.responseIds, r.logprobs);
  const ids = req.returnTokenIds ? { token_ids: r.responseIds, prompt_token_ids: r.promptIds } : {};
  if (endpoint === 'chat') {
    return { index, message: { role: 'assistant', content: r.text }, logprobs, finish_reason: r.finishReason, stop_reason: null, ...ids };
  }
  return { index, text: r.text, logprobs, finish_reason: r.finishReason, stop_reason: null, ...ids };
}

/** One choice of a streamed chunk: new text, the log-probs of the tokens it covers, and the finish reason on the last. */
export function chunkChoice(endpoint: Endpoint, index: number, text: string, logprobs: unknown, finishReason: string | null, extra: Record<string, unknown> = {}) {
  if (endpoint === 'chat') {
    return { index, delta: finishReason !== null && text === '' ? {} : { content: text }, logprobs, finish_reason: finishReason, stop_reason: null, ...extra };
  }
  return { index, text, logprobs, finish_reason: finishReason, stop_reason: null, ...extra };
}
