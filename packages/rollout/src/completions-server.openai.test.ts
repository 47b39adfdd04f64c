// The completions server through the official `openai` npm client (as chat UIs and evaluation
// harnesses use it), serving the HF reference qwen2-tiny (its real config: 256 positions) through
// the local engine, with a char tokenizer that has a chat template.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { initBackend, loadCausalLM, type CausalLM } from '@verl-ts/models';
import { createLocalEngine } from './local-engine.js';
import { createCompletionsServer } from './completions-server.js';
import { createCharTokenizer } from './test-utils/char-tokenizer.js';
import { withChatTemplate } from './test-utils/chat.js';
import { fixturePath } from '../../../tools/test-support/fixtures.js';

const tokenizer = withChatTemplate(createCharTokenizer(320));
const MODEL = 'qwen2-tiny';
let model: CausalLM;
let server: Server;
let client: OpenAI;
// vLLM's extra sampling fields go through the client as extra body fields
const noEos = { ignore_eos: true } as Record<string, unknown>;

beforeAll(async () => {
  await initBackend();
  model = await loadCausalLM(fixturePath('hf-reference', 'qwen2-tiny'));
  server = createCompletionsServer({ engine: createLocalEngine(model, tokenizer), tokenizer, modelName: MODEL, limits: { maxTokens: 64 } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  model.dispose();
});

/** The error a rejected call threw. */
async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OpenAI.APIError) return e;
    throw e;
  }
  throw new Error('the call succeeded');
}

describe('issue 13 point 5: serve checks prompt + max_tokens against the model context', () => {
  it('reports max_model_len from the model config and answers 400 naming it when a request does not fit', async () => {
    const models = await client.models.list();
    expect((models.data[0] as unknown as { max_model_len: number }).max_model_len).toBe(256);
    const over = await failure(client.completions.create({ model: MODEL, prompt: 'a'.repeat(250), max_tokens: 16 }));
    expect(over.status).toBe(400);
    expect(over.message).toMatch(/max_model_len\) is 256 tokens.*266 tokens \(250 in the prompt, 16 in the completion\)/);
    const long = await failure(client.completions.create({ model: MODEL, prompt: 'a'.repeat(300), max_tokens: 1 }));
    expect(long.message).toMatch(/max_model_len\) is 256 tokens.*300 input tokens/);
    const chat = await failure(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'a'.repeat(240) }], max_completion_tokens: 10 }));
    expect(chat.status).toBe(400);
    expect(chat.message).toMatch(/max_model_len/);
    // exactly the context is fine
    const fits = await client.completions.create({ model: MODEL, prompt: 'a'.repeat(240), max_tokens: 16, temperature: 0, ...noEos });
    expect(fits.usage).toEqual({ prompt_tokens: 240, completion_tokens: 16, total_tokens: 256 });
  });
});

describe('serve through the official openai client', () => {
  it('completions: n > 1 in order, logprobs, stop cuts the text as vLLM does', async () => {
    const base = { model: MODEL, prompt: '12+7=', max_tokens: 12, temperature: 1, seed: 5, ...noEos };
    const r = await client.completions.create({ ...base, n: 3, logprobs: 1 });
    expect(r.object).toBe('text_completion');
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(r.choices.map((c) => c.text)).size).toBe(3);
    for (const c of r.choices) {
      expect(c.finish_reason).toBe('length');
      expect(c.logprobs!.token_logprobs).toHaveLength(12);
      expect(c.logprobs!.token_logprobs!.every((x) => x <= 0 && Number.isFinite(x))).toBe(true);
      expect(c.logprobs!.top_logprobs![0]).toEqual({ [c.logprobs!.tokens![0]]: c.logprobs!.token_logprobs![0] });
    }
    expect(r.usage).toEqual({ prompt_tokens: 5, completion_tokens: 36, total_tokens: 41 });
    // the same seed with a stop string taken from the middle of the first sample's text
    const text = r.choices[0].text;
    const stop = text.slice(5, 7);
    const cut = await client.completions.create({ ...base, stop: [stop] });
    expect(cut.choices[0].text).toBe(text.slice(0, text.indexOf(stop)));
    expect(cut.choices[0].finish_reason).toBe('stop');
  });

});

