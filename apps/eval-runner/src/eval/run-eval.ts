// The evaluation loop, independent of where responses come from (local model or remote server)
// and of how they are graded: both are injected, so this file is testable without a model.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { avgAtN, firstSampleAccuracy, meanPassAtK } from '../metrics/pass-at-k.js';
import { meanMajorityAtK, type AnswerEquality } from '../metrics/majority.js';
import { OutDirError } from './out-dir.js';
import { appendRecords, readRecords, type ProblemRecord } from './records.js';
import { explainMismatch, settingsHash, writeSettingsFile, type RecordSettings } from './settings.js';
import type { BenchmarkScores, EvalSummary } from './summary-types.js';
import { formatSummaryMarkdown } from './table.js';

export interface EvalProblem {
  id: string;
  question: string;
  answer: string;
  benchmark: string;
}

/** The part of rollout's RolloutEngine the evaluator needs. */
export interface EvalEngine {
  generate(
    prompts: string[],
    opts: {
      n: number;
      temperature: number;
      topP: number;
      maxNewTokens: number;
      seed?: number;
      stop?: string[];
      signal?: AbortSignal;
      /** the evaluator reads no log-probs: 'processed' lets the llama.cpp engine sample with its own chain */
      logprobsMode?: 'raw' | 'processed';
      /** responses finished and tokens generated so far in this call (engines call it per step or per response) */
      onProgress?: (p: { done: number; total: number; tokens: number }) => void;
      /** each response as it finishes (engines that decode in steps call it before that step's onProgress) */
      onRollout?: (r: { responseIds: number[] }) => void;
    },
  ): Promise<{ promptIndex: number; sampleIndex: number; text: string; responseIds: number[]; finishReason: string }[]>;
}

export type Grader = (response: string, problem: EvalProblem) => Promise<{ correct: boolean; extracted: string | null }>;

export interface EvalOptions {
  engine: EvalEngine;
  modelName: string;
  benchmarks: { name: string; problems: EvalProblem[] }[];
  /** Builds the prompt text from a question. */
  prompt: (question: string, benchmark: string) => string;
  grade: Grader;
  /** Equivalence used by maj@k to group answers. */
  equal?: AnswerEquality;
  n: number;
  ks: number[];
  temperature: number;
  topP: number;
  maxTokens: number;
  template: string;
  seed: number;
  limit?: number;
  stop?: string[];
  /** Settings that shape the problems themselves (e.g. the difficulty of 'arithmetic'); part of the settings hash. */
  problemSettings?: Record<string, string | number>;
  outDir: string;
  /** Problems per generate call (each brings n responses). */
  batchProblems?: number;
  signal?: AbortSignal;
  /** Called after each batch and while a batch generates (see EvalProgress). */
  onProgress?: (p: EvalProgress) => void;
  log?: (line: string) => void;
}

export interface EvalProgress {
  benchmark: string;
  /** problems finished (generated and graded) over all benchmarks, resumed ones included */
  done: number;
  total: number;
  correctSoFar: number;
  samplesSoFar: number;
  /** tokens generated in this run so far, in finished and in unfinished batches */
  tokens: number;
  /**
   * Work done in token budgets (a problem's budget is n × maxTokens), moving with every generated
   * token: finished problems count whole; in a batch in flight a finished response counts its whole
   * budget (one that stopped early leaves the rest unused) and an unfinished one its tokens so far.
   * An engine that reports no finished responses (onRollout) counts the larger of the batch's
   * finished-response share and token share.
   */
  work: number;
  workTotal: number;
}

export interface EvalResult {
  summary: EvalSummary;
  /** False when stopped by the signal: the JSONL holds what was done, rerun to resume. */
  complete: boolean;
}

