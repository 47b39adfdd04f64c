// Progress inside a batch: runEval forwards the engine's per-step progress, so `verl eval`'s bar
// moves with generated tokens instead of waiting for a whole batch of problems.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEval, type EvalEngine, type EvalProblem, type EvalProgress } from './run-eval.js';
import { evalProgressNote } from './progress-note.js';

const MAX_TOKENS = 10;
// response lengths per problem (the same for each of its n samples); 10 = ran to max tokens
const lengths: Record<string, number> = { q0: 3, q1: 10, q2: 6, q3: 10, q4: 1 };
const problems: EvalProblem[] = Object.keys(lengths).map((q, i) => ({ id: `p${i}`, question: q, answer: '1', benchmark: 'toy' }));

/** Decodes in lockstep as the local and llama.cpp engines do, reporting progress after every step. */
function steppingEngine(seen: { logprobsMode?: string; reportsDuringCall: number }[], reportsFinished = true): EvalEngine {
  return {
    async generate(prompts, opts) {
      const lens = prompts.flatMap((p) => Array.from({ length: opts.n }, () => lengths[p]));
      const call = { logprobsMode: opts.logprobsMode, reportsDuringCall: 0 };
      seen.push(call);
      for (let step = 1; step <= Math.max(...lens); step++) {
        if (reportsFinished) for (const l of lens) if (l === step) opts.onRollout?.({ responseIds: new Array<number>(l).fill(7) });
        opts.onProgress?.({ done: lens.filter((l) => l <= step).length, total: lens.length, tokens: lens.reduce((a, l) => a + Math.min(l, step), 0) });
        call.reportsDuringCall++;
      }
      return prompts.flatMap((p, promptIndex) =>
        Array.from({ length: opts.n }, (_, sampleIndex) => ({
          promptIndex,
          sampleIndex,
          text: 'x',
          responseIds: new Array<number>(lengths[p]).fill(7),
          finishReason: lengths[p] === MAX_TOKENS ? 'length' : 'stop',
        })),
      );
    },
  };
}

async function progressEvents(engine: EvalEngine): Promise<EvalProgress[]> {
  const events: EvalProgress[] = [];
  await runEval({
    engine,
    modelName: 'toy',
    benchmarks: [{ name: 'toy', problems }],
    prompt: (q) => q,
    grade: async () => ({ correct: false, extracted: null }),
    n: 2,
    ks: [1],
    temperature: 1,
    topP: 1,
    maxTokens: MAX_TOKENS,
    template: 'plain',
    seed: 1,
    outDir: mkdtempSync(join(tmpdir(), 'verl-eval-progress-')),
    batchProblems: 3,
    onProgress: (p) => events.push({ ...p }),
  });
  return events;
}

const BUDGET = 2 * MAX_TOKENS; // n × max tokens per problem
const TOTAL_TOKENS = 2 * Object.values(lengths).reduce((a, b) => a + b, 0);

function expectMonotoneToTheEnd(events: EvalProgress[]): void {
  expect(events[0]).toMatchObject({ done: 0, total: 5, tokens: 0, work: 0, workTotal: 5 * BUDGET });
  expect(events[events.length - 1]).toMatchObject({ done: 5, tokens: TOTAL_TOKENS, work: 5 * BUDGET });
  for (let i = 1; i < events.length; i++) {
    expect(events[i].work).toBeGreaterThanOrEqual(events[i - 1].work);
    expect(events[i].tokens).toBeGreaterThanOrEqual(events[i - 1].tokens);
  }
}

describe('runEval progress', () => {
  it('moves with every generated token inside a batch, never backwards, and ends at the whole budget', async () => {
    const seen: { logprobsMode?: string; reportsDuringCall: number }[] = [];
    const events = await progressEvents(steppingEngine(seen));
    // two batches (3 + 2 problems), each reporting once per decoding step (10 and 10 steps)
    expect(seen.map((c) => c.reportsDuringCall)).toEqual([10, 10]);
    // the evaluator reads no log-probs, so it lets the engine report the cheap ones
    expect(seen.every((c) => c.logprobsMode === 'processed')).toBe(true);
    expectMonotoneToTheEnd(events);
    // the first batch (responses of 3, 3, 10, 10, 6, 6 tokens): its work grows at every step while
    // no problem is finished; a finished response counts its whole budget of 10
    const firstBatch = events.slice(1, 11);
    expect(firstBatch.every((e) => e.done === 0)).toBe(true);
    expect(firstBatch.map((e) => e.work)).toEqual([6, 12, 32, 36, 40, 52, 54, 56, 58, 60]);
    expect(firstBatch[2].tokens).toBe(18);
  });

  it('an engine that reports no finished responses still moves monotonically to the end', async () => {
    const events = await progressEvents(steppingEngine([], false));
    expectMonotoneToTheEnd(events);
    // the larger of the finished share and the token share of the 60-token batch budget
    expect(events.slice(1, 11).map((e) => e.work)).toEqual([6, 12, 20, 22, 26, 40, 40, 40, 40, 60]);
  });

  it("the note: problems, this run's tokens/s (from the first report) and accuracy", () => {
    let t = 1000;
    const note = evalProgressNote(() => t);
    const p: EvalProgress = { benchmark: 'gaokao2024_I', done: 2, total: 14, correctSoFar: 1, samplesSoFar: 4, tokens: 0, work: 2048, workTotal: 7168 };
    expect(note.first(p)).toBe(true);
    expect(note.first(p)).toBe(false);
    expect(note.note(p)).toBe('gaokao2024_I 2/14 problems, – tok/s, acc=25.0%');
    t += 4000;
    expect(note.note({ ...p, tokens: 50, correctSoFar: 0, samplesSoFar: 0 })).toBe('gaokao2024_I 2/14 problems, 12.5 tok/s, acc=–%');
  });
});
