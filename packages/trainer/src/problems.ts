// The prompt source of a run from its `data` config: the synthetic arithmetic task or a
// training set / benchmark of @verl-ts/datasets (trainRL / trainSFT take `problems` instead
// when the caller has its own), and the SFT target text of each problem.
import {
  arithmeticProblems, arithmeticSolution, arithmeticSolutionStyles, loadBenchmark, loadTrainingSet,
  type ArithmeticSolutionStyle, type Problem,
} from '@verl-ts/datasets';
import type { RLConfig, SFTConfig } from './config.js';

export async function loadProblems(data: RLConfig['data'], split: 'train' | 'test' = 'train'): Promise<Problem[]> {
  if (data.source === 'arithmetic') {
    return arithmeticProblems({ count: data.count ?? 2000, seed: data.seed, split, difficulty: data.difficulty });
  }
  const all = data.source === 'training-set'
    ? await loadTrainingSet(data.name!, { dataDir: data.dataDir })
    : await loadBenchmark(data.name!, { dataDir: data.dataDir });
  return data.count ? all.slice(0, data.count) : all;
}

/**
 * SFT problems: the arithmetic ones carry `meta.solutionStyle` ('worked' | 'direct'), a seeded
 * mixture with `data.workedFraction` worked (datasets.arithmeticSolutionStyles, seed data.seed).
 */
export async function loadSFTProblems(data: SFTConfig['data']): Promise<Problem[]> {
  const problems = await loadProblems(data);
  if (data.source !== 'arithmetic') return problems;
  const styles = arithmeticSolutionStyles(problems.length, { workedFraction: data.workedFraction, seed: data.seed });
  return problems.map((p, i) => ({ ...p, meta: { ...p.meta, solutionStyle: styles[i] } }));
}

/** The text SFT teaches for a problem: the arithmetic solution, else `meta.solution`, else `\boxed{answer}`. */
export function sftTarget(p: Problem, source: SFTConfig['data']['source']): string {
  if (source === 'arithmetic') return arithmeticSolution(p, { style: (p.meta?.solutionStyle as ArithmeticSolutionStyle | undefined) ?? 'worked' });
  const sol = p.meta?.solution;
  return typeof sol === 'string' && sol.length > 0 ? sol : `\\boxed{${p.answer}}`;
}
