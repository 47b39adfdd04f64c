// The real project packages behind SFTDeps.
import { createCausalLM, initBackend, loadCausalLM, loadTokenizer, writeCharTokenizer, type Backend, type ModelConfig } from '@verl-ts/models';
import { ARITHMETIC_ALPHABET, arithmeticSolution, formatPrompt } from '@verl-ts/datasets';
import type { SFTDeps } from './train-sft.js';
import type { PolicyModel, TokenizerLike } from './contracts.js';
import { loadProblems } from './default-deps.js';

export function sftTarget(p: { question: string; answer: string; meta?: Record<string, unknown> }, source: string): string {
  if (source === 'arithmetic') return arithmeticSolution(p);
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
    loadProblems: (d) => loadProblems(d),
    formatPrompt: (t, q) => formatPrompt(t, q),
    target: sftTarget,
  };
}
