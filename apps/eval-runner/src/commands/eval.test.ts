import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tools/test-support/fixtures.js';
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

describe('verl eval: generation limits of the bundled policy (128 positions)', () => {
  it('issue 13 point 5: with the bundled tiny-arith the defaults are its task, template and a length that fits', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-bundled-'));
    const c = capture();
    expect(await main(['eval', '--model', tinyArithDir(), '--limit', '8', '--n', '2', '--out', out], c.io), c.err.join('')).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary;
    expect(s.benchmarks.map((b) => b.benchmark)).toEqual(['arithmetic']);
    expect(s.settings).toMatchObject({ template: 'arithmetic', maxTokens: 24, k: [1] });
    expect(s.benchmarks[0].extractedRate).toBeGreaterThan(0.8); // answers, not garbage
  });

  it('issue 13 point 5: prompt + --max-tokens beyond the context is a one-line error before anything is generated', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-bundled-'));
    const c = capture();
    expect(await main(['eval', '--model', tinyArithDir(), '--bench', 'gaokao2024_mix', '--limit', '2', '--n', '1', '--out', out], c.io)).toBe(2);
    const [notice, err] = c.err.join('').split(/(?<=\n)/);
    expect(notice).toBe('bundled tiny-arith policy: using --max-tokens 24\n');
    expect(err).toMatch(/^verl eval: gaokao2024_mix problem \S+: prompt of \d+ tokens \+ --max-tokens 24 exceeds the model's context of 128 positions \(max_position_embeddings and rope_scaling in \S+config\.json\); the prompt alone does not fit/);
    expect(err.endsWith('\n') && err.indexOf('\n') === err.length - 1).toBe(true);
    const d = capture();
    expect(await main(['eval', '--model', tinyArithDir(), '--bench', 'arithmetic', '--limit', '4', '--n', '1', '--max-tokens', '200', '--out', out], d.io)).toBe(2);
    expect(d.err.join('')).toMatch(/prompt of (\d+) tokens \+ --max-tokens 200 exceeds the model's context of 128 positions .*; use --max-tokens \d+ or less/);
    expect(existsSync(join(out, 'arithmetic.jsonl')) || existsSync(join(out, 'gaokao2024_mix.jsonl'))).toBe(false);
  });
});

describe('verl eval with a tiny random model', () => {
  let modelDir: string;
  beforeAll(async () => {
    modelDir = mkdtempSync(join(tmpdir(), 'verl-tiny-'));
    await writeTinyTestModel(modelDir);
  });

  // math500 from the repository's fixtures (--data-dir), gaokao2024_mix from the copy shipped in @verl-ts/datasets
  const run = ['eval', '--model', '', '--bench', 'gaokao2024_mix,math500', '--data-dir', fixturePath('benchmarks'), '--limit', '3', '--n', '2', '--k', '1,2', '--max-tokens', '6'];
  const args = (...more: string[]) => [...run.map((a) => a || modelDir), ...more];

  it('scores gaokao2024_mix and math500 end to end from --data-dir', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    const c = capture();
    const code = await main(args('--out', out), c.io);
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
    expect(await main(args('--out', out), again.io)).toBe(0);
    expect(again.err.join('')).toContain('math500: 3 of 3 problems already in');
  });

  it('issue 13 point 1: a rerun into the same --out with other settings refuses in one line naming them; --overwrite replaces', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    expect(await main(args('--out', out), capture().io)).toBe(0);
    const first = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary;
    expect(first.settingsHash).toMatch(/^[0-9a-f]{12}$/);
    for (const r of readRecords(join(out, 'math500.jsonl')).values()) expect(r.settingsHash).toBe(first.settingsHash);

    const c = capture();
    expect(await main(args('--out', out, '--temperature', '0', '--template', 'plain'), c.io)).toBe(1);
    const err = c.err.join('');
    expect(err).toMatch(/^verl eval: \S+gaokao2024_mix\.jsonl holds records written with other settings: temperature 0\.6 → 0, template qwen-math → plain; pass --overwrite to replace them, or another --out\n$/);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(JSON.stringify(first, null, 2) + '\n');

    const o = capture();
    expect(await main(args('--out', out, '--temperature', '0', '--template', 'plain', '--overwrite'), o.io), o.err.join('')).toBe(0);
    const replaced = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary;
    expect(replaced.settings.temperature).toBe(0);
    expect(replaced.settingsHash).not.toBe(first.settingsHash);
    for (const r of readRecords(join(out, 'gaokao2024_mix.jsonl')).values()) expect(r.settingsHash).toBe(replaced.settingsHash);
  });

  it('issue 13 point 1: without --out, other settings are written to a new folder beside runs/eval/<model>', async () => {
    const cwd = process.cwd();
    const work = mkdtempSync(join(tmpdir(), 'verl-cwd-'));
    process.chdir(work);
    try {
      const small = ['eval', '--model', modelDir, '--bench', 'arithmetic', '--limit', '2', '--n', '1', '--max-tokens', '4'];
      expect(await main(small, capture().io)).toBe(0);
      const model = readdirSync(join(work, 'runs', 'eval'))[0];
      const c = capture();
      expect(await main([...small, '--seed', '5'], c.io), c.err.join('')).toBe(0);
      const dirs = readdirSync(join(work, 'runs', 'eval')).sort();
      expect(dirs).toHaveLength(2);
      const other = JSON.parse(readFileSync(join(work, 'runs', 'eval', dirs[1], 'summary.json'), 'utf8')) as EvalSummary;
      expect(dirs[1]).toBe(`${model}-${other.settingsHash}`);
      expect(other.settings.seed).toBe(5);
      expect(c.err.join('')).toContain('seed 0 → 5');
      expect((JSON.parse(readFileSync(join(work, 'runs', 'eval', model, 'summary.json'), 'utf8')) as EvalSummary).settings.seed).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });

  it('issue 13 point 9: an --out under a file is said in words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    writeFileSync(join(dir, 'file'), 'x');
    const c = capture();
    expect(await main(['eval', '--model', modelDir, '--bench', 'arithmetic', '--limit', '1', '--n', '1', '--max-tokens', '2', '--out', join(dir, 'file', 'out')], c.io)).toBe(1);
    expect(c.err.join('')).toBe(`verl eval: ${join(dir, 'file', 'out')}: part of this path is a file, not a folder\n`);
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
