// trainRL: an RL run. The caller may swap what a user really swaps: the rollout engine, the
// reward function and the prompt source; everything else is the project's packages, called
// directly (rl-step.ts lists the calls of one step). The run around the steps (folder, resume,
// checkpoints, signals) is run-loop.ts, shared with trainSFT.
import type { Problem } from '@verl-ts/datasets';
import { initBackend, loadCausalLM, loadTokenizer } from '@verl-ts/models';
import { VerlShaper } from '@verl-ts/verl-advantage';
import { parseRLConfig, type RLConfig, type RLConfigInput } from './config.js';
import type { StepMetrics, TrainerHooks } from './metrics.js';
import { DataCursor, type DataCursorState } from './data-cursor.js';
import { Rng } from '@verl-ts/prng';
import { createEngine, type EngineSource, type TrainingEngine } from './engine.js';
import { verifierReward, type RewardFn } from './reward.js';
import { loadProblems } from './problems.js';
import { runRLStep, type RLStepContext } from './rl-step.js';
import { RL_FREE_FIELDS } from './run-config.js';
import { createOptimizer, runTraining, type TrainOptions, type TrainResult, type TrainingSession } from './run-loop.js';

export interface TrainRLOptions extends TrainOptions {
  hooks?: TrainerHooks<StepMetrics>;
  /** the rollout engine (default: built from `rollout`: the policy itself, or a remote server) */
  engine?: EngineSource;
  /** the reward of a response (default: verifiers.gradeAnswer scored by `reward.fn`) */
  reward?: RewardFn;
  /** the prompts (default: loaded from `data`) */
  problems?: Problem[];
}

/** What a checkpoint keeps besides weights and optimizer (trainer_state.json). */
export interface RLTrainerState {
  rng: number;
  cursor: DataCursorState;
  /** the VERL shaper's EMAs (VerlShaper.toJSON), null without VERL */
  shaper: unknown;
}

export async function trainRL(configInput: RLConfigInput, opts: TrainRLOptions = {}): Promise<TrainResult> {
  const config = parseRLConfig(configInput);
  const hooks = opts.hooks ?? {};
  return runTraining<RLTrainerState, StepMetrics>({
    kind: 'rl', config, resume: config.trainer.resume, resumeKey: 'trainer.resume', freeFields: RL_FREE_FIELDS,
    stepsField: config.actor.schedule === 'constant' ? 'trainer.steps' : undefined,
    steps: config.trainer.steps, saveEvery: config.trainer.saveEvery, keepLast: config.trainer.keepLast,
    maxNonFiniteInRow: config.trainer.maxNonFiniteInRow,
  }, hooks, opts, config, (start) => openRLSession(config, opts, hooks, start.resumeDir));
}

async function openRLSession(
  config: RLConfig, opts: TrainRLOptions, hooks: TrainerHooks<StepMetrics>, resumeDir: string | null,
): Promise<TrainingSession<RLTrainerState, StepMetrics>> {
  await initBackend(config.model.backend);
  const tokenizerDir = config.model.tokenizer ?? config.model.path;
  const tokenizer = await loadTokenizer(tokenizerDir);
  const policy = await loadCausalLM(resumeDir ?? config.model.path);
  const reference = config.actor.klCoef > 0 ? await loadCausalLM(config.model.path) : null;
  const optimizer = createOptimizer(policy, config.actor);
  let engine: TrainingEngine | null = null;
  const close = async () => {
    // an engine object the caller passed stays the caller's to close
    if (engine && typeof opts.engine !== 'object') await engine.close?.();
    policy.dispose();
    reference?.dispose();
    optimizer.dispose();
  };
  try {
    const problems = opts.problems ?? await loadProblems(config.data);
    if (problems.length === 0) throw new Error('the training data is empty');
    const src = opts.engine;
    engine = src === undefined ? createEngine(policy, tokenizer, config.rollout)
      : typeof src === 'function' ? await src({ policy, tokenizer, config }) : src;
    // a resumed policy comes from the checkpoint, not from model.path the engine may have loaded
    if (resumeDir) await engine.syncWeights?.(policy);
    const ctx: RLStepContext = {
      config, policy, reference, tokenizer, engine, reward: opts.reward ?? verifierReward(config.reward), optimizer, problems,
      cursor: new DataCursor(problems.length, config.seed), rng: new Rng(config.seed), shaper: null, hooks,
    };
    const shaperConfig = config.algorithm.verl.shaper;
    return {
      policy, optimizer, tokenizerDir, close,
      initialState: { rng: new Rng(config.seed).state, cursor: { epoch: 0, offset: 0 }, shaper: null },
      restore(state) {
        ctx.rng = Rng.fromState(state.rng);
        ctx.cursor = new DataCursor(problems.length, config.seed, state.cursor);
        // the EMAs come from the checkpoint, the settings from this config: a changed shaper
        // field is a config change like any other (refused on resume unless allowed, run-config.ts)
        ctx.shaper = !config.algorithm.verl.enabled ? null
          : state.shaper ? VerlShaper.fromJSON({ ...(state.shaper as object), config: shaperConfig }) : new VerlShaper(shaperConfig);
      },
      snapshot: () => ({ rng: ctx.rng.state, cursor: ctx.cursor.toJSON(), shaper: ctx.shaper ? ctx.shaper.toJSON() : null }),
      async runStep(step, checkpointSeconds) {
        const { metrics, samples } = await runRLStep(ctx, step);
        metrics.time.checkpoint = checkpointSeconds;
        return { metrics, samples, skipped: metrics.updates === 0 && metrics.skippedUpdates > 0, events: metrics.events ?? [] };
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
