import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (s: string) => (out.push(s), true) },
      stderr: { write: (s: string) => (err.push(s), true) },
      signal: new AbortController().signal,
    },
  };
}

describe('verl CLI', () => {
  it('lists every command', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    for (const name of ['train', 'sft', 'eval', 'report', 'serve', 'demo']) expect(c.out.join('')).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each(Object.keys(COMMANDS))('%s --help documents its options', async (name) => {
    const c = capture();
    expect(await main([name, '--help'], c.io)).toBe(0);
    const text = c.out.join('');
    expect(text).toContain(`Usage: verl ${name}`);
    expect(text).toContain('-h, --help');
  });

  it('reports usage errors with exit code 2', async () => {
    const c = capture();
    expect(await main(['nope'], c.io)).toBe(2);
    expect(c.err.join('')).toContain("unknown command 'nope'");
    const d = capture();
    expect(await main(['eval', '--n', 'many'], d.io)).toBe(2);
    expect(d.err.join('')).toContain("--n must be a number, got 'many'");
    const e = capture();
    expect(await main(['report'], e.io)).toBe(2);
    expect(e.err.join('')).toContain('give at least one run folder');
  });

  /** stderr of a run, which must be exactly one line. */
  async function oneLine(argv: string[], code: number): Promise<string> {
    const c = capture();
    expect(await main(argv, c.io), c.err.join('')).toBe(code);
    const text = c.err.join('');
    expect(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, JSON.stringify(text)).toBe(true);
    const name = argv[0];
    expect(text).not.toContain(`${name}: ${name}:`);
    expect(text).not.toMatch(/\bE(NOENT|NOTDIR|ACCES|EXIST|ISDIR)\b/);
    return text;
  }

  it('issue 13 point 9: usage errors are one line with one prefix; --n -3 is a range error, not an ambiguous option', async () => {
    expect(await oneLine(['eval', '--n', '-3'], 2)).toBe("verl eval: --n must be ≥ 1, got -3 (see 'verl eval --help')\n");
    expect(await oneLine(['eval', '--nope'], 2)).toBe("verl eval: Unknown option '--nope' (see 'verl eval --help')\n");
    expect(await oneLine(['eval', 'stray'], 2)).toBe("verl eval: unexpected argument 'stray' (see 'verl eval --help')\n");
    expect(await oneLine(['nope'], 2)).toMatch(/^verl: unknown command 'nope' \(commands: train, sft, eval/);
  });

  it('issue 13 point 9: --k larger than --n is an error, not silently dropped', async () => {
    const text = await oneLine(['eval', '--remote', 'http://127.0.0.1:9', '--bench', 'arithmetic', '--n', '4', '--k', '1,16'], 2);
    expect(text).toContain('--k 16 is larger than --n 4');
  });

  it('issue 13 point 9: missing files, folders given as files and other system errors are said in words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-cli-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(await oneLine(['train', '--config', join(dir, 'missing.yaml')], 1)).toBe(`verl train: cannot read config file: ${join(dir, 'missing.yaml')} does not exist\n`);
    expect(await oneLine(['train', '--config', dir], 1)).toContain('a folder was given where a file was expected');
    expect(await oneLine(['report', join(dir, 'none')], 1)).toBe(`verl report: run folder not found: ${join(dir, 'none')}\n`);
    expect(await oneLine(['eval', '--model', join(dir, 'a-file'), '--bench', 'arithmetic', '--limit', '1'], 1)).toContain('part of the path is a file, not a folder');
  });

  it('issue 13 point 9: an empty benchmark file is an error, not a table of 0 problems', async () => {
    const data = mkdtempSync(join(tmpdir(), 'verl-cli-'));
    mkdirSync(join(data, 'math500'));
    writeFileSync(join(data, 'math500', 'test.jsonl'), '');
    const text = await oneLine(['eval', '--remote', 'http://127.0.0.1:9', '--bench', 'math500', '--data-dir', data], 1);
    expect(text).toBe(`verl eval: benchmark math500 has no problems in --data-dir ${data}; nothing to evaluate\n`);
  });

  it('issue 13 point 8: --remote to a dead server names the URL and the cause in one line', async () => {
    const s = createServer();
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((ok) => s.close(() => ok()));
    const text = await oneLine(['eval', '--remote', `http://127.0.0.1:${port}`, '--bench', 'arithmetic', '--limit', '1'], 1);
    expect(text).toBe(`verl eval: cannot reach the --remote server: GET http://127.0.0.1:${port}/v1/models: connection refused (is the server running?) (ECONNREFUSED)\n`);
  });

  it('issue 13 point 8: the default benchmark needs no download (an empty cache and a dead server: only the server is reported)', async () => {
    const cache = process.env.VERL_DATASETS_CACHE;
    process.env.VERL_DATASETS_CACHE = mkdtempSync(join(tmpdir(), 'verl-empty-cache-'));
    try {
      const text = await oneLine(['eval', '--remote', 'http://127.0.0.1:1', '--limit', '2'], 1);
      expect(text).toBe('verl eval: cannot reach the --remote server: GET http://127.0.0.1:1/v1/models: bad port\n');
      expect(readdirSync(process.env.VERL_DATASETS_CACHE)).toEqual([]);
    } finally {
      if (cache === undefined) delete process.env.VERL_DATASETS_CACHE;
      else process.env.VERL_DATASETS_CACHE = cache;
    }
  });

  it('issue 13 point 9: paths in the help examples exist from the repository root (where `pnpm verl` runs)', async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    for (const name of Object.keys(COMMANDS)) {
      const { spec } = await COMMANDS[name].load();
      const made = new Set<string>();
      for (const ex of spec.examples ?? []) {
        const words = ex.split(/\s+/);
        words.forEach((w, i) => {
          if (words[i - 1] === '>') made.add(w);
          if (!['--model', '--config', '--data-dir'].includes(words[i - 1] ?? '') || made.has(w)) return;
          expect(existsSync(join(root, w)), `verl ${name} example: ${ex}`).toBe(true);
        });
      }
    }
  });

  it('the bin is an ESM script with a shebang', () => {
    const src = readFileSync(fileURLToPath(new URL('../cli.ts', import.meta.url)), 'utf8');
    expect(src.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  const built = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  it.skipIf(!existsSync(built))('the built bin runs: verl eval --help', () => {
    const r = spawnSync(process.execPath, [built, 'eval', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: verl eval');
  });
});
