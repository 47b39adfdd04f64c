// Typed, validated configuration for trainRL / trainSFT. Defaults are the paper's settings
// (VERL, arXiv 2509.23808; the authors' train_grpo_math_tune_ray.sh on top of volcengine/verl):
// lr 5e-7, clip 0.2, KL loss 0.001 low_var_kl, entropy 0.001, temperature 1.0, grad clip 1.0,
// 64 prompts per step, PPO mini-batch 16 prompts, micro-batch 2, max prompt 512 / response 1024,
// rank-metric stride 40 over the last 512 tokens. Rollout n is 4 (the project's paper setting).
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const prob = z.number().min(0).max(1);

export const modelSchema = z.strictObject({
  /** HF-layout directory of the starting policy (config.json, model.safetensors, tokenizer.json) */
  path: z.string().min(1),
  /** tokenizer directory; defaults to `path` */
  tokenizer: z.string().min(1).optional(),
  backend: z.enum(['webgpu', 'tensorflow', 'wasm', 'cpu']).optional(),
});

const dataFields = {
  /** 'arithmetic': the synthetic task of the embedded demo; 'training-set' / 'benchmark': @verl-ts/datasets loaders */
  source: z.enum(['arithmetic', 'training-set', 'benchmark']).default('arithmetic'),
  name: z.string().optional(),
  dataDir: z.string().optional(),
  /** number of synthetic problems (arithmetic) or a cap on loaded problems */
  count: positiveInt.optional(),
  difficulty: z.unknown().optional(),
  template: z.enum(['qwen-math', 'abel', 'plain', 'arithmetic']).default('qwen-math'),
  /** seed of the data order (shuffled anew each epoch) */
  seed: z.number().int().default(0),
};

const hasName = (d: { source: string; name?: string }) => d.source === 'arithmetic' || (d.name !== undefined && d.name.length > 0);
const nameRequired = { message: "data.name is required when data.source is 'training-set' or 'benchmark'", path: ['name'] };

export const dataSchema = z.strictObject(dataFields).refine(hasName, nameRequired);

/** SFT data: the RL data fields plus the arithmetic task's mixture of solution styles */
export const sftDataSchema = z.strictObject({
  ...dataFields,
  /** arithmetic source: fraction of targets written as worked solutions (`12+21=\boxed{33}`), the
   *  rest direct (`\boxed{33}`), a seeded mixture (datasets.arithmeticSolutionStyles with data.seed);
   *  1 = all worked */
  workedFraction: prob.default(1),
}).refine(hasName, nameRequired).refine((d) => d.workedFraction === 1 || d.source === 'arithmetic', {
  message: "data.workedFraction applies to data.source 'arithmetic' only",
  path: ['workedFraction'],
});

export const rolloutSchema = z.strictObject({
  engine: z.enum(['local', 'remote']).default('local'),
  /** responses per prompt (group size) */
  n: positiveInt.default(4),
  temperature: z.number().positive().default(1.0),
  topP: z.number().gt(0).max(1).default(1.0),
  /** 0 = off */
  topK: nonNegInt.default(0),
  maxNewTokens: positiveInt.default(1024),
  /** prompts longer than this are cut from the left (keeps the question's end) */
  maxPromptTokens: positiveInt.default(512),
  /** local engine: sequences decoded together */
  batchSize: positiveInt.optional(),
  stop: z.array(z.string()).optional(),
  remote: z.strictObject({
    baseUrl: z.string().url(),
    model: z.string().min(1),
    apiKey: z.string().optional(),
    concurrency: positiveInt.optional(),
    timeoutMs: positiveInt.optional(),
  }).optional(),
}).refine((r) => r.engine === 'local' || r.remote !== undefined, {
  message: "rollout.remote { baseUrl, model } is required when rollout.engine is 'remote'",
  path: ['remote'],
});

export const rewardSchema = z.strictObject({
  /** paper: 1 correct and boxed, 0.5 correct unboxed, -0.5 wrong boxed, -1 otherwise
   *  (verifiers.paperReward, the SimpleRL reward VERL trains with); binary: 1/0 */
  fn: z.enum(['paper', 'binary']).default('paper'),
  timeoutMs: positiveInt.default(2000),
});

export const algorithmSchema = z.strictObject({
  /** advantage estimator registered in @verl-ts/verl-advantage */
  estimator: z.string().min(1).default('grpo'),
  verl: z.strictObject({
    enabled: z.boolean().default(false),
    /** passed to `new VerlShaper(shaper)`: mode 'default' | 'reference', emaAlpha, kappa,
     *  modulationGain, addAdvantage, addReward (the add-reward variant: aux joins the reward
     *  before the estimator), … (see @verl-ts/verl-advantage) */
    shaper: z.record(z.string(), z.unknown()).default({}),
  }).prefault({}),
});

