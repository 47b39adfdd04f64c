import { describe, expect, it } from 'vitest';
import { parseChatRequest, tokenizerChatRenderer } from './chat-request.js';
import { parseCompletionRequest } from './completion-request.js';
import { DEFAULT_LIMITS, RequestError } from './request-error.js';
import { createCharTokenizer } from './test-utils/char-tokenizer.js';
import { testChatTemplate, withChatTemplate } from './test-utils/chat.js';

const tokenizer = withChatTemplate(createCharTokenizer(100));
const renderer = tokenizerChatRenderer(tokenizer);
const chat = (b: unknown, maxModelLen: number | null = null) => parseChatRequest(b, tokenizer, renderer, 'fake', DEFAULT_LIMITS, maxModelLen);
function err(f: () => unknown): RequestError {
  try {
    f();
  } catch (e) {
    if (e instanceof RequestError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('parseChatRequest', () => {
  it('renders the messages with the chat template and tokenizes the result without special tokens', () => {
    const r = chat({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: '1+1' }, { type: 'text', text: '=?' }] }] });
    expect(tokenizer.decode(r.prompts[0])).toBe('<|system|>be brief\n<|user|>1+1=?\n<|assistant|>');
    expect(r.prompts).toHaveLength(1);
    const noGen = chat({ messages: [{ role: 'user', content: 'hi' }], add_generation_prompt: false });
    expect(tokenizer.decode(noGen.prompts[0])).toBe('<|user|>hi\n');
    // an explicit renderer (verl serve --chat-template) wins over the tokenizer's
    const other = parseChatRequest({ messages: [{ role: 'user', content: 'x' }] }, createCharTokenizer(100), testChatTemplate(), 'fake', DEFAULT_LIMITS);
    expect(other.prompts[0]).toEqual(tokenizer.encode('<|user|>x\n<|assistant|>'));
  });

  it('takes the sampling fields, logprobs/top_logprobs and max_completion_tokens', () => {
    const r = chat({ messages: [{ role: 'user', content: 'a' }], n: 3, temperature: 0.5, top_p: 0.9, seed: 4, stop: ['\n'], logprobs: true, top_logprobs: 2, max_completion_tokens: 9, stream: true, stream_options: { include_usage: true } });
    expect(r).toMatchObject({ n: 3, temperature: 0.5, topP: 0.9, seed: 4, stop: ['\n'], logprobs: 2, maxTokens: 9, stream: true, includeUsage: true });
    expect(chat({ messages: [{ role: 'user', content: 'a' }], logprobs: true }).logprobs).toBe(0);
    expect(chat({ messages: [{ role: 'user', content: 'a' }] }).logprobs).toBeNull();
    expect(chat({ messages: [{ role: 'user', content: 'a' }], max_tokens: 5 }).maxTokens).toBe(5);
    // without a max, the rest of the context (capped by the server's max_tokens limit)
    expect(chat({ messages: [{ role: 'user', content: 'a' }] }, 64).maxTokens).toBe(64 - '<|user|>a\n<|assistant|>'.length);
    expect(chat({ messages: [{ role: 'user', content: 'a' }] }).maxTokens).toBe(DEFAULT_LIMITS.maxTokens);
  });

  it('refuses what it cannot honour, naming the parameter', () => {
    const m = [{ role: 'user', content: 'a' }];
    expect(err(() => chat({})).param).toBe('messages');
    expect(err(() => chat({ messages: [] })).param).toBe('messages');
    expect(err(() => chat({ messages: [{ content: 'a' }] })).message).toMatch(/role/);
    expect(err(() => chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] })).message).toMatch(/text only/);
    expect(err(() => chat({ messages: m, top_logprobs: 2 })).param).toBe('top_logprobs');
    expect(err(() => chat({ messages: m, tools: [{ type: 'function', function: { name: 'f' } }] })).param).toBe('tools');
    expect(err(() => chat({ messages: m, response_format: { type: 'json_object' } })).param).toBe('response_format');
    expect(err(() => chat({ messages: m, stream_options: { include_usage: true } })).param).toBe('stream_options');
    expect(err(() => chat({ messages: m, model: 'other' })).status).toBe(404);
    const noTemplate = err(() => parseChatRequest({ messages: m }, createCharTokenizer(100), undefined, 'fake', DEFAULT_LIMITS));
    expect(noTemplate.message).toMatch(/no chat template/);
  });
});

describe('issue 13 point 5: generation limits are checked against the model context (max_model_len)', () => {
  const completion = (b: object, len: number | null) => parseCompletionRequest(b, tokenizer, 'fake', DEFAULT_LIMITS, len);
  it('completions: prompt + max_tokens must fit; the default 16 is shortened to what is left', () => {
    expect(completion({ prompt: 'abcd', max_tokens: 12 }, 16).maxTokens).toBe(12);
    const over = err(() => completion({ prompt: 'abcd', max_tokens: 13 }, 16));
    expect(over.status).toBe(400);
    expect(over.param).toBe('max_tokens');
    expect(over.message).toMatch(/maximum context length \(max_model_len\) is 16 tokens.*17 tokens \(4 in the prompt, 13 in the completion\)/);
    expect(completion({ prompt: 'abcd' }, 10).maxTokens).toBe(6);
    // the longest prompt of a batch decides
    expect(err(() => completion({ prompt: ['a', 'abcdefghij'], max_tokens: 8 }, 16)).message).toMatch(/18 tokens/);
    const tooLong = err(() => completion({ prompt: 'x'.repeat(16) }, 16));
    expect(tooLong.param).toBe('prompt');
    expect(tooLong.message).toMatch(/max_model_len\) is 16 tokens.*16 input tokens/);
    // no model context known: only the server limit applies
    expect(completion({ prompt: 'x'.repeat(100), max_tokens: 4096 }, null).maxTokens).toBe(4096);
  });
  it('chat: the rendered prompt + max_completion_tokens must fit', () => {
    const m = [{ role: 'user', content: 'abcd' }]; // 26 tokens rendered
    expect(chat({ messages: m, max_completion_tokens: 6 }, 32).maxTokens).toBe(6);
    const over = err(() => chat({ messages: m, max_completion_tokens: 7 }, 32));
    expect(over.param).toBe('max_completion_tokens');
    expect(over.message).toMatch(/max_model_len\) is 32 tokens.*33 tokens \(26 in the messages, 7 in the completion\)/);
    expect(err(() => chat({ messages: m }, 26)).param).toBe('messages');
  });
});
