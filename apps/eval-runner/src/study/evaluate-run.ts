// Held-out evaluation of one trained run of a study: the same loop as the demo's evaluation
// (runEval with the math verifier, n samples per problem, resumable per problem), on the
// benchmark of the study's eval settings, with the run's own template and response limit.
import type { CommandIO } from '../cli/command.js';
import { runEval } from '../eval/run-eval.js';
import type { EvalSummary } from '../eval/summary-types.js';
import { loadProblems } from '../commands/shared/problems.js';
import { openLocalModel, type BackendName } from '../commands/shared/engine.js';
import type { StudyEval } from './study-config.js';

/** What of a run's RL config decides how it is evaluated. */
export interface RunEvalSettings {
  template: string;
  maxNewTokens: number;
  stop?: string[];
  /** the arithmetic task's difficulty of the training data (the held-out problems use the same) */
  difficulty?: number;
}

/** k = 1, 2, 4, … ≤ n, and n itself. */
export function passKs(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k <= n; k *= 2) ks.push(k);
  if (ks[ks.length - 1] !== n) ks.push(n);
  return ks;
}

export async function evaluateRun(opts: {
  label: string; modelDir: string; outDir: string; eval: StudyEval; run: RunEvalSettings; io: CommandIO; backend?: BackendName;
  onProgress?: (done: number, total: number) => void;
}): Promise<EvalSummary | null> {
  const datasets = await import('@verl-ts/datasets');
  const verifiers = await import('@verl-ts/verifiers');
  const e = opts.eval;
  const problems = await loadProblems(e.benchmark, { limit: e.problems, difficulty: opts.run.difficulty });
  const { model, engine } = await openLocalModel(opts.modelDir, { backend: opts.backend, batchSize: 64 });
  try {
    const { summary, complete } = await runEval({
      engine: engine as never,
      modelName: opts.label,
      benchmarks: [{ name: e.benchmark, problems }],
      prompt: (q) => datasets.formatPrompt(opts.run.template, q),
      grade: async (response, p) => {
        const g = await verifiers.gradeAnswer(response, { answer: p.answer, question: p.question, benchmark: p.benchmark });
        return { correct: g.correct, extracted: g.extracted };
      },
      n: e.n,
      ks: passKs(e.n),
      temperature: e.temperature,
      topP: e.topP,
      maxTokens: opts.run.maxNewTokens,
      template: opts.run.template,
      seed: e.seed,
      stop: opts.run.stop,
      problemSettings: e.benchmark === 'arithmetic' && opts.run.difficulty !== undefined ? { arithmeticDifficulty: opts.run.difficulty } : undefined,
      outDir: opts.outDir,
      batchProblems: 50,
      signal: opts.io.signal,
      onProgress: (p) => opts.onProgress?.(p.done, p.total),
    });
    return complete ? summary : null;
  } finally {
    await engine.close?.();
    model.dispose();
  }
}
