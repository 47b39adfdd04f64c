// The remote engine against real HTTP servers on 127.0.0.1: this package's completions server
// serving the HF reference qwen2-tiny through the local engine, and small misbehaving servers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, type CausalLM } from '@verl-ts/models';
import { createLocalEngine } from './local-engine.js';
import { createCompletionsServer } from './completions-server.js';
import { createRemoteEngine, RemoteEngineError } from './remote-engine.js';
import type { Rollout } from './types.js';
import { createCharTokenizer } from './test-utils/char-tokenizer.js';
import { fixturePath } from '../../../tools/test-support/fixtures.js';

const dir = fixturePath('hf-reference', 'qwen2-tiny');
const ref = JSON.parse(readFileSync(`${dir}/reference.json`, 'utf8')) as { greedy_prompt: number[]; greedy_continuation: number[] };
const tokenizer = createCharTokenizer(320);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
/** A raw server whose handler the test controls; counts requests. */
function rawServer(handler: (req: IncomingMessage, res: ServerResponse, count: number) => void): Server & { count: number } {
  const s = createServer((req, res) => {
    s.count++;
    req.resume();
    handler(req, res, s.count);
  }) as Server & { count: number };
  s.count = 0;
  return s;
}

let model: CausalLM;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  await initBackend();
  model = await loadCausalLM(dir);
  server = createCompletionsServer({
    engine: createLocalEngine(model, tokenizer),
    tokenizer,
    modelName: 'qwen2-tiny',
    limits: { maxN: 8, maxTokens: 64 },
  });
  baseUrl = await listen(server);
});
afterAll(async () => {
  await shut(server);
  model.dispose();
});

async function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('completions server (qwen2-tiny through the local engine)', () => {
  it('lists the model and answers an OpenAI-shaped completion', async () => {
    const models = (await (await fetch(`${baseUrl}/v1/models`)).json()) as any;
    expect(models.data.map((m: any) => m.id)).toEqual(['qwen2-tiny']);
    const { status, json } = await post('/v1/completions', {
      model: 'qwen2-tiny', prompt: ref.greedy_prompt, max_tokens: 16, temperature: 0, logprobs: 0, ignore_eos: true, some_unknown_field: 1,
    });
    expect(status).toBe(200);
    expect(json.object).toBe('text_completion');
    const c = json.choices[0];
    expect(c.text).toBe(tokenizer.decode(ref.greedy_continuation, { skipSpecialTokens: true }));
    expect(c.finish_reason).toBe('length');
    expect(c.logprobs.tokens).toEqual(ref.greedy_continuation.map((id) => tokenizer.decode([id])));
    expect(c.logprobs.token_logprobs).toHaveLength(16);
    expect(json.usage).toEqual({ prompt_tokens: 12, completion_tokens: 16, total_tokens: 28 });
  });

  it('rejects bad requests with 4xx and a message', async () => {
    const bad = await post('/v1/completions', '{"prompt": [1, 2');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/not valid JSON/);
    expect((await post('/v1/completions', { prompt: 'hi', n: 9 })).json.error.message).toMatch(/'n' must be in \[1, 8\]/);
    expect((await post('/v1/completions', { prompt: 'hi', max_tokens: 65 })).status).toBe(400);
    expect((await post('/v1/completions', { prompt: 'hi', top_p: 0 })).json.error.param).toBe('top_p');
    expect((await post('/v1/completions', { prompt: [] })).status).toBe(400);
    expect((await post('/v1/completions', { prompt: [[5, 999]] })).status).toBe(400); // token outside the model's vocabulary
    expect((await post('/v1/completions', { prompt: 'hi', stream_options: { include_usage: true } })).json.error.param).toBe('stream_options');
    expect((await post('/v1/completions', { prompt: 'hi', model: 'gpt-9' })).status).toBe(404);
    expect((await post('/v1/completions', { prompt: 'x'.repeat(2 << 20) })).status).toBe(413);
    expect((await fetch(`${baseUrl}/v1/completions`)).status).toBe(405);
    expect((await fetch(`${baseUrl}/v2/nothing`)).status).toBe(404);
  });
});

