// One RL step, as a list of calls into the packages that own each part: prompts (datasets) →
// rollout (the engine: rollout's local or remote one, or the caller's) → rewards (verifiers, or
// the caller's RewardFn; DAPO overlong penalty) → forward of the old policy (log-probs,
// entropies, hidden states → rank-metrics' ER/ERV/ERA) and of the reference → advantages
// (verl-advantage's estimator + VERL shaper) → PPO update (this package) → the engine reloads the
// weights. Returns the step's metrics and sample records; the caller (run-loop.ts) owns state and files.
import type { Problem } from '@verl-ts/datasets';
import { formatPrompt } from '@verl-ts/datasets';
import type { CausalLM, Tokenizer } from '@verl-ts/models';
import type { VerlShaper } from '@verl-ts/verl-advantage';
import type { RLConfig } from './config.js';
import type { AdamW } from './adamw.js';
import type { DataCursor } from './data-cursor.js';
import type { Rng } from '@verl-ts/prng';
import type { StepMetrics, TrainerHooks } from './metrics.js';
import type { TrainingEngine } from './engine.js';
import type { RewardFn } from './reward.js';
import { buildTokenBatch } from './batch.js';
import { scoreBatchAsync } from './forward-pass.js';
import { ppoUpdateAsync } from './ppo-update.js';
import { computeStepAdvantages } from './advantages.js';
import { applyOverlongPenalty, maskTruncatedResponses } from './overlong.js';
import { learningRateAt } from './schedule.js';
import { checkAbort } from './run-loop.js';
import { finiteOrNull, mean, std } from './stats.js';

export interface RLStepContext {
  config: RLConfig;
  policy: CausalLM;
  reference: CausalLM | null;
  tokenizer: Tokenizer;
  engine: TrainingEngine;
  reward: RewardFn;
  optimizer: AdamW;
  problems: Problem[];
  cursor: DataCursor;
  rng: Rng;
  shaper: VerlShaper | null;
  hooks: TrainerHooks<StepMetrics>;
}

export interface SampleRecord {
  step: number; promptIndex: number; sampleIndex: number; problemId: string; question: string; answer: string;
  response: string; reward: number; correct: boolean; finishReason: string; responseTokens: number;
  er: number | null; erv: number | null; era: number | null; advantage: number | null;
}

/** Encode a prompt, keeping at most maxTokens from its end. */
export function encodePrompt(tokenizer: Tokenizer, text: string, maxTokens: number): number[] {
  const ids = tokenizer.encode(text);
  return ids.length > maxTokens ? ids.slice(ids.length - maxTokens) : ids;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  });
  await Promise.all(workers);
  return out;
}

