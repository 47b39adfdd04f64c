// Typed, validated configuration for trainRL / trainSFT, parsed once (parseRLConfig / parseSFTConfig).
// Defaults are the paper's settings (VERL, arXiv 2509.23808: the authors' train_grpo_math_tune_ray.sh
// on volcengine/verl; rollout n 4 is the project's paper setting). Every list of names comes from the
// package that owns it (backends: models; templates, arithmetic difficulty: datasets; estimators and
// the VERL shaper config: verl-advantage; loss aggregation, KL, policy losses: this package).
import { z } from 'zod';
import { BACKENDS, type ModelConfig } from '@verl-ts/models';
import { arithmeticDifficulty, listPromptTemplates, type ArithmeticOptions } from '@verl-ts/datasets';
import { getAdvantageEstimator, verlShaperConfigSchema } from '@verl-ts/verl-advantage';
import { KL_ESTIMATORS, LOSS_AGG_MODES } from './losses.js';
import { listPolicyLosses } from './policy-losses.js';
import { OVERLONG_DEFAULTS, overlongOptionsError } from './overlong.js';

const positiveInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const prob = z.number().min(0).max(1);
const runName = z.string().regex(/^[A-Za-z0-9._-]+$/, 'run name may only contain letters, digits, . _ -').describe('run name: the run folder is <outputDir>/<name>');
const resume = z.union([z.enum(['auto', 'never']), z.string().min(1)]).default('auto')
  .describe("'auto': continue from the newest complete checkpoint; 'never': start over (refuses a run with metrics); or a checkpoint folder");
const backend = z.enum(BACKENDS).optional().describe('TensorFlow.js backend (unset: the best available)');
const registered = (list: () => string[], what: string) => (v: string, ctx: z.RefinementCtx) => {
  if (!list().includes(v)) ctx.addIssue({ code: 'custom', message: `unknown ${what} '${v}' (registered: ${list().join(', ')})` });
};

export const modelSchema = z.strictObject({
  path: z.string().min(1).describe('HF-layout folder of the starting policy (config.json, model.safetensors, tokenizer.json)'),
  tokenizer: z.string().min(1).optional().describe('tokenizer folder (unset: path)'),
  backend,
});

type Difficulty = ArithmeticOptions['difficulty'];
const dataFields = {
  source: z.enum(['arithmetic', 'training-set', 'benchmark']).default('arithmetic')
    .describe("'arithmetic': the synthetic task of the embedded demo; 'training-set' / 'benchmark': @verl-ts/datasets loaders"),
  name: z.string().optional().describe('training set or benchmark name (training-set / benchmark sources)'),
  dataDir: z.string().optional().describe('read the data files from this folder instead of the download cache'),
  count: positiveInt.optional().describe('number of synthetic problems (arithmetic; unset: 2000) or a cap on loaded problems'),
  // whatever datasets.arithmeticDifficulty accepts: a level 1-5 or an object of its settings
  difficulty: z.custom<Difficulty>().optional().superRefine((d, ctx) => {
    try { arithmeticDifficulty({ difficulty: d }); } catch (e) { ctx.addIssue({ code: 'custom', message: (e as Error).message }); }
  }).describe('arithmetic difficulty: a level of datasets.ARITHMETIC_LEVELS or { maxOperand, steps, … } (datasets.arithmeticDifficulty; unset: 3)'),
  template: z.string().default('qwen-math').superRefine(registered(listPromptTemplates, 'prompt template'))
    .describe('prompt template registered in @verl-ts/datasets'),
  seed: z.number().int().default(0).describe('seed of the synthetic problem set (arithmetic) and of the SFT solution-style mixture'),
};

const hasName = (d: { source: string; name?: string }) => d.source === 'arithmetic' || (d.name !== undefined && d.name.length > 0);
const nameRequired = { message: "data.name is required when data.source is 'training-set' or 'benchmark'", path: ['name'] };

export const dataSchema = z.strictObject(dataFields).refine(hasName, nameRequired);