describe('issue 13 point 7: chat completions and streaming through the official openai client', () => {
  it("chat: renders the model's chat template; n > 1, logprobs in the chat format, stop", async () => {
    const messages = [{ role: 'system' as const, content: 'add' }, { role: 'user' as const, content: '12+7' }];
    const base = { model: MODEL, messages, max_completion_tokens: 10, temperature: 1, seed: 3, ...noEos };
    const r = await client.chat.completions.create({ ...base, n: 2, logprobs: true, top_logprobs: 1 });
    expect(r.object).toBe('chat.completion');
    expect(r.choices).toHaveLength(2);
    // the same as a completion of the rendered prompt
    const rendered = '<|system|>add\n<|user|>12+7\n<|assistant|>';
    const plain = await client.completions.create({ model: MODEL, prompt: rendered, max_tokens: 10, temperature: 1, seed: 3, n: 2, ...noEos });
    expect(r.choices.map((c) => c.message.content)).toEqual(plain.choices.map((c) => c.text));
    expect(r.usage).toEqual(plain.usage);
    for (const c of r.choices) {
      expect(c.message.role).toBe('assistant');
      const lp = c.logprobs!.content!;
      expect(lp).toHaveLength(10);
      for (const t of lp) {
        expect(t.logprob).toBeLessThanOrEqual(0);
        expect(t.bytes).toEqual([...Buffer.from(t.token, 'utf8')]);
        expect(t.top_logprobs).toEqual([{ token: t.token, logprob: t.logprob, bytes: t.bytes }]);
      }
    }
    const content = r.choices[0].message.content!;
    const stop = content.slice(4, 6);
    const cut = await client.chat.completions.create({ ...base, stop });
    expect(cut.choices[0].message.content).toBe(content.slice(0, content.indexOf(stop)));
    expect(cut.choices[0].finish_reason).toBe('stop');
  });

  it('streaming (server-sent events): completions and chat chunks join to the non-streamed response', async () => {
    const base = { model: MODEL, prompt: '3*4-1=', max_tokens: 16, temperature: 1, seed: 9, n: 2, logprobs: 1, ...noEos };
    const full = await client.completions.create(base);
    const stop = full.choices[1].text.slice(8, 11);
    const want = await client.completions.create({ ...base, stop });
    const texts = ['', ''];
    const logprobs: number[][] = [[], []];
    const finish: (string | null)[] = [null, null];
    let chunks = 0;
    let usage: unknown;
    const stream = await client.completions.create({ ...base, stop, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) {
      chunks++;
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        texts[c.index] += c.text;
        logprobs[c.index].push(...(c.logprobs?.token_logprobs ?? []));
        if (c.finish_reason) finish[c.index] = c.finish_reason;
      }
    }
    expect(texts).toEqual(want.choices.map((c) => c.text));
    expect(finish).toEqual(want.choices.map((c) => c.finish_reason));
    expect(finish[1]).toBe('stop');
    expect(logprobs).toEqual(want.choices.map((c) => c.logprobs!.token_logprobs));
    expect(usage).toEqual(want.usage);
    expect(chunks).toBeGreaterThan(10); // token by token, not one chunk at the end

    const messages = [{ role: 'user' as const, content: 'hi' }];
    const chatBase = { model: MODEL, messages, max_completion_tokens: 12, temperature: 0.8, seed: 2, logprobs: true, ...noEos };
    const chatFull = await client.chat.completions.create(chatBase);
    const roles: string[] = [];
    let content = '';
    const tokens: string[] = [];
    let reason: string | null = null;
    for await (const chunk of await client.chat.completions.create({ ...chatBase, stream: true })) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const c = chunk.choices[0];
      if (c.delta.role) roles.push(c.delta.role);
      content += c.delta.content ?? '';
      tokens.push(...(c.logprobs?.content ?? []).map((t) => t.token));
      reason = c.finish_reason ?? reason;
    }
    expect(roles).toEqual(['assistant']);
    expect(content).toBe(chatFull.choices[0].message.content);
    expect(tokens).toEqual(chatFull.choices[0].logprobs!.content!.map((t) => t.token));
    expect(reason).toBe('length');
  });

  it('answers 50 concurrent requests (completions, chat, streamed) like the same requests one at a time', async () => {
    const request = async (i: number): Promise<string> => {
      const common = { model: MODEL, temperature: 1, seed: 100 + i, ...noEos };
      if (i % 3 === 0) return (await client.completions.create({ ...common, prompt: `${i}+1=`, max_tokens: 6 })).choices[0].text;
      if (i % 3 === 1) return (await client.chat.completions.create({ ...common, messages: [{ role: 'user', content: `${i}` }], max_completion_tokens: 6 })).choices[0].message.content!;
      let text = '';
      for await (const c of await client.completions.create({ ...common, prompt: `${i}*2=`, max_tokens: 6, stream: true })) text += c.choices[0]?.text ?? '';
      return text;
    };
    const alone: string[] = [];
    for (const i of [0, 1, 2, 47, 49]) alone.push(await request(i));
    const together = await Promise.all(Array.from({ length: 50 }, (_, i) => request(i)));
    expect(together.every((t) => t.length > 0)).toBe(true);
    expect([0, 1, 2, 47, 49].map((i) => together[i])).toEqual(alone);
  });
});