export async function runEval(opts: EvalOptions): Promise<EvalResult> {
  if (!Number.isInteger(opts.n) || opts.n < 1) throw new RangeError(`n must be a positive integer, got ${opts.n}`);
  const ks = [...new Set(opts.ks)].sort((a, b) => a - b);
  for (const k of ks) if (k > opts.n) throw new RangeError(`k=${k} is larger than n=${opts.n} (pass@k needs at least k samples)`);
  for (const b of opts.benchmarks) if (b.problems.length === 0) throw new RangeError(`benchmark ${b.name} has no problems`);
  const settings = recordSettings(opts);
  const hash = settingsHash(settings);
  // Records of other settings are never mixed with this run's: checked for every benchmark before anything is generated.
  const existingByBench = opts.benchmarks.map((bench) => {
    const path = join(opts.outDir, `${bench.name}.jsonl`);
    const existing = readRecords(path);
    for (const r of existing.values()) {
      if (r.settingsHash !== hash) throw new OutDirError(`${path} holds records ${explainMismatch(opts.outDir, r.settingsHash, settings)}; remove them or write elsewhere`);
    }
    return existing;
  });
  mkdirSync(opts.outDir, { recursive: true });
  writeSettingsFile(opts.outDir, settings);
  const batch = opts.batchProblems ?? 8;
  const total = opts.benchmarks.reduce((a, b) => a + b.problems.length, 0);
  let done = 0;
  let correctSoFar = 0;
  let samplesSoFar = 0;
  let tokens = 0;
  let complete = true;
  const budget = opts.n * opts.maxTokens;
  const report = (benchmark: string, inFlight = 0) =>
    opts.onProgress?.({ benchmark, done, total, correctSoFar, samplesSoFar, tokens, work: done * budget + inFlight, workTotal: total * budget });
  const scores: BenchmarkScores[] = [];

  for (const [bi, bench] of opts.benchmarks.entries()) {
    const path = join(opts.outDir, `${bench.name}.jsonl`);
    const existing = existingByBench[bi];
    const isDone = (p: EvalProblem) => (existing.get(p.id)?.responses.length ?? 0) >= opts.n;
    const todo = bench.problems.filter((p) => !isDone(p));
    const resumed = bench.problems.length - todo.length;
    if (resumed > 0) opts.log?.(`${bench.name}: ${resumed} of ${bench.problems.length} problems already in ${path}, skipping them`);
    done += resumed;
    for (const p of bench.problems) {
      const r = existing.get(p.id);
      if (r && isDone(p)) {
        correctSoFar += r.correct.slice(0, opts.n).filter(Boolean).length;
        samplesSoFar += opts.n;
      }
    }
    report(bench.name);

    for (let start = 0; start < todo.length; start += batch) {
      if (opts.signal?.aborted) {
        complete = false;
        break;
      }
      const chunk = todo.slice(start, start + batch);
      const prompts = chunk.map((p) => opts.prompt(p.question, bench.name));
      // Seed from the position of the batch's first problem in the benchmark, so a rerun draws the same samples.
      const seed = opts.seed + bench.problems.indexOf(chunk[0]);
      const tokensBefore = tokens;
      const finished = { responses: 0, tokens: 0 };
      let rollouts;
      try {
        rollouts = await opts.engine.generate(prompts, {
          n: opts.n,
          temperature: opts.temperature,
          topP: opts.topP,
          maxNewTokens: opts.maxTokens,
          seed,
          stop: opts.stop,
          signal: opts.signal,
          logprobsMode: 'processed',
          onRollout: (r) => {
            finished.responses++;
            finished.tokens += r.responseIds.length;
          },
          onProgress: (g) => {
            tokens = tokensBefore + g.tokens;
            if (g.total <= 0) return;
            // in tokens of the call's budget (g.total responses × maxTokens); divided last, so exact
            const worked =
              finished.responses === g.done
                ? g.done * opts.maxTokens + g.tokens - finished.tokens
                : Math.max(g.done * opts.maxTokens, g.tokens);
            const callBudget = g.total * opts.maxTokens;
            report(bench.name, (Math.min(worked, callBudget) * chunk.length * budget) / callBudget);
          },
        });
      } catch (e) {
        if (opts.signal?.aborted) {
          complete = false;
          break;
        }
        throw e;
      }
      const records: ProblemRecord[] = chunk.map((p) => ({
        id: p.id,
        benchmark: bench.name,
        question: p.question,
        answer: p.answer,
        responses: new Array<string>(opts.n).fill(''),
        extracted: new Array<string | null>(opts.n).fill(null),
        correct: new Array<boolean>(opts.n).fill(false),
        finishReasons: new Array<string>(opts.n).fill('missing'),
        responseTokens: new Array<number>(opts.n).fill(0),
        settingsHash: hash,
      }));
      for (const r of rollouts) {
        const rec = records[r.promptIndex];
        if (!rec || r.sampleIndex < 0 || r.sampleIndex >= opts.n) throw new Error(`engine returned an out-of-range rollout (prompt ${r.promptIndex}, sample ${r.sampleIndex})`);
        rec.responses[r.sampleIndex] = r.text;
        rec.finishReasons[r.sampleIndex] = r.finishReason;
        rec.responseTokens[r.sampleIndex] = r.responseIds.length;
      }
      for (let i = 0; i < chunk.length; i++) {
        const rec = records[i];
        for (let s = 0; s < opts.n; s++) {
          const g = await opts.grade(rec.responses[s], chunk[i]);
          rec.correct[s] = g.correct;
          rec.extracted[s] = g.extracted;
          if (g.correct) correctSoFar++;
        }
        samplesSoFar += opts.n;
      }
      appendRecords(path, records);
      for (const r of records) existing.set(r.id, r);
      tokens = tokensBefore + rollouts.reduce((a, r) => a + r.responseIds.length, 0);
      done += chunk.length;
      report(bench.name);
    }
    if (!complete) break;
    scores.push(await scoreBenchmark(bench.name, bench.problems.map((p) => existing.get(p.id)!), opts.n, ks, opts.equal));
  }

  const summary: EvalSummary = {
    model: opts.modelName,
    createdAt: new Date().toISOString(),
    settings: { n: opts.n, k: ks, temperature: opts.temperature, topP: opts.topP, maxTokens: opts.maxTokens, template: opts.template, seed: opts.seed, ...(opts.limit !== undefined ? { limit: opts.limit } : {}) },
    settingsHash: hash,
    benchmarks: scores,
  };
  if (complete) {
    writeFileSync(join(opts.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    writeFileSync(join(opts.outDir, 'summary.md'), formatSummaryMarkdown(summary));
  }
  return { summary, complete };
}

/** The settings that decide how this run's responses are drawn (see settings.ts). */
export function recordSettings(opts: Pick<EvalOptions, 'modelName' | 'n' | 'temperature' | 'topP' | 'maxTokens' | 'template' | 'seed' | 'stop' | 'problemSettings'>): RecordSettings {
  return {
    model: opts.modelName,
    n: opts.n,
    temperature: opts.temperature,
    topP: opts.topP,
    maxTokens: opts.maxTokens,
    template: opts.template,
    seed: opts.seed,
    stop: opts.stop ?? [],
    ...(opts.problemSettings ? { problems: opts.problemSettings } : {}),
  };
}

/** Metrics of one benchmark from its records (first n samples of each). */
export async function scoreBenchmark(name: string, records: ProblemRecord[], n: number, ks: number[], equal?: AnswerEquality): Promise<BenchmarkScores> {
  const correct = records.map((r) => r.correct.slice(0, n));
  const extracted = records.map((r) => r.extracted.slice(0, n));
  const passAtK: Record<string, number> = {};
  const majAtK: Record<string, number> = {};
  for (const k of ks) {
    passAtK[String(k)] = meanPassAtK(correct, k);
    majAtK[String(k)] = await meanMajorityAtK(records.map((_, i) => ({ extracted: extracted[i], correct: correct[i] })), k, equal);
  }
  const all = records.length * n;
  const count = (f: (r: ProblemRecord, s: number) => boolean) => records.reduce((a, r) => a + Array.from({ length: n }, (_, s) => f(r, s)).filter(Boolean).length, 0);
  return {
    benchmark: name,
    problems: records.length,
    samples: n,
    pass1: firstSampleAccuracy(correct),
    avgN: avgAtN(correct),
    passAtK,
    majAtK,
    extractedRate: all ? count((r, s) => r.extracted[s] !== null) / all : Number.NaN,
    truncatedRate: all ? count((r, s) => r.finishReasons[s] === 'length') / all : Number.NaN,
    meanResponseTokens: all ? records.reduce((a, r) => a + r.responseTokens.slice(0, n).reduce((x, y) => x + y, 0), 0) / all : Number.NaN,
  };
}
