// verl eval / serve --engine llamacpp on the bundled tiny-arith policy: the folder is exported to
// a temporary GGUF and decoded by llama.cpp; greedy scores and responses equal the TensorFlow.js
// engine's.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { readRecords } from '../eval/records.js';
import type { EvalSummary } from '../eval/summary-types.js';
import { tinyArithDir } from '../demo/assets.js';

function capture(signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal } };
}

describe('verl eval --engine llamacpp', () => {
  it('gives the TensorFlow.js engine’s greedy responses and scores on the bundled policy', async () => {
    const runs: Record<string, { summary: EvalSummary; responses: string[][] }> = {};
    for (const engine of ['tfjs', 'llamacpp']) {
      const out = mkdtempSync(join(tmpdir(), `verl-eval-${engine}-`));
      const c = capture();
      const args = ['eval', '--model', tinyArithDir(), '--bench', 'arithmetic', '--limit', '24', '--n', '1', '--temperature', '0', '--out', out, '--engine', engine];
      if (engine === 'llamacpp') args.push('--threads', '1'); // the bundled policy's default anyway; exercises the option
      expect(await main(args, c.io), c.err.join('')).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary;
      runs[engine] = { summary, responses: [...readRecords(join(out, 'arithmetic.jsonl')).values()].map((r) => r.responses) };
    }
    expect(runs.llamacpp.responses).toEqual(runs.tfjs.responses);
    expect(runs.llamacpp.summary.benchmarks[0].avgN).toBe(runs.tfjs.summary.benchmarks[0].avgN);
    expect(runs.llamacpp.summary.benchmarks[0].extractedRate).toBeGreaterThan(0.8);
  });

  it('refuses an unknown engine, --probe with llama.cpp, and --threads without it', async () => {
    const c = capture();
    expect(await main(['eval', '--model', tinyArithDir(), '--engine', 'vllm'], c.io)).toBe(2);
    expect(await main(['eval', '--model', tinyArithDir(), '--engine', 'llamacpp', '--probe'], c.io)).toBe(2);
    expect(await main(['eval', '--model', tinyArithDir(), '--threads', '2'], c.io)).toBe(2);
    expect(await main(['eval', '--model', tinyArithDir(), '--engine', 'llamacpp', '--threads', '0'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--engine must be tfjs or llamacpp; got 'vllm'[\s\S]*--probe needs --engine tfjs[\s\S]*--threads .*needs --engine llamacpp[\s\S]*--threads/);
  });
});
