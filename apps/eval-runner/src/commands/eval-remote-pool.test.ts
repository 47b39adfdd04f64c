// `verl eval --remote URL1,URL2,URL3` against three completions servers on 127.0.0.1 (the
// bundled tiny-arith policy through rollout's local engine): one of them is killed while it
// answers its second request, the run completes with a warning, and every response equals
// the one-server run at temperature 0.
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, loadTokenizer, type CausalLM } from '@verl-ts/models';
import { createCompletionsServer, createLocalEngine } from '@verl-ts/rollout';
import { main } from '../cli/main.js';
import { readRecords } from '../eval/records.js';
import type { EvalSummary } from '../eval/summary-types.js';
import { tinyArithDir } from '../demo/assets.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const signal = new AbortController().signal;
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal } };
}

let model: CausalLM;
const servers: (Server & { completions: number })[] = [];
const urls: string[] = [];

beforeAll(async () => {
  await initBackend();
  model = await loadCausalLM(tinyArithDir());
  const tokenizer = await loadTokenizer(tinyArithDir());
  for (let i = 0; i < 3; i++) {
    const s = createCompletionsServer({ engine: createLocalEngine(model, tokenizer), tokenizer, modelName: 'tiny-arith' }) as Server & { completions: number };
    s.completions = 0;
    s.on('request', (req) => {
      if (req.url?.endsWith('/completions')) s.completions++;
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    servers.push(s);
    urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  }
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    if (s.listening) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  model.dispose();
});

describe('verl eval --remote with several servers', () => {
  it('completes with one of three servers killed mid-run, with the responses of a one-server run', async () => {
    const common = ['--bench', 'arithmetic', '--limit', '12', '--n', '2', '--k', '1,2', '--max-tokens', '16', '--temperature', '0', '--concurrency', '1'];
    const oneOut = mkdtempSync(join(tmpdir(), 'verl-remote-one-'));
    const one = capture();
    expect(await main(['eval', '--remote', urls[0], ...common, '--out', oneOut], one.io), one.err.join('')).toBe(0);

    // server 1 dies while it answers its second request of the pooled run
    const victim = servers[1];
    const start = victim.completions;
    victim.on('request', () => {
      if (victim.completions !== start + 2) return;
      // killed: it stops listening and its open connections (the request in flight) are cut
      setImmediate(() => {
        victim.close();
        victim.closeAllConnections();
      });
    });
    const poolOut = mkdtempSync(join(tmpdir(), 'verl-remote-pool-'));
    const pool = capture();
    const before = servers.map((s) => s.completions);
    expect(await main(['eval', '--remote', urls.join(','), ...common, '--out', poolOut], pool.io), pool.err.join('')).toBe(0);
    const served = servers.map((s, i) => s.completions - before[i]);
    expect(served[1]).toBe(2); // it took requests, then was gone
    expect(served[0] + served[2]).toBe(11); // the others did the rest, the cut request included
    expect(pool.err.join('')).toContain(`verl eval: warning: remote server ${urls[1]} failed`);

    const a = readRecords(join(oneOut, 'arithmetic.jsonl'));
    const b = readRecords(join(poolOut, 'arithmetic.jsonl'));
    expect(b.size).toBe(12);
    for (const [id, rec] of a) expect(b.get(id)!.responses).toEqual(rec.responses);
    const sa = JSON.parse(readFileSync(join(oneOut, 'summary.json'), 'utf8')) as EvalSummary;
    const sb = JSON.parse(readFileSync(join(poolOut, 'summary.json'), 'utf8')) as EvalSummary;
    expect(sb.benchmarks[0].avgN).toBe(sa.benchmarks[0].avgN);
    expect(sb.model).toBe('tiny-arith');
  });
});
