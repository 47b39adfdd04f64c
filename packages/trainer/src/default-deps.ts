// The real project packages behind RLDeps.
import { initBackend, loadCausalLM, loadTokenizer, type Backend, type CausalLM, type Tokenizer } from '@verl-ts/models';
import { createLocalEngine, createRemoteEngine } from '@verl-ts/rollout';
import { gradeAnswer, rewardFromGrade } from '@verl-ts/verifiers';
import { batchRankMetrics } from '@verl-ts/rank-metrics';
import { computeAdvantages, VerlShaper } from '@verl-ts/verl-advantage';
import { arithmeticProblems, formatPrompt, loadBenchmark, loadTrainingSet, type Problem } from '@verl-ts/datasets';
import type { RLDeps, ShaperWithRewards } from './rl-deps.js';
import type { RLConfig } from './config.js';
import type { PolicyModel, RankMetricsRow, TokenizerLike } from './contracts.js';


/**
 * ER of all response states and ERV/ERA of the last maxTokens, per row of a padded
 * [B, T, D] batch (mask 1 = response token), spread over one worker thread per core
 * (bit-identical to one thread). Non-finite states give NaN metrics (the trainer then skips
 * shaping for the step instead of failing).
 */
export function responseRankMetrics(
  hidden: Float32Array, dims: { batch: number; time: number; dim: number }, mask: Float32Array, opts: { stride: number; maxTokens: number },
): RankMetricsRow[] {
  return batchRankMetrics(hidden, dims, mask, { stride: opts.stride, maxTokens: opts.maxTokens, nonFinite: 'nan' });
}

export async function loadProblems(data: RLConfig['data'], split: 'train' | 'test' = 'train'): Promise<Problem[]> {
  if (data.source === 'arithmetic') {
    return arithmeticProblems({ count: data.count ?? 2000, seed: data.seed, split, difficulty: data.difficulty as never });
  }
  const all = data.source === 'training-set'
    ? await loadTrainingSet(data.name!, { dataDir: data.dataDir })
    : await loadBenchmark(data.name!, { dataDir: data.dataDir });
  return data.count ? all.slice(0, data.count) : all;
}

export async function defaultRLDeps(): Promise<RLDeps> {
  return {
    initBackend: (b) => initBackend(b as Backend | undefined),
    loadModel: async (dir) => (await loadCausalLM(dir)) as PolicyModel,
    loadTokenizer: async (dir) => (await loadTokenizer(dir)) as TokenizerLike,
    createEngine: (model, tokenizer, r) => r.engine === 'remote'
      ? createRemoteEngine({
        baseUrl: r.remote!.baseUrl, model: r.remote!.model, apiKey: r.remote!.apiKey, concurrency: r.remote!.concurrency,
        timeoutMs: r.remote!.timeoutMs, tokenizer: tokenizer as unknown as Tokenizer,
      })
      : createLocalEngine(model as unknown as CausalLM, tokenizer as unknown as Tokenizer, { batchSize: r.batchSize }),
    loadProblems: (d) => loadProblems(d),
    formatPrompt: (t, q) => formatPrompt(t, q),
    grade: (response, problem, timeoutMs) => gradeAnswer(response, problem, { timeoutMs }),
    rewardOf: (kind, graded) => rewardFromGrade(kind, graded),
    rankMetrics: responseRankMetrics,
    computeAdvantages: (name, input) => computeAdvantages(name, input),
    createShaper: (cfg) => new VerlShaper(cfg) as unknown as ShaperWithRewards,
    restoreShaper: (json) => VerlShaper.fromJSON(json) as unknown as ShaperWithRewards,
  };
}
