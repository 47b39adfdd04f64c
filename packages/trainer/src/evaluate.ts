// Held-out accuracy of a policy: one sample per problem (greedy by default), graded by a
// verifier. Used by the learning tests and the benchmark; the app has its own, richer `eval`.
import type { Problem } from '@verl-ts/datasets';
import type { Tokenizer } from '@verl-ts/models';
import type { RolloutEngine } from '@verl-ts/rollout';
import { encodePrompt } from './rl-step.js';

export interface EvaluateOptions {
  template: string;
  formatPrompt(template: string, question: string): string;
  grade(response: string, problem: Problem): Promise<boolean>;
  maxNewTokens: number;
  temperature?: number;
  seed?: number;
  maxPromptTokens?: number;
}

export async function evaluateAccuracy(
  engine: RolloutEngine, tokenizer: Tokenizer, problems: Problem[], opts: EvaluateOptions,
): Promise<{ accuracy: number; correct: boolean[]; responses: string[] }> {
  const prompts = problems.map((p) => encodePrompt(tokenizer, opts.formatPrompt(opts.template, p.question), opts.maxPromptTokens ?? 512));
  const rollouts = await engine.generate(prompts, { n: 1, temperature: opts.temperature ?? 0, maxNewTokens: opts.maxNewTokens, seed: opts.seed ?? 0 });
  rollouts.sort((a, b) => a.promptIndex - b.promptIndex);
  const correct = await Promise.all(rollouts.map((r) => opts.grade(r.text, problems[r.promptIndex])));
  return { accuracy: correct.filter(Boolean).length / Math.max(1, correct.length), correct, responses: rollouts.map((r) => r.text) };
}
