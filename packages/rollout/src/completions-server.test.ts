import { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCompletionsServer } from './completions-server.js';
import { DEFAULT_LIMITS, parseCompletionRequest, RequestError } from './completion-request.js';
import { createLocalEngine } from './local-engine.js';
import { createFakeModel } from './test-utils/fake-model.js';
import { createCharTokenizer } from './test-utils/char-tokenizer.js';
import type { GenerateOptions, Rollout, RolloutEngine } from './types.js';

const tokenizer = createCharTokenizer(100);
const servers: Server[] = [];
async function start(opts: Partial<Parameters<typeof createCompletionsServer>[0]> = {}): Promise<string> {
  const engine = opts.engine ?? createLocalEngine(createFakeModel({ vocabSize: 100 }), tokenizer);
  const s = createCompletionsServer({ engine, tokenizer, modelName: 'fake', ...opts });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
const post = (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });

/** An engine that never finishes; records the abort signal it was given. */
function hangingEngine() {
  const state = { calls: 0, aborted: 0 };
  const engine: RolloutEngine = {
    generate: (_p, opts: GenerateOptions) =>
      new Promise((_resolve, reject) => {
        state.calls++;
        opts.signal?.addEventListener('abort', () => {
          state.aborted++;
          reject(opts.signal!.reason);
        });
      }),
  };
  return { engine, state };
}

describe('parseCompletionRequest', () => {
  const parse = (b: unknown) => parseCompletionRequest(b, tokenizer, 'fake', DEFAULT_LIMITS);
  it('accepts the OpenAI prompt forms and vLLM extensions', () => {
    expect(parse({ prompt: 'ab' }).prompts).toEqual([tokenizer.encode('ab')]);
    expect(parse({ prompt: ['ab', 'c'] }).prompts).toEqual([tokenizer.encode('ab'), tokenizer.encode('c')]);
    expect(parse({ prompt: [5, 6] }).prompts).toEqual([[5, 6]]);
    expect(parse({ prompt: [[5], [6, 7]] }).prompts).toEqual([[5], [6, 7]]);
    const r = parse({ prompt: 'a', n: 2, max_tokens: 7, temperature: 0, top_p: 0.5, top_k: 3, seed: 1, stop: 'x', logprobs: 2, stop_token_ids: [9] });
    expect(r).toMatchObject({ n: 2, maxTokens: 7, temperature: 0, topP: 0.5, topK: 3, seed: 1, stop: ['x'], logprobs: 2, eosTokenIds: [2, 9] });
    expect(parse({ prompt: 'a', ignore_eos: true }).eosTokenIds).toEqual([]);
    expect(parse({ prompt: 'a', max_tokens: null, temperature: null }).maxTokens).toBe(16); // OpenAI default
  });
  it('refuses what it cannot honour, naming the parameter', () => {
    const err = (b: unknown) => {
      try {
        parse(b);
      } catch (e) {
        return e as RequestError;
      }
      throw new Error('no error');
    };
    expect(err([1, 2]).message).toMatch(/JSON object/);
    expect(err({}).param).toBe('prompt');
    expect(err({ prompt: 'a', n: 0 }).param).toBe('n');
    expect(err({ prompt: 'a', best_of: 3 }).param).toBe('best_of');
    expect(err({ prompt: 'a', echo: true }).param).toBe('echo');
    expect(err({ prompt: 'a', presence_penalty: 0.5 }).param).toBe('presence_penalty');
    expect(err({ prompt: 'a', seed: 1.5 }).param).toBe('seed');
    expect(err({ prompt: 'a', stop: [1] }).param).toBe('stop');
    expect(err({ prompt: 'a', temperature: '1' }).message).toMatch(/'temperature' must be a number/);
    expect(err({ prompt: [[1], 'x', {}] }).param).toBe('prompt');
  });
});

