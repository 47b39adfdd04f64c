import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasShared, sharedDir } from '../../../../tools/test-support/shared.js';
import { main } from '../cli/main.js';
import { readRecords } from '../eval/records.js';
import type { EvalSummary } from '../eval/summary-types.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';
import { tinyArithDir } from '../demo/assets.js';

function capture(signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal } };
}

describe('verl eval on the bundled tiny-arith policy', () => {
  it('scores the synthetic held-out set well above chance (SFT start is ~30%)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-bundled-'));
    const c = capture();
    const code = await main(['eval', '--model', tinyArithDir(), '--bench', 'arithmetic', '--limit', '60', '--n', '2', '--k', '1,2', '--max-tokens', '24', '--out', out, '--probe', '--probe-stride', '4'], c.io);
    expect(code, c.err.join('')).toBe(0);
    const probe = readFileSync(join(out, 'probe.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entropy: number; confidence: number; er: number; erv: number });
    expect(probe).toHaveLength(120);
    for (const p of probe) {
      expect(p.confidence).toBeGreaterThan(0);
      expect(p.confidence).toBeLessThanOrEqual(1);
      expect(p.er).toBeGreaterThan(1);
    }
    const b = (JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary).benchmarks[0];
    expect(b.problems).toBe(60);
    expect(b.extractedRate).toBeGreaterThan(0.95); // it always ends with \boxed{…}
    expect(b.truncatedRate).toBeLessThan(0.05);
    expect(b.avgN).toBeGreaterThan(0.15);
    expect(b.avgN).toBeLessThan(0.6);
    const rec = [...readRecords(join(out, 'arithmetic.jsonl')).values()][0];
    expect(rec.responses[0]).toMatch(/\\boxed\{-?\d+\}$/);
  });
});

describe('verl eval with a tiny random model', () => {
  let modelDir: string;
  beforeAll(async () => {
    modelDir = mkdtempSync(join(tmpdir(), 'verl-tiny-'));
    await writeTinyTestModel(modelDir);
  });

  it.skipIf(!hasShared)('scores gaokao2024_mix and math500 end to end from --data-dir', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    const c = capture();
    const code = await main(['eval', '--model', modelDir, '--bench', 'gaokao2024_mix,math500', '--data-dir', join(sharedDir, 'benchmarks'), '--limit', '3', '--n', '2', '--k', '1,2', '--max-tokens', '6', '--out', out], c.io);
    expect(code, c.err.join('')).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary;
    expect(summary.benchmarks.map((b) => [b.benchmark, b.problems, b.samples])).toEqual([['gaokao2024_mix', 3, 2], ['math500', 3, 2]]);
    for (const b of summary.benchmarks) {
      expect(b.avgN).toBeGreaterThanOrEqual(0);
      expect(b.avgN).toBeLessThanOrEqual(1);
      expect(Object.keys(b.passAtK)).toEqual(['1', '2']);
      const recs = [...readRecords(join(out, `${b.benchmark}.jsonl`)).values()];
      expect(recs).toHaveLength(3);
      for (const r of recs) {
        expect(r.responses).toHaveLength(2);
        expect(r.responseTokens.every((t) => t >= 1 && t <= 6)).toBe(true);
        expect(r.answer.length).toBeGreaterThan(0);
      }
    }
    const math = [...readRecords(join(out, 'math500.jsonl')).values()];
    expect(math[0].question).toContain('Convert the point');
    const table = c.out.join('');
    expect(table).toMatch(/gaokao2024_mix\s+3\s/);
    expect(table).toMatch(/math500\s+3\s/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| math500 | 3 |');
    // a second run finds everything done and generates nothing
    const again = capture();
    expect(await main(['eval', '--model', modelDir, '--bench', 'gaokao2024_mix,math500', '--data-dir', join(sharedDir, 'benchmarks'), '--limit', '3', '--n', '2', '--k', '1,2', '--max-tokens', '6', '--out', out], again.io)).toBe(0);
    expect(again.err.join('')).toContain('math500: 3 of 3 problems already in');
  });

  it('serve + eval --remote on 127.0.0.1 gives the same greedy responses as local eval', async () => {
    const stop = new AbortController();
    const s = capture(stop.signal);
    const served = main(['serve', '--model', modelDir, '--port', '0', '--name', 'tiny'], s.io);
    let url = '';
    for (let i = 0; i < 600 && !url; i++) {
      url = /serving tiny on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(s.out.join(''))?.[1] ?? '';
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url, s.err.join('')).not.toBe('');
    try {
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(models.data[0].id).toBe('tiny');
      const bad = await fetch(`${url}/v1/completions`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
      expect(bad.status).toBe(400);

      const common = ['--bench', 'arithmetic', '--limit', '4', '--n', '2', '--k', '1,2', '--max-tokens', '8', '--temperature', '0'];
      const remoteOut = mkdtempSync(join(tmpdir(), 'verl-remote-'));
      const r = capture();
      expect(await main(['eval', '--remote', url, ...common, '--out', remoteOut], r.io), r.err.join('')).toBe(0);
      const localOut = mkdtempSync(join(tmpdir(), 'verl-local-'));
      const l = capture();
      expect(await main(['eval', '--model', modelDir, ...common, '--out', localOut], l.io), l.err.join('')).toBe(0);
      const remote = readRecords(join(remoteOut, 'arithmetic.jsonl'));
      const local = readRecords(join(localOut, 'arithmetic.jsonl'));
      expect(remote.size).toBe(4);
      for (const [id, rec] of local) expect(remote.get(id)!.responses).toEqual(rec.responses);
      const summary = JSON.parse(readFileSync(join(remoteOut, 'summary.json'), 'utf8')) as EvalSummary;
      expect(summary.model).toBe('tiny');
    } finally {
      stop.abort();
      expect(await served).toBe(0);
    }
  });
});
