// The remote engine over three of this package's completions servers on 127.0.0.1 (the HF
// reference qwen2-tiny through the local engine): requests are spread over them, and when one
// is killed in the middle of a call the call still completes, with a warning, and gives the
// same rollouts as one server at temperature 0.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, type CausalLM } from '@verl-ts/models';
import { createLocalEngine } from './local-engine.js';
import { createCompletionsServer } from './completions-server.js';
import { createRemoteEngine } from './remote-engine.js';
import { createCharTokenizer } from './test-utils/char-tokenizer.js';
import { fixturePath } from '../../../tools/test-support/fixtures.js';
import type { Rollout } from './types.js';

const tokenizer = createCharTokenizer(320);
let model: CausalLM;
const servers: (Server & { requests: number })[] = [];
const urls: string[] = [];

beforeAll(async () => {
  await initBackend();
  model = await loadCausalLM(fixturePath('hf-reference', 'qwen2-tiny'));
  for (let i = 0; i < 3; i++) {
    const s = createCompletionsServer({ engine: createLocalEngine(model, tokenizer), tokenizer, modelName: 'qwen2-tiny' }) as Server & { requests: number };
    s.requests = 0;
    s.on('request', () => s.requests++);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    servers.push(s);
    urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  }
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  model.dispose();
});

const prompts = Array.from({ length: 12 }, (_, i) => Array.from({ length: 5 + (i % 4) }, (_, j) => 10 + ((i * 31 + j * 7) % 250)));
const options = { maxNewTokens: 24, temperature: 0, n: 1, eosTokenIds: [] as number[] };
const essence = (rs: Rollout[]) => rs.map((r) => ({ p: r.promptIndex, s: r.sampleIndex, ids: r.responseIds, lp: r.logprobs, f: r.finishReason }));

describe('remote engine over several servers', () => {
  it('spreads requests over three servers, survives one killed mid-run, and matches one server at temperature 0', async () => {
    const one = createRemoteEngine({ baseUrl: urls[0], model: 'qwen2-tiny', concurrency: 1 });
    const single = await one.generate(prompts, options);
    await one.close?.();
    expect(single).toHaveLength(12);

    // all three alive: every server takes a share
    const warnings: string[] = [];
    const pool = createRemoteEngine({ baseUrl: urls.join(','), model: 'qwen2-tiny', concurrency: 1, warn: (m) => warnings.push(m), backoffMs: 10 });
    const before = servers.map((s) => s.requests);
    expect(essence(await pool.generate(prompts, options))).toEqual(essence(single));
    const shares = servers.map((s, i) => s.requests - before[i]);
    expect(shares.every((n) => n >= 2)).toBe(true);
    expect(shares.reduce((a, b) => a + b)).toBe(12);
    expect(warnings).toEqual([]);

    // server 1 is killed (its connections cut) once 3 rollouts are in
    const at = servers.map((s) => s.requests);
    let killed = -1;
    const out = await pool.generate(prompts, {
      ...options,
      onProgress: ({ done }) => {
        if (done >= 3 && killed < 0) {
          killed = servers[1].requests - at[1];
          servers[1].closeAllConnections();
          servers[1].close();
        }
      },
    });
    expect(essence(out)).toEqual(essence(single));
    expect(killed).toBeGreaterThanOrEqual(1); // it had taken requests when it died
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`remote server ${urls[1]} failed`);
    expect(warnings[0]).toContain('requests go to the other 2 servers');
    await pool.close?.();
  });
});