describe('completions server', () => {
  it('returns token ids and token_id:N tokens on request, one choice per prompt × n in order', async () => {
    const url = await start();
    const res = await post(url, { prompt: ['ab', 'cde'], n: 2, max_tokens: 4, temperature: 1, seed: 3, logprobs: 1, ignore_eos: true, return_token_ids: true, return_tokens_as_token_ids: true });
    expect(res.status).toBe(200);
    const json = (await res.json()) as any;
    expect(json.choices.map((c: any) => c.index)).toEqual([0, 1, 2, 3]);
    expect(json.choices[2].prompt_token_ids).toEqual(tokenizer.encode('cde'));
    for (const c of json.choices) {
      expect(c.token_ids).toHaveLength(4);
      expect(c.logprobs.tokens).toEqual(c.token_ids.map((id: number) => `token_id:${id}`));
      expect(c.logprobs.top_logprobs[0]).toEqual({ [c.logprobs.tokens[0]]: c.logprobs.token_logprobs[0] });
      expect(c.text).toBe(tokenizer.decode(c.token_ids, { skipSpecialTokens: true }));
    }
    expect(json.usage).toEqual({ prompt_tokens: 5, completion_tokens: 16, total_tokens: 21 });
  });

  it('merges queued requests with equal settings into one engine call without changing outputs', async () => {
    const local = createLocalEngine(createFakeModel({ vocabSize: 100 }), tokenizer);
    const calls: number[] = [];
    const counting: RolloutEngine = {
      generate: (p, o) => {
        calls.push(p.length);
        return local.generate(p, o);
      },
    };
    const url = await start({ engine: counting });
    const body = (prompt: string | number[], extra: object = {}) => ({ prompt, n: 2, max_tokens: 6, temperature: 1, seed: 11, ignore_eos: true, return_token_ids: true, ...extra });
    const prompts = ['ab', 'cd', 'efg', 'h', 'ij'];
    const alone: unknown[] = [];
    for (const p of prompts) alone.push(((await (await post(url, body(p))).json()) as any).choices.map((c: any) => c.token_ids));
    expect(calls).toEqual([1, 1, 1, 1, 1]);
    calls.length = 0;
    const together = await Promise.all(prompts.map(async (p) => ((await (await post(url, body(p))).json()) as any).choices.map((c: any) => c.token_ids)));
    expect(together).toEqual(alone);
    expect(calls.length).toBeLessThan(5); // the first runs alone, the rest wait and are merged
    expect(calls.reduce((a, b) => a + b, 0)).toBe(5);
    // different settings are not merged; a bad request merged with good ones fails alone
    calls.length = 0;
    const mixed = await Promise.all([
      post(url, body('ab')),
      post(url, body('cd', { max_tokens: 3 })),
      post(url, body([5, 999])),
      post(url, body('ef')),
    ]);
    expect(mixed.map((r) => r.status)).toEqual([200, 200, 400, 200]);
    expect(((await mixed[2].json()) as any).error.message).toMatch(/999/);
    expect(((await mixed[1].json()) as any).choices[0].token_ids).toHaveLength(3);
  });

  it('requires the API key when one is set', async () => {
    const url = await start({ apiKey: 'sesame' });
    expect((await post(url, { prompt: 'a' })).status).toBe(401);
    expect((await post(url, { prompt: 'a', max_tokens: 1 }, { authorization: 'Bearer sesame' })).status).toBe(200);
  });

  it('stops generating when the client hangs up, and answers 429 when the queue is full', async () => {
    const { engine, state } = hangingEngine();
    const url = await start({ engine, limits: { maxConcurrent: 1, maxQueued: 0 } });
    const ac = new AbortController();
    const first = post(url, { prompt: 'a' }, {}, ac.signal).catch((e) => e);
    while (state.calls === 0) await new Promise((r) => setTimeout(r, 5));
    const busy = await post(url, { prompt: 'a' });
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('1');
    ac.abort();
    await first;
    for (let i = 0; i < 200 && state.aborted === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(state.aborted).toBe(1);
  });

  it('streams: a client that hangs up mid-stream stops the generation; failures before the first event keep their status', async () => {
    // an engine that reports a token every 5 ms until it is aborted
    const state = { tokens: 0, aborted: false };
    const engine: RolloutEngine = {
      generate: (_p, opts: GenerateOptions) =>
        new Promise((_resolve, reject) => {
          const timer = setInterval(() => opts.onToken?.({ promptIndex: 0, sampleIndex: 0, token: 10 + (state.tokens++ % 50), logprob: -1 }), 5);
          opts.signal?.addEventListener('abort', () => {
            clearInterval(timer);
            state.aborted = true;
            reject(opts.signal!.reason);
          });
        }),
    };
    const url = await start({ engine, limits: { maxConcurrent: 1, maxQueued: 0 } });
    const ac = new AbortController();
    const res = await post(url, { prompt: 'a', max_tokens: 1000, stream: true }, {}, ac.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^data: \{"id":"cmpl-/);
    // the queue is full while it streams: the 429 arrives as a status, not inside a 200 stream
    const busy = await post(url, { prompt: 'a', stream: true });
    expect(busy.status).toBe(429);
    ac.abort();
    for (let i = 0; i < 200 && !state.aborted; i++) await new Promise((r) => setTimeout(r, 5));
    expect(state.aborted).toBe(true);
  });

  it('streams: a choice gets its finish chunk as soon as its response is done, not when the whole call ends', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let waiting = false;
    const engine: RolloutEngine = {
      generate: async (p, opts: GenerateOptions) => {
        const done = (s: number, token: number, finishReason: 'stop' | 'length'): Rollout => ({
          promptIndex: 0, sampleIndex: s, promptIds: p[0] as number[], responseIds: [token], text: tokenizer.decode([token]), logprobs: [-1], finishReason,
        });
        opts.onToken?.({ promptIndex: 0, sampleIndex: 0, token: 40, logprob: -1 });
        opts.onRollout?.(done(0, 40, 'stop'));
        waiting = true; // sample 1 is still generating
        await Promise.race([released, new Promise((r) => setTimeout(r, 3000))]);
        waiting = false;
        opts.onToken?.({ promptIndex: 0, sampleIndex: 1, token: 41, logprob: -1 });
        return [done(0, 40, 'stop'), done(1, 41, 'length')];
      },
    };
    const url = await start({ engine });
    const res = await post(url, { prompt: 'a', n: 2, stream: true });
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('"finish_reason":"stop"')) seen += new TextDecoder().decode((await reader.read()).value);
    expect(waiting).toBe(true);
    release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen += new TextDecoder().decode(r.value);
    const chunks = seen.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)).choices[0]);
    expect(chunks.map((c) => [c.index, c.text, c.finish_reason])).toEqual([[0, tokenizer.decode([40]), null], [0, '', 'stop'], [1, tokenizer.decode([41]), null], [1, '', 'length']]);
    expect(seen.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('streams an engine failure after the first chunk as an error event, then [DONE]', async () => {
    const engine: RolloutEngine = {
      generate: async (_p, opts: GenerateOptions) => {
        opts.onToken?.({ promptIndex: 0, sampleIndex: 0, token: 40, logprob: -0.5 });
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('device lost');
      },
    };
    const url = await start({ engine });
    const res = await post(url, { prompt: 'a', stream: true, ignore_eos: true });
    expect(res.status).toBe(200);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(JSON.parse(events[0].slice(6)).choices[0].text).toBe(tokenizer.decode([40]));
    expect(JSON.parse(events[1].slice(6)).error).toMatchObject({ code: 500, message: expect.stringMatching(/device lost/) });
    expect(events[2]).toBe('data: [DONE]');
  });

  it('reports an engine failure as 500 with its message', async () => {
    const engine: RolloutEngine = { generate: async () => Promise.reject(new Error('out of memory')) };
    const url = await start({ engine });
    const res = await post(url, { prompt: 'a' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as any).error.message).toMatch(/out of memory/);
  });
});