/** SFT data: the RL data fields plus the arithmetic task's mixture of solution styles */
export const sftDataSchema = z.strictObject({
  ...dataFields,
  workedFraction: prob.default(1)
    .describe('arithmetic: share of targets written as worked solutions (12+21=\\boxed{33}), the rest direct (\\boxed{33}); 1 = all worked'),
}).refine(hasName, nameRequired).refine((d) => d.workedFraction === 1 || d.source === 'arithmetic', {
  message: "data.workedFraction applies to data.source 'arithmetic' only",
  path: ['workedFraction'],
});

export const rolloutSchema = z.strictObject({
  // 'llamacpp' (and any native engine) is resolved by the caller, who passes trainRL an engine
  engine: z.enum(['local', 'remote', 'llamacpp']).default('local')
    .describe("'local': sample with the policy itself; 'remote': an OpenAI-compatible server (rollout.remote); 'llamacpp': the verl CLI's llama.cpp engine"),
  n: positiveInt.default(4).describe('responses per prompt (the GRPO group size)'),
  temperature: z.number().positive().default(1.0).describe('sampling temperature (log-probs use it too, as verl does)'),
  topP: z.number().gt(0).max(1).default(1.0).describe('nucleus sampling mass (1 = off)'),
  topK: nonNegInt.default(0).describe('top-k sampling (0 = off)'),
  maxNewTokens: positiveInt.default(1024).describe('response length limit in tokens'),
  maxPromptTokens: positiveInt.default(512).describe('prompts longer than this are cut from the left (keeps the question end)'),
  batchSize: positiveInt.optional().describe('local engine: sequences decoded together (unset: 32)'),
  stop: z.array(z.string()).optional().describe('stop strings'),
  remote: z.strictObject({
    baseUrl: z.string().url().describe('server URL, e.g. http://127.0.0.1:8000'),
    model: z.string().min(1).describe('model name on the server'),
    apiKey: z.string().optional().describe('bearer token'),
    concurrency: positiveInt.optional().describe('requests in flight'),
    timeoutMs: positiveInt.optional().describe('per-request time limit'),
  }).optional().describe("the server of rollout.engine 'remote'"),
}).refine((r) => r.engine !== 'remote' || r.remote !== undefined, {
  message: "rollout.remote { baseUrl, model } is required when rollout.engine is 'remote'",
  path: ['remote'],
});

export const rewardSchema = z.strictObject({
  fn: z.enum(['paper', 'binary']).default('paper')
    .describe('paper: 1 correct boxed, 0.5 correct unboxed, -0.5 wrong boxed, -1 otherwise (verifiers.paperReward); binary: 1/0'),
  timeoutMs: positiveInt.default(2000).describe('time limit of one answer check'),
  overlong: z.strictObject({
    enabled: z.boolean().default(OVERLONG_DEFAULTS.enabled).describe('DAPO soft overlong punishment (verl reward_model.overlong_buffer.enable)'),
    bufferLength: nonNegInt.default(OVERLONG_DEFAULTS.bufferLength).describe('tokens before rollout.maxNewTokens where the penalty starts (verl overlong_buffer.len)'),
    penaltyFactor: z.number().nonnegative().default(OVERLONG_DEFAULTS.penaltyFactor).describe('penalty reached at the length limit (verl overlong_buffer.penalty_factor)'),
  }).prefault({}).describe('DAPO overlong reward shaping (arXiv 2503.14476 §3.4; overlong.ts)'),
});

export const algorithmSchema = z.strictObject({
  estimator: z.string().min(1).default('grpo').superRefine((name, ctx) => {
    try { getAdvantageEstimator(name); } catch (e) { ctx.addIssue({ code: 'custom', message: (e as Error).message }); }
  })
    .describe('advantage estimator registered in @verl-ts/verl-advantage (grpo, dr-grpo, rloo, reinforce-plus-plus-baseline)'),
  verl: z.strictObject({
    enabled: z.boolean().default(false).describe('VERL shaping of the advantages from ER/ERV/ERA'),
    shaper: verlShaperConfigSchema.prefault({}).describe('new VerlShaper(shaper) of @verl-ts/verl-advantage; defaults = the paper'),
  }).prefault({}),
});

