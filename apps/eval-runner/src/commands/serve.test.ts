// verl serve end to end on 127.0.0.1 with a tiny random model written to a temporary folder:
// the context it reports and enforces, chat through --chat-template, streaming.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';

function capture(signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal } };
}

let modelDir: string;
beforeAll(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'verl-serve-model-'));
  await writeTinyTestModel(modelDir); // max_position_embeddings 4096, no chat template
});

/** Runs `verl serve` with extra arguments, calls `body` with its base URL, then stops it (exit code 0). */
async function serving(extra: string[], body: (url: string) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const s = capture(stop.signal);
  const served = main(['serve', '--model', modelDir, '--port', '0', '--name', 'tiny', ...extra], s.io);
  let url = '';
  for (let i = 0; i < 600 && !url; i++) {
    url = /serving tiny on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(s.out.join(''))?.[1] ?? '';
    if (!url) await Promise.race([served, new Promise((r) => setTimeout(r, 50))]);
  }
  expect(url, s.err.join('')).not.toBe('');
  try {
    await body(url);
  } finally {
    stop.abort();
    expect(await served).toBe(0);
  }
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('verl serve', () => {
  it('issue 13 point 5: reports max_model_len (the config, or --max-model-len) and refuses requests that do not fit', async () => {
    await serving([], async (url) => {
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string; max_model_len: number }[] };
      expect(models.data[0]).toMatchObject({ id: 'tiny', max_model_len: 4096 });
    });
    await serving(['--max-model-len', '40'], async (url) => {
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { max_model_len: number }[] };
      expect(models.data[0].max_model_len).toBe(40);
      const over = await post(url, '/v1/completions', { prompt: '1234567890'.repeat(3), max_tokens: 11 });
      expect(over.status).toBe(400);
      const err = ((await over.json()) as { error: { message: string; param: string } }).error;
      expect(err.param).toBe('max_tokens');
      expect(err.message).toMatch(/max_model_len\) is 40 tokens.*41 tokens \(30 in the prompt, 11 in the completion\)/);
      const fits = await post(url, '/v1/completions', { prompt: '1234567890'.repeat(3), max_tokens: 10, ignore_eos: true });
      expect(((await fits.json()) as { usage: { total_tokens: number } }).usage.total_tokens).toBe(40);
    });
    const c = capture();
    expect(await main(['serve', '--model', modelDir, '--port', '0', '--max-model-len', '5000'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/model's context \(4096, from max_position_embeddings\)/);
  });

  it('issue 13 point 7: chat completions with --chat-template, streamed as server-sent events', async () => {
    const template = join(mkdtempSync(join(tmpdir(), 'verl-serve-tpl-')), 'chat.jinja');
    writeFileSync(template, '{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}');
    await serving([], async (url) => {
      const res = await post(url, '/v1/chat/completions', { messages: [{ role: 'user', content: '2+2' }] });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no chat template/);
    });
    await serving(['--chat-template', template], async (url) => {
      const request = { messages: [{ role: 'user', content: '2+2' }], max_tokens: 8, temperature: 1, seed: 1, ignore_eos: true };
      const full = (await (await post(url, '/v1/chat/completions', request)).json()) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number } };
      expect(full.usage.prompt_tokens).toBe('user: 2+2\nassistant: '.length); // one token per character
      const plain = (await (await post(url, '/v1/completions', { ...request, prompt: 'user: 2+2\nassistant: ' })).json()) as { choices: { text: string }[] };
      expect(full.choices[0].message.content).toBe(plain.choices[0].text);

      const streamed = await post(url, '/v1/chat/completions', { ...request, stream: true });
      expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = (await streamed.text()).split('\n\n').filter((e) => e.length > 0);
      expect(events.every((e) => e.startsWith('data: '))).toBe(true);
      expect(events.at(-1)).toBe('data: [DONE]');
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as { choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[] });
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(full.choices[0].message.content);
      expect(chunks.at(-1)!.choices[0].finish_reason).toBe('length');
    });
  });
});
