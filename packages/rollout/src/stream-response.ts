// A streamed (`stream: true`) response of either endpoint, in vLLM's chunk order: for chat a
// first chunk per choice with `delta.role`, then text deltas as tokens are sampled (released by
// StreamText, with the log-probs of the tokens they cover), one last chunk per choice with its
// finish_reason as soon as that response is done, a usage chunk with no choices when
// `stream_options.include_usage` is set, and `data: [DONE]`. An error after the stream has begun is sent as a `data: {"error": ...}` event
// before [DONE] (vLLM), since the status line has already gone out; an error before the first
// event is thrown, so the server answers it with its status code.
import type { ServerResponse } from 'node:http';
import type { Tokenizer } from '@verl-ts/models';
import type { CompletionRequest } from './completion-request.js';
import { chunkChoice, LogprobFormatter, objectName, responseId, usageOf, type Endpoint } from './response-format.js';
import { errorBody } from './request-error.js';
import { SseWriter } from './sse.js';
import { StreamText } from './stream-text.js';
import type { GenerationHooks } from './request-scheduler.js';
import type { GeneratedToken, Rollout } from './types.js';

export interface StreamContext {
  endpoint: Endpoint;
  req: CompletionRequest;
  tokenizer: Tokenizer;
  modelName: string;
  /** Runs the generation, reporting tokens as they are sampled and responses as they finish. */
  generate(hooks: GenerationHooks): Promise<Rollout[]>;
}

export async function streamResponse(res: ServerResponse, ctx: StreamContext): Promise<void> {
  const { endpoint, req, tokenizer, modelName } = ctx;
  const sse = new SseWriter(res);
  const head = { id: responseId(endpoint), object: objectName(endpoint, true), created: Math.floor(Date.now() / 1000), model: modelName };
  const decode = (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
  const count = req.prompts.length * req.n;
  const texts = Array.from({ length: count }, () => new StreamText(decode, req.stop));
  const formatters = Array.from({ length: count }, () => new LogprobFormatter(endpoint, req, tokenizer));
  const send = (index: number, part: { text: string; ids: number[]; logprobs: number[] }, finish: string | null, extra: Record<string, unknown> = {}) => {
    const logprobs = formatters[index].format(part.ids, part.logprobs);
    const ids = req.returnTokenIds ? { token_ids: part.ids, ...extra } : {};
    sse.send({ ...head, choices: [chunkChoice(endpoint, index, part.text, logprobs, finish, ids)] });
  };

  // chat streams open with one role chunk per choice, sent with the first event
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    if (endpoint !== 'chat') return;
    for (let i = 0; i < count; i++) sse.send({ ...head, choices: [{ index: i, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
  };
  const finished = new Array<boolean>(count).fill(false);
  /** A choice's last chunk: the rest of its text, its finish_reason. */
  const finish = (r: Rollout) => {
    const index = r.promptIndex * req.n + r.sampleIndex;
    if (finished[index] || !texts[index]) return;
    finished[index] = true;
    start();
    send(index, texts[index].finish(r.text, r.responseIds, r.logprobs), r.finishReason, { prompt_token_ids: r.promptIds });
  };
  const onToken = (t: GeneratedToken) => {
    const index = t.promptIndex * req.n + t.sampleIndex;
    const text = texts[index];
    if (!text || finished[index] || sse.closed) return;
    text.push(t.token, t.logprob);
    const part = text.release();
    if (part.text === '') return;
    start();
    send(index, part, null);
  };
  let rollouts: Rollout[];
  try {
    rollouts = await ctx.generate({ onToken, onRollout: finish });
    if (rollouts.length !== count) throw new Error(`engine returned ${rollouts.length} rollouts for ${req.prompts.length} prompts × n=${req.n}`);
  } catch (e) {
    if (!sse.opened) throw e; // nothing sent yet: answer with the error's own status
    sse.send({ error: errorBody(e) });
    sse.done();
    return;
  }
  start();
  rollouts.forEach(finish); // the choices an engine without onRollout has not closed yet
  if (req.includeUsage) sse.send({ ...head, choices: [], usage: usageOf(req, rollouts) });
  sse.done();
}