/** The optimizer and its lr schedule, one definition for RL (`actor`) and SFT (top level). */
export function optimizerFields(d: { lr: number; schedule: 'constant' | 'cosine'; minLrRatio: number }) {
  return {
    lr: z.number().nonnegative().default(d.lr).describe('peak learning rate'),
    warmupSteps: nonNegInt.default(0).describe('linear warmup updates'),
    schedule: z.enum(['constant', 'cosine']).default(d.schedule).describe('lr after warmup: constant, or cosine down to minLrRatio'),
    minLrRatio: prob.default(d.minLrRatio).describe('cosine floor as a fraction of lr'),
    weightDecay: z.number().nonnegative().default(0.01).describe('AdamW decoupled weight decay'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('AdamW beta1'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('AdamW beta2'),
    eps: z.number().positive().default(1e-8).describe('AdamW epsilon'),
    gradClip: z.number().positive().default(1.0).describe('global gradient-norm clip'),
  };
}
export type OptimizerConfig = { [K in keyof ReturnType<typeof optimizerFields>]: z.output<ReturnType<typeof optimizerFields>[K]> };

export const actorSchema = z.strictObject({
  ...optimizerFields({ lr: 5e-7, schedule: 'constant', minLrRatio: 0 }),
  policyLoss: z.string().default('vanilla').superRefine(registered(listPolicyLosses, 'policy loss'))
    .describe("policy loss registered in policy-losses.ts ('vanilla': PPO-clip, dual-clip with clipRatioC)"),
  clipLow: z.number().min(0).lt(1).default(0.2).describe('ratio clipped from below at 1 - clipLow'),
  clipHigh: z.number().nonnegative().default(0.2).describe('ratio clipped from above at 1 + clipHigh (DAPO clip-higher: 0.28)'),
  clipRatioC: z.number().gt(1).nullable().default(null).describe('dual-clip constant c > 1 for negative advantages (null = off)'),
  // seq-mean-token-sum-norm needs a constant divisor, and micro-batches are trimmed to their longest row
  lossAggMode: z.enum(LOSS_AGG_MODES).exclude(['seq-mean-token-sum-norm']).default('token-mean')
    .describe(`loss aggregation: ${LOSS_AGG_MODES.filter((m) => m !== 'seq-mean-token-sum-norm').join(', ')}`),
  entropyCoef: z.number().default(0.001).describe('entropy bonus coefficient'),
  klCoef: z.number().nonnegative().default(0.001).describe('KL-to-reference loss coefficient (0 = no reference model)'),
  klEstimator: z.enum(KL_ESTIMATORS).default('low_var_kl').describe(`KL estimator: ${KL_ESTIMATORS.join(', ')}`),
  ppoEpochs: positiveInt.default(1).describe('passes over each step batch'),
  miniBatchSize: positiveInt.default(16).describe('prompts per optimizer update, each with its n responses (verl ppo_mini_batch_size)'),
  microBatchSize: positiveInt.default(2).describe('responses per forward/backward pass (verl ppo_micro_batch_size)'),
  logProbMicroBatchSize: positiveInt.default(4).describe('rows per no-gradient forward (verl log_prob_micro_batch_size)'),
  maskTruncated: z.boolean().default(false).describe('drop responses cut at maxNewTokens from the loss (DAPO overlong filtering)'),
});

export const metricsSchema = z.strictObject({
  stride: positiveInt.default(40).describe('window stride of ERV/ERA (paper: 40)'),
  maxTokens: positiveInt.default(512).describe('only the last maxTokens response tokens enter ERV/ERA (paper: 512)'),
  samplesPerStep: nonNegInt.default(4).describe('responses written to samples.jsonl per step'),
});

const runFields = {
  saveEvery: (d: number) => nonNegInt.default(d).describe('checkpoint every N steps (0: only the last)'),
  keepLast: (d: number) => positiveInt.default(d).describe('complete checkpoints kept'),
  maxNonFiniteInRow: positiveInt.default(3).describe('stop after this many consecutive updates skipped for a non-finite loss or gradient'),
};

export const trainerSchema = z.strictObject({
  steps: positiveInt.default(100).describe('RL steps'),
  promptsPerStep: positiveInt.default(64).describe('prompts per step'),
  saveEvery: runFields.saveEvery(20),
  keepLast: runFields.keepLast(3),
  resume,
  maxNonFiniteInRow: runFields.maxNonFiniteInRow,
});

export const rlConfigSchema = z.strictObject({
  name: runName,
  outputDir: z.string().min(1).default('runs').describe('folder of run folders'),
  seed: z.number().int().default(0).describe('seed of the data order (shuffled anew each epoch) and of each step sampling seed'),
  model: modelSchema,
  data: dataSchema.prefault({}),
  rollout: rolloutSchema.prefault({}),
  reward: rewardSchema.prefault({}),
  algorithm: algorithmSchema.prefault({}),
  actor: actorSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  trainer: trainerSchema.prefault({}),
}).superRefine((c, ctx) => {
  if (c.trainer.promptsPerStep % c.actor.miniBatchSize !== 0 && c.actor.miniBatchSize <= c.trainer.promptsPerStep) {
    ctx.addIssue({ code: 'custom', message: 'trainer.promptsPerStep must be a multiple of actor.miniBatchSize', path: ['actor', 'miniBatchSize'] });
  }
  const overlong = overlongOptionsError(c.reward.overlong, c.rollout.maxNewTokens);
  if (overlong) ctx.addIssue({ code: 'custom', message: overlong, path: ['reward', 'overlong'] });
});

export type RLConfig = z.output<typeof rlConfigSchema>;
export type RLConfigInput = z.input<typeof rlConfigSchema>;

export const sftConfigSchema = z.strictObject({
  name: runName,
  outputDir: z.string().min(1).default('runs').describe('folder of run folders'),
  seed: z.number().int().default(0).describe('seed of a created model initialisation and of the data order'),
  model: z.union([
    modelSchema,
    z.strictObject({
      // checked by models.createCausalLM, which owns the model config
      create: z.custom<Partial<ModelConfig>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'model.create must be an object of model config fields')
        .describe('create a fresh random model: models.ModelConfig fields over TINY_MODEL_DEFAULTS'),
      charAlphabet: z.string().min(1).optional().describe('alphabet of the character tokenizer written next to it (unset: the arithmetic alphabet)'),
      backend,
    }),
  ]).describe('start from a model folder ({ path }), or create a fresh one ({ create })'),
  data: sftDataSchema.prefault({}),
  trainOnPrompt: z.boolean().default(false).describe("include the prompt's tokens in the loss (default: response tokens only)"),
  ...optimizerFields({ lr: 1e-5, schedule: 'cosine', minLrRatio: 0.1 }),
  steps: positiveInt.default(1000).describe('optimizer steps'),
  batchSize: positiveInt.default(16).describe('examples per step'),
  microBatchSize: positiveInt.default(16).describe('examples per forward/backward pass'),
  maxSeqLen: positiveInt.default(1024).describe('prompt + target tokens kept per example'),
  saveEvery: runFields.saveEvery(200),
  keepLast: runFields.keepLast(2),
  resume,
  maxNonFiniteInRow: runFields.maxNonFiniteInRow,
});

export type SFTConfig = z.output<typeof sftConfigSchema>;
export type SFTConfigInput = z.input<typeof sftConfigSchema>;

/** Thrown for invalid configuration; `message` lists every problem as `path: message`. */
export class ConfigError extends Error {
  constructor(readonly issues: string[], what: string) {
    super(`invalid ${what} config:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`), what);
  return r.data;
}

/** Validate and fill defaults; throws ConfigError with one readable line per problem. */
export function parseRLConfig(input: unknown): RLConfig {
  return parseWith(rlConfigSchema, input, 'RL');
}

export function parseSFTConfig(input: unknown): SFTConfig {
  return parseWith(sftConfigSchema, input, 'SFT');
}
