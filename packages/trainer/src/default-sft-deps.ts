// The real project packages behind SFTDeps.
import { createCausalLM, initBackend, loadCausalLM, loadTokenizer, writeCharTokenizer, type Backend, type ModelConfig } from '@verl-ts/models';
import { ARITHMETIC_ALPHABET, arithmeticSolution, arithmeticSolutionStyles, formatPrompt, type ArithmeticSolutionStyle, type Problem } from '@verl-ts/datasets';
import type { SFTDeps } from './train-sft.js';
import type { SFTConfig } from './config.js';
import type { PolicyModel, TokenizerLike } from './contracts.js';
import { loadProblems } from './default-deps.js';

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

export function sftTarget(p: { question: string; answer: string; meta?: Record<string, unknown> }, source: string): string {
  if (source === 'arithmetic') return arithmeticSolution(p, { style: (p.meta?.solutionStyle as ArithmeticSolutionStyle | undefined) ?? 'worked' });
  const sol = p.meta?.solution;
  return typeof sol === 'string' && sol.length > 0 ? sol : `\\boxed{${p.answer}}`;
}

export async function defaultSFTDeps(): Promise<SFTDeps> {
  return {
    initBackend: (b) => initBackend(b as Backend | undefined),
    loadModel: async (dir) => (await loadCausalLM(dir)) as PolicyModel,
    createModel: (cfg, seed) => createCausalLM(cfg as unknown as ModelConfig, { seed }) as PolicyModel,
    loadTokenizer: async (dir) => (await loadTokenizer(dir)) as TokenizerLike,
    writeCharTokenizer,
    defaultAlphabet: ARITHMETIC_ALPHABET,
    loadProblems: (d) => loadSFTProblems(d),
    formatPrompt: (t, q) => formatPrompt(t, q),
    target: sftTarget,
  };
}
