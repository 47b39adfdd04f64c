import { existsSync, readFileSync } from 'node:fs';
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