export const actorSchema = z.strictObject({
  lr: z.number().nonnegative().default(5e-7),
  warmupSteps: nonNegInt.default(0),
  schedule: z.enum(['constant', 'cosine']).default('constant'),
  minLrRatio: prob.default(0),
  weightDecay: z.number().nonnegative().default(0.01),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().positive().default(1e-8),
  gradClip: z.number().positive().default(1.0),
  clipLow: z.number().min(0).lt(1).default(0.2),
  clipHigh: z.number().nonnegative().default(0.2),
  /** dual-clip constant (> 1); null = off */
  clipRatioC: z.number().gt(1).nullable().default(null),
  lossAggMode: z.enum(['token-mean', 'seq-mean-token-sum', 'seq-mean-token-mean']).default('token-mean'),
  entropyCoef: z.number().default(0.001),
  klCoef: z.number().nonnegative().default(0.001),
  klEstimator: z.enum(['k1', 'k2', 'k3', 'low_var_kl', 'abs']).default('low_var_kl'),
  ppoEpochs: positiveInt.default(1),
  /** prompts per optimizer update (each brings n responses), verl ppo_mini_batch_size */
  miniBatchSize: positiveInt.default(16),
  /** responses per forward/backward pass (gradient accumulation), verl ppo_micro_batch_size */
  microBatchSize: positiveInt.default(2),
  /** rows per no-gradient forward (old and reference log-probs), verl log_prob_micro_batch_size */
  logProbMicroBatchSize: positiveInt.default(4),
});

export const metricsSchema = z.strictObject({
  /** window stride of ERV/ERA (paper: 40) */
  stride: positiveInt.default(40),
  /** only the last maxTokens response tokens enter the rank metrics (paper: 512) */
  maxTokens: positiveInt.default(512),
  /** responses written to samples.jsonl per step */
  samplesPerStep: nonNegInt.default(4),
});

export const trainerSchema = z.strictObject({
  steps: positiveInt.default(100),
  promptsPerStep: positiveInt.default(64),
  saveEvery: nonNegInt.default(20),
  keepLast: positiveInt.default(3),
  /** 'auto': continue from the newest complete checkpoint of this run; 'never': start over
   *  (refuses to overwrite a run that has metrics); or a checkpoint directory */
  resume: z.union([z.enum(['auto', 'never']), z.string().min(1)]).default('auto'),
  /** stop after this many consecutive updates skipped for a non-finite loss or gradient */
  maxNonFiniteInRow: positiveInt.default(3),
});

export const rlConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'run name may only contain letters, digits, . _ -'),
  outputDir: z.string().min(1).default('runs'),
  seed: z.number().int().default(0),
  model: modelSchema,
  data: dataSchema.prefault({}),
  rollout: rolloutSchema.prefault({}),
  reward: rewardSchema.prefault({}),
  algorithm: algorithmSchema.prefault({}),
  actor: actorSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  trainer: trainerSchema.prefault({}),
}).refine((c) => c.trainer.promptsPerStep % c.actor.miniBatchSize === 0 || c.actor.miniBatchSize > c.trainer.promptsPerStep, {
  message: 'trainer.promptsPerStep must be a multiple of actor.miniBatchSize',
  path: ['actor', 'miniBatchSize'],
});

export type RLConfig = z.output<typeof rlConfigSchema>;
export type RLConfigInput = z.input<typeof rlConfigSchema>;

export const sftConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'run name may only contain letters, digits, . _ -'),
  outputDir: z.string().min(1).default('runs'),
  seed: z.number().int().default(0),
  /** start from an existing model directory, or create a fresh random one */
  model: z.union([
    modelSchema,
    z.strictObject({
      create: z.record(z.string(), z.unknown()),
      /** alphabet of the character tokenizer written next to the new model (default: the arithmetic alphabet) */
      charAlphabet: z.string().min(1).optional(),
      backend: z.enum(['webgpu', 'tensorflow', 'wasm', 'cpu']).optional(),
    }),
  ]),
  data: sftDataSchema.prefault({}),
  /** include the prompt's tokens in the loss too (default: response tokens only) */
  trainOnPrompt: z.boolean().default(false),
  lr: z.number().nonnegative().default(1e-5),
  warmupSteps: nonNegInt.default(0),
  schedule: z.enum(['constant', 'cosine']).default('cosine'),
  minLrRatio: prob.default(0.1),
  weightDecay: z.number().nonnegative().default(0.01),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().positive().default(1e-8),
  gradClip: z.number().positive().default(1.0),
  steps: positiveInt.default(1000),
  batchSize: positiveInt.default(16),
  microBatchSize: positiveInt.default(16),
  maxSeqLen: positiveInt.default(1024),
  saveEvery: nonNegInt.default(200),
  keepLast: positiveInt.default(2),
  resume: z.union([z.enum(['auto', 'never']), z.string().min(1)]).default('auto'),
  maxNonFiniteInRow: positiveInt.default(3),
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

function formatIssues(err: z.ZodError): string[] {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Validate and fill defaults; throws ConfigError with one readable line per problem. */
export function parseRLConfig(input: unknown): RLConfig {
  const r = rlConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(formatIssues(r.error), 'RL');
  return r.data;
}

export function parseSFTConfig(input: unknown): SFTConfig {
  const r = sftConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(formatIssues(r.error), 'SFT');
  return r.data;
}