describe('remote engine', () => {
  it('reproduces local greedy generation, with token ids and log-probs, through HTTP', async () => {
    const remote = createRemoteEngine({ baseUrl, model: 'qwen2-tiny' });
    const local = createLocalEngine(model, tokenizer);
    const prompts = [ref.greedy_prompt, ref.greedy_prompt.slice(0, 5)];
    const opts = { maxNewTokens: 16, temperature: 0, eosTokenIds: [] };
    const [r, l] = [await remote.generate(prompts, opts), await local.generate(prompts, opts)];
    expect(r[0].responseIds).toEqual(ref.greedy_continuation);
    expect(r.map((x) => x.responseIds)).toEqual(l.map((x) => x.responseIds));
    expect(r.map((x) => x.text)).toEqual(l.map((x) => x.text));
    expect(r.map((x) => x.promptIds)).toEqual(prompts);
    r.forEach((x, i) => x.logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(l[i].logprobs[t], 5)));
  });

  it('sends n, seed, stop and string prompts; a seed reproduces the samples', async () => {
    const remote = createRemoteEngine({ baseUrl: `${baseUrl}/v1/`, model: 'qwen2-tiny', concurrency: 2 });
    const events: number[] = [];
    const finished: Rollout[] = [];
    const opts = {
      n: 3,
      maxNewTokens: 12,
      temperature: 1.5,
      topK: 50,
      seed: 9,
      onProgress: (p: { done: number }) => events.push(p.done),
      onRollout: (r: Rollout) => finished.push(r),
    };
    const a = await remote.generate(['abc', 'hello'], opts);
    expect(events.sort()).toEqual([3, 6]);
    // each response is reported as its request finishes
    expect(finished.map((r) => [r.promptIndex, r.sampleIndex]).sort()).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    const b = await remote.generate(['abc', 'hello'], opts);
    expect(a.map((x) => [x.promptIndex, x.sampleIndex])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(a[3].promptIds).toEqual(tokenizer.encode('hello'));
    expect(b.map((x) => x.responseIds)).toEqual(a.map((x) => x.responseIds));
    expect(new Set(a.slice(0, 3).map((x) => x.responseIds.join())).size).toBeGreaterThan(1);
    // a stop string: pick a 2-character piece of a greedy response and stop on it
    const [g] = await remote.generate([ref.greedy_prompt], { maxNewTokens: 16, temperature: 0, eosTokenIds: [] });
    const stop = g.text.slice(12, 14);
    const [s] = await remote.generate([ref.greedy_prompt], { maxNewTokens: 16, temperature: 0, eosTokenIds: [], stop: [stop] });
    expect(s.finishReason).toBe('stop');
    expect(s.text).toBe(g.text.slice(0, g.text.indexOf(stop)));
  });

  it('retries a 500 and succeeds; a persistent 500 fails with status and body', async () => {
    // a proxy that fails the first request, then forwards to the real server
    const flaky = rawServer(async (req, res, count) => {
      if (count === 1) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom: transient');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const r = await fetch(`${baseUrl}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
      });
    });
    const broken = rawServer((_req, res) => res.writeHead(500).end('{"error": "boom: always"}'));
    try {
      const flakyUrl = await listen(flaky);
      const [r] = await createRemoteEngine({ baseUrl: flakyUrl, model: 'qwen2-tiny', retries: 2, backoffMs: 5 }).generate([ref.greedy_prompt], {
        maxNewTokens: 16, temperature: 0, eosTokenIds: [],
      });
      expect(r.responseIds).toEqual(ref.greedy_continuation);
      expect(flaky.count).toBe(2);

      const brokenUrl = await listen(broken);
      const err = await createRemoteEngine({ baseUrl: brokenUrl, model: 'm', retries: 2, backoffMs: 5 })
        .generate([[1, 2]], { maxNewTokens: 4 })
        .catch((e) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect(err.status).toBe(500);
      expect(err.body).toBe('{"error": "boom: always"}');
      expect(err.message).toMatch(/HTTP 500.*boom: always.*gave up after 3 attempts/);
      expect(broken.count).toBe(3);
      // a failed prompt cancels the call's other requests: 20 prompts, one at a time, no retries
      broken.count = 0;
      const err2 = await createRemoteEngine({ baseUrl: brokenUrl, model: 'm', retries: 0, concurrency: 1 })
        .generate(Array.from({ length: 20 }, () => [1]), { maxNewTokens: 4 })
        .catch((e) => e);
      expect(err2.status).toBe(500);
      expect(broken.count).toBe(1);
    } finally {
      await shut(flaky);
      await shut(broken);
    }
  });

  it('does not retry a 400 and reports the server message', async () => {
    const err = await createRemoteEngine({ baseUrl, model: 'qwen2-tiny', retries: 3, backoffMs: 5 })
      .generate([[1, 2]], { maxNewTokens: 1000 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect(err.status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/max_tokens/);
  });

  it('times out a server that never answers, after retrying', async () => {
    const silent = rawServer(() => {});
    try {
      const url = await listen(silent);
      const t0 = Date.now();
      const err = await createRemoteEngine({ baseUrl: url, model: 'm', timeoutMs: 150, retries: 1, backoffMs: 5 })
        .generate([[1]], { maxNewTokens: 2 })
        .catch((e) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect(err.message).toMatch(/timed out after 150 ms.*2 attempts/);
      expect(silent.count).toBe(2);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    } finally {
      await shut(silent);
    }
  });

  it('honours Retry-After on 429, and close() / an abort signal cancel requests in flight', async () => {
    let calls = 0;
    const limited = rawServer((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(429, { 'retry-after': '0' }).end('slow down');
      else res.writeHead(200).end(JSON.stringify({ choices: [{ index: 0, text: 'ok', finish_reason: 'stop', token_ids: [7, 2], logprobs: { token_logprobs: [-0.5, -0.1] } }] }));
    });
    const silent = rawServer(() => {});
    try {
      const [r] = await createRemoteEngine({ baseUrl: await listen(limited), model: 'm', backoffMs: 60_000 }).generate([[1]], { maxNewTokens: 2 });
      expect([r.text, r.responseIds, r.logprobs, r.finishReason]).toEqual(['ok', [7, 2], [-0.5, -0.1], 'stop']);
      expect(calls).toBe(2); // retried at once (Retry-After: 0), not after the 60 s backoff

      const url = await listen(silent);
      const engine = createRemoteEngine({ baseUrl: url, model: 'm', retries: 5 });
      const pending = engine.generate([[1]], { maxNewTokens: 2 }).catch((e) => e);
      while (silent.count === 0) await new Promise((res) => setTimeout(res, 5));
      await engine.close!();
      expect((await pending).message).toMatch(/cancelled: the engine was closed/);
      const ac = new AbortController();
      const aborted = createRemoteEngine({ baseUrl: url, model: 'm' }).generate([[1]], { maxNewTokens: 2, signal: ac.signal }).catch((e) => e);
      ac.abort(new Error('stopped by the trainer'));
      expect((await aborted).message).toBe('stopped by the trainer');
    } finally {
      await shut(limited);
      await shut(silent);
    }
  });

  it('reports malformed responses and network errors clearly', async () => {
    const garbage = rawServer((req, res) => {
      if (req.url?.includes('/a/')) res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops</html>');
      else if (req.url?.includes('/b/')) res.writeHead(200).end(JSON.stringify({ object: 'text_completion', result: [] }));
      else res.writeHead(200).end(JSON.stringify({ choices: [{ index: 0, text: 'x', finish_reason: 'eaten' }] }));
    });
    try {
      const url = await listen(garbage);
      const gen = (base: string) => createRemoteEngine({ baseUrl: base, model: 'm', retries: 0 }).generate([[1]], { maxNewTokens: 2 }).catch((e) => e);
      expect((await gen(`${url}/a`)).message).toMatch(/malformed response.*not JSON.*oops/);
      expect((await gen(`${url}/b`)).message).toMatch(/malformed response.*'choices'/);
      expect((await gen(`${url}/c`)).message).toMatch(/malformed response.*finish_reason "eaten"/);
    } finally {
      await shut(garbage);
    }
    const closed = rawServer(() => {});
    const url = await listen(closed);
    await shut(closed); // nothing listens on that port any more
    const err = await createRemoteEngine({ baseUrl: url, model: 'm', retries: 1, backoffMs: 5 }).generate([[1]], { maxNewTokens: 2 }).catch((e) => e);
    expect(err.message).toMatch(/network error.*2 attempts/);
  });
});
