// What the RL loop needs from the rest of the project, as replaceable functions: trainRL wires
// the real packages (default-deps.ts); tests and embedders may swap any of them.
import type { PolicyModel, ProblemLike, RolloutEngineLike, ShaperLike, TokenizerLike } from './contracts.js';
import type { RankMetricsFn } from './forward-pass.js';
import type { RLConfig } from './config.js';

export interface ShaperWithRewards extends ShaperLike {
  step(input: { advantages0: number[]; er: number[]; erv: number[]; era: number[]; scores?: number[] }): { advantages: number[]; aux: number[]; bonus?: number[]; stats: Record<string, number> };
  shapeRewards?(input: { rewards: number[]; er: number[]; erv: number[]; era: number[]; scores?: number[] }): number[];
}

export interface GradedResponse {
  correct: boolean;
  extracted: string | null;
  boxed: boolean;
  reason?: string;
}

export interface RLDeps {
  initBackend(backend?: string): Promise<unknown>;
  loadModel(dir: string): Promise<PolicyModel>;
  loadTokenizer(dir: string): Promise<TokenizerLike>;
  createEngine(model: PolicyModel, tokenizer: TokenizerLike, rollout: RLConfig['rollout']): RolloutEngineLike;
  loadProblems(data: RLConfig['data']): Promise<ProblemLike[]>;
  formatPrompt(template: string, question: string): string;
  /** grades a response once; the reward and the accuracy both come from this one result */
  grade(response: string, problem: ProblemLike, timeoutMs: number): Promise<GradedResponse>;
  /** the reward of a graded response (verifiers.rewardFromGrade) */
  rewardOf(kind: 'paper' | 'binary', graded: GradedResponse): number;
  rankMetrics: RankMetricsFn;
  computeAdvantages(name: string, input: { rewards: number[]; groupIds: number[]; responseLengths: number[] }): number[];
  createShaper(config: Record<string, unknown>): ShaperWithRewards;
  restoreShaper(json: unknown): ShaperWithRewards;
}