export async function runRLStep(ctx: RLStepContext, step: number): Promise<{ metrics: StepMetrics; samples: SampleRecord[] }> {
  const { config: c, hooks } = ctx;
  const phase = (name: string, done: number, total: number) => hooks.onPhase?.(name, done, total);
  const tStart = performance.now();
  const time = { generate: 0, grade: 0, forward: 0, metrics: 0, advantage: 0, update: 0, checkpoint: 0, total: 0 };

  // 1. prompts (deterministic from the data cursor)
  const epoch = ctx.cursor.toJSON().epoch;
  const picked = ctx.cursor.take(c.trainer.promptsPerStep).map((i) => ctx.problems[i]);
  const promptTexts = picked.map((p) => formatPrompt(c.data.template, p.question));
  const promptIds = promptTexts.map((t) => encodePrompt(ctx.tokenizer, t, c.rollout.maxPromptTokens));

  // 2. rollout
  checkAbort(hooks.signal);
  let t0 = performance.now();
  const seed = ctx.rng.nextSeed();
  const rollouts = await ctx.engine.generate(ctx.engine.promptsAs === 'text' ? promptTexts : promptIds, {
    n: c.rollout.n, temperature: c.rollout.temperature, topP: c.rollout.topP, topK: c.rollout.topK,
    maxNewTokens: c.rollout.maxNewTokens, seed, stop: c.rollout.stop, signal: hooks.signal,
    onProgress: (p) => phase('generate', p.done, p.total),
  });
  time.generate = (performance.now() - t0) / 1000;
  rollouts.sort((a, b) => a.promptIndex - b.promptIndex || a.sampleIndex - b.sampleIndex);
  const responseIds = rollouts.map((r) => (r.responseIds.length || !r.text ? r.responseIds : ctx.tokenizer.encode(r.text, { addSpecialTokens: false })));
  const generatedTokens = responseIds.reduce((a, r) => a + r.length, 0);

  // 3. rewards and correctness
  checkAbort(hooks.signal);
  t0 = performance.now();
  let graded = 0;
  const grades = await mapLimit(rollouts, 8, async (r) => {
    const g = await ctx.reward(r.text, picked[r.promptIndex]);
    phase('grade', ++graded, rollouts.length);
    return g;
  });
  time.grade = (performance.now() - t0) / 1000;
  // DAPO soft overlong punishment (overlong.ts); off by default
  const overlong = c.reward.overlong.enabled
    ? applyOverlongPenalty(grades.map((g) => g.reward), responseIds.map((r) => r.length), c.rollout.maxNewTokens, c.reward.overlong)
    : null;
  const rewards = overlong ? overlong.rewards : grades.map((g) => g.reward);

  // 4. old-policy forward: log-probs, entropies, hidden states → rank metrics
  checkAbort(hooks.signal);
  const batch = buildTokenBatch(rollouts.map((r, i) => ({ promptIds: promptIds[r.promptIndex], responseIds: responseIds[i] })), ctx.tokenizer.padTokenId);
  phase('forward', 0, 1);
  const old = await scoreBatchAsync(ctx.policy, batch, {
    microBatchSize: c.actor.logProbMicroBatchSize, temperature: c.rollout.temperature, withEntropy: true,
    rankMetrics: { stride: c.metrics.stride, maxTokens: c.metrics.maxTokens },
  });
  const ref = ctx.reference && c.actor.klCoef > 0
    ? await scoreBatchAsync(ctx.reference, batch, { microBatchSize: c.actor.logProbMicroBatchSize, temperature: c.rollout.temperature })
    : null;
  time.forward = (old.forwardMs + (ref?.forwardMs ?? 0)) / 1000;
  time.metrics = old.metricsMs / 1000;
  phase('forward', 1, 1);
  const rank = old.metrics!;
  // DAPO overlong filtering: truncated responses leave the loss (actor.maskTruncated, off by default)
  const trainBatch = c.actor.maskTruncated
    ? { ...batch, lossMask: maskTruncatedResponses(batch.lossMask, rollouts.map((r) => r.finishReason)) }
    : batch;

  // 5. advantages
  t0 = performance.now();
  const adv = computeStepAdvantages(c.algorithm.estimator, rewards, rollouts.map((r) => r.promptIndex), trainBatch.lossMask, rank, ctx.shaper);
  time.advantage = (performance.now() - t0) / 1000;

  // 6. PPO update
  checkAbort(hooks.signal);
  t0 = performance.now();
  const lr = learningRateAt(step, { ...c.actor, totalSteps: c.trainer.steps });
  const upd = await ppoUpdateAsync(ctx.policy, ctx.optimizer, { batch: trainBatch, oldLogProbs: old.logProbs, refLogProbs: ref?.logProbs ?? null, advantages: adv.tokens }, {
    ...c.actor, miniBatchRows: c.actor.miniBatchSize * c.rollout.n, microBatchRows: c.actor.microBatchSize, temperature: c.rollout.temperature,
  }, lr, (d, t) => phase('update', d, t));
  // an engine with its own copy of the weights (llama.cpp) reloads them
  await ctx.engine.syncWeights?.(ctx.policy);
  time.update = (performance.now() - t0) / 1000;

  // 7. metrics
  let entSum = 0; let entCount = 0;
  old.entropy!.forEach((row, i) => row.forEach((h, t) => { if (batch.lossMask[i][t]) { entSum += h; entCount++; } }));
  const lens = responseIds.map((r) => r.length);
  const processed = batch.attentionMask.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
  time.total = (performance.now() - tStart) / 1000;
  const f = finiteOrNull;
  const metrics: StepMetrics = {
    step: step + 1,
    epoch,
    rewardMean: f(mean(rewards)), rewardStd: f(std(rewards)),
    accuracy: f(mean(grades.map((g) => (g.correct ? 1 : 0)))),
    erMean: f(mean(rank.map((m) => m.er))), erStd: f(std(rank.map((m) => m.er))),
    ervMean: f(mean(rank.map((m) => m.erv))), ervStd: f(std(rank.map((m) => m.erv))),
    eraMean: f(mean(rank.map((m) => m.era))), eraStd: f(std(rank.map((m) => m.era))),
    entropy: f(entCount ? entSum / entCount : NaN),
    kl: f(upd.kl), approxKl: f(upd.approxKl), pgLoss: f(upd.pgLoss),
    clipFraction: f(upd.clipFraction), clipFractionLower: f(upd.clipFractionLower),
    gradNorm: f(upd.gradNorm), lr,
    advantageMean: f(mean(adv.perResponse)), advantageStd: f(std(adv.perResponse)),
    responseLengthMean: mean(lens), responseLengthMax: Math.max(...lens),
    truncationRate: mean(rollouts.map((r) => (r.finishReason === 'length' ? 1 : 0))),
    updates: upd.updates, skippedUpdates: upd.skipped,
    shaper: Object.fromEntries(Object.entries(adv.shaperStats).map(([k, v]) => [k, f(v)])),
    time,
    generateTokensPerSec: time.generate > 0 ? generatedTokens / time.generate : 0,
    tokensPerSec: time.total > 0 ? processed / time.total : 0,
  };
  const events = [...adv.events, ...upd.nonFiniteEvents];
  if (overlong) metrics.overlongPenalisedRate = overlong.penalisedRate;
  if (events.length) metrics.events = events;

  const samples: SampleRecord[] = rollouts.slice(0, c.metrics.samplesPerStep).map((r, i) => ({
    step: step + 1, promptIndex: r.promptIndex, sampleIndex: r.sampleIndex, problemId: picked[r.promptIndex].id,
    question: picked[r.promptIndex].question, answer: picked[r.promptIndex].answer, response: r.text,
    reward: rewards[i], correct: grades[i].correct, finishReason: r.finishReason, responseTokens: lens[i],
    er: f(rank[i].er), erv: f(rank[i].erv), era: f(rank[i].era), advantage: f(adv.perResponse[i]),
  }));
  return { metrics, samples };
}
