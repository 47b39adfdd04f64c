// Resolves benchmark names to problems: the registry of @verl-ts/datasets, plus `arithmetic`,
// the synthetic held-out set of the embedded demo.
import type { EvalProblem } from '../../eval/run-eval.js';

/** Seed of the demo's held-out arithmetic problems (train uses other seeds and split 'train'). */
export const ARITHMETIC_TEST_SEED = 20250923;
/** Difficulty level of the bundled model's task (datasets ARITHMETIC_LEVELS[2]: two operations on 0-9). */
export const ARITHMETIC_LEVEL = 2;

export async function loadProblems(name: string, opts: { dataDir?: string; limit?: number; difficulty?: number } = {}): Promise<EvalProblem[]> {
  const datasets = await import('@verl-ts/datasets');
  if (name === 'arithmetic') {
    const difficulty = (opts.difficulty ?? ARITHMETIC_LEVEL) as 1 | 2 | 3 | 4 | 5 | 6;
    return datasets
      .arithmeticProblems({ count: opts.limit ?? 200, seed: ARITHMETIC_TEST_SEED, split: 'test', difficulty })
      .map((p) => ({ id: p.id, question: p.question, answer: p.answer, benchmark: 'arithmetic' }));
  }
  const problems = await datasets.loadBenchmark(name, { dataDir: opts.dataDir, limit: opts.limit });
  return problems.map((p) => ({ id: p.id, question: p.question, answer: p.answer, benchmark: p.benchmark ?? name }));
}

/** Default prompt template per benchmark: the demo task has its own; math benchmarks use qwen-math. */
export function defaultTemplate(benchmarks: string[]): string {
  return benchmarks.every((b) => b === 'arithmetic') ? 'arithmetic' : 'qwen-math';
}
