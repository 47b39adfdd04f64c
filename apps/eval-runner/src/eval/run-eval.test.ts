import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordSettings, runEval, type EvalEngine, type EvalOptions, type EvalProblem } from './run-eval.js';
import { settingsHash } from './settings.js';
import { readRecords } from './records.js';
import { formatSummaryTable } from './table.js';

// Scripted responses: which samples of each problem answer correctly.
const problems: EvalProblem[] = [
  { id: 'p0', question: 'q0', answer: '7', benchmark: 'toy' },
  { id: 'p1', question: 'q1', answer: '8', benchmark: 'toy' },
  { id: 'p2', question: 'q2', answer: '9', benchmark: 'toy' },
];
const script: Record<string, string[]> = {
  q0: ['\\boxed{7}', '\\boxed{7}', '\\boxed{7}', '\\boxed{7}'],
  q1: ['\\boxed{5}', '\\boxed{5}', '\\boxed{8}', '\\boxed{5}'],
  q2: ['\\boxed{1}', 'no answer', '\\boxed{2}', '\\boxed{1}'],
};

function fakeEngine(calls: string[][], onCall?: () => void): EvalEngine {
  return {
    async generate(prompts, opts) {
      calls.push(prompts);
      onCall?.();
      return prompts.flatMap((p, promptIndex) =>
        Array.from({ length: opts.n }, (_, sampleIndex) => {
          const text = script[p.replace(/^Q: /, '')][sampleIndex];
          return { promptIndex, sampleIndex, text, responseIds: Array.from(text, (c) => c.charCodeAt(0)), finishReason: sampleIndex === 3 ? 'length' : 'stop' };
        }),
      );
    },
  };
}

const grade = async (response: string, p: EvalProblem) => {
  const m = /\\boxed\{([^}]*)\}/.exec(response);
  const extracted = m ? m[1] : null;
  return { correct: extracted === p.answer, extracted };
};

function options(outDir: string, engine: EvalEngine, extra: Partial<EvalOptions> = {}): EvalOptions {
  return {
    engine, modelName: 'toy-model', benchmarks: [{ name: 'toy', problems }], prompt: (q) => `Q: ${q}`, grade,
    n: 4, ks: [1, 2, 4], temperature: 0.6, topP: 0.95, maxTokens: 32, template: 'plain', seed: 1, outDir, batchProblems: 2, ...extra,
  };
}

describe('runEval', () => {
  it('scores pass@1, avg@n, pass@k and maj@k as computed by hand', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    const calls: string[][] = [];
    const { summary, complete } = await runEval(options(out, fakeEngine(calls)));
    expect(complete).toBe(true);
    const b = summary.benchmarks[0];
    expect(b.pass1).toBeCloseTo(1 / 3, 12); // only p0's first sample is right
    expect(b.avgN).toBeCloseTo((1 + 0.25 + 0) / 3, 12);
    // pass@2: p0 1, p1 1 - C(3,2)/C(4,2) = 0.5, p2 0
    expect(b.passAtK['2']).toBeCloseTo(0.5, 12);
    expect(b.passAtK['4']).toBeCloseTo(2 / 3, 12);
    // maj@4: p0 '7' wins; p1 '5' (3 votes) wrong; p2 '1' (2 votes) wrong
    expect(b.majAtK['4']).toBeCloseTo(1 / 3, 12);
    expect(b.extractedRate).toBeCloseTo(11 / 12, 12);
    expect(b.truncatedRate).toBeCloseTo(3 / 12, 12);
    expect(calls.map((c) => c.length)).toEqual([2, 1]);
    const recs = readRecords(join(out, 'toy.jsonl'));
    expect(recs.get('p1')!.correct).toEqual([false, false, true, false]);
    expect(recs.get('p2')!.extracted).toEqual(['1', null, '2', '1']);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain('| toy | 3 | 33.3 | 41.7 | 50.0 | 66.7 | 33.3 |');
    expect(formatSummaryTable(summary)).toMatch(/toy\s+3\s+33\.3\s+41\.7/);
  });

  it('resumes after an interruption without redoing finished problems', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    const ac = new AbortController();
    const calls1: string[][] = [];
    const first = await runEval(options(out, fakeEngine(calls1, () => ac.abort()), { signal: ac.signal }));
    expect(first.complete).toBe(false);
    expect(readRecords(join(out, 'toy.jsonl')).size).toBe(2);
    // a half-written line, as a kill mid-write leaves it, is tolerated
    appendFileSync(join(out, 'toy.jsonl'), '{"id":"p2","resp');
    const calls2: string[][] = [];
    const second = await runEval(options(out, fakeEngine(calls2)));
    expect(calls2).toEqual([['Q: q2']]);
    expect(second.complete).toBe(true);
    expect(second.summary.benchmarks[0].avgN).toBeCloseTo((1 + 0.25) / 3, 12);
    expect(readRecords(join(out, 'toy.jsonl')).size).toBe(3);
  });

  it('issue 13 point 1: records and summary.json carry the settings hash; other settings into the same folder are refused before any generation', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    const first = await runEval(options(out, fakeEngine([])));
    const hash = settingsHash(recordSettings(options(out, fakeEngine([]))));
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    for (const r of readRecords(join(out, 'toy.jsonl')).values()) expect(r.settingsHash).toBe(hash);
    expect(first.summary.settingsHash).toBe(hash);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).settingsHash).toBe(hash);
    // same settings, other k and limit: a resume with nothing to do
    const same: string[][] = [];
    await runEval(options(out, fakeEngine(same), { ks: [1] }));
    expect(same).toEqual([]);
    for (const [change, named] of [
      [{ temperature: 1 }, 'temperature 0.6 → 1'],
      [{ n: 2, ks: [1] }, 'n 4 → 2'],
      [{ template: 'qwen-math' }, 'template plain → qwen-math'],
      [{ maxTokens: 64 }, 'max tokens 32 → 64'],
    ] as [Partial<EvalOptions>, string][]) {
      const calls: string[][] = [];
      await expect(runEval(options(out, fakeEngine(calls), change))).rejects.toThrow(named);
      expect(calls).toEqual([]);
    }
    // records of a version without hashes are not taken as this run's either
    const legacy = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    const line = readFileSync(join(out, 'toy.jsonl'), 'utf8').split('\n')[0].replace(/,"settingsHash":"[0-9a-f]+"/, '');
    writeFileSync(join(legacy, 'toy.jsonl'), line + '\n');
    await expect(runEval(options(legacy, fakeEngine([])))).rejects.toThrow(/written without a settings hash/);
  });

  it('issue 13 point 9: an empty benchmark is an error, not a 0-problem table', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    await expect(runEval(options(out, fakeEngine([]), { benchmarks: [{ name: 'empty', problems: [] }] }))).rejects.toThrow('benchmark empty has no problems');
  });

  it('rejects k > n and malformed records', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-eval-'));
    await expect(runEval(options(out, fakeEngine([]), { ks: [8] }))).rejects.toThrow(/k=8 is larger than n=4/);
    writeFileSync(join(out, 'toy.jsonl'), '{"id":"p0","responses":[],"correct":[]}\nnot json\n');
    await expect(runEval(options(out, fakeEngine([])))).rejects.toThrow(/toy.jsonl:2: malformed JSON/);
  });
});
