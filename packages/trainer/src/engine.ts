// The rollout engine a run samples with. trainRL builds the local engine (the policy itself) or
// the remote one (an OpenAI-compatible server) from `rollout`, or takes one from the caller (the
// verl CLI's llama.cpp engine). After every update the trainer calls `syncWeights(policy)`, so an
// engine that holds its own copy of the weights can reload them; also once before the first
// step of a resumed run, whose policy comes from the checkpoint.
import type { CausalLM, Tokenizer } from '@verl-ts/models';
import { createLocalEngine, createRemoteEngine, type RolloutEngine } from '@verl-ts/rollout';
import type { RLConfig } from './config.js';

export interface TrainingEngine extends RolloutEngine {
  /** prompts as token ids (default) or as text (a server that tokenizes them itself) */
  readonly promptsAs?: 'ids' | 'text';
  syncWeights?(policy: CausalLM): Promise<void> | void;
}

/** An engine object, or a function that builds one from the loaded policy (called once per run). */
export type EngineSource = TrainingEngine | ((run: { policy: CausalLM; tokenizer: Tokenizer; config: RLConfig }) => TrainingEngine | Promise<TrainingEngine>);

export function createEngine(policy: CausalLM, tokenizer: Tokenizer, rollout: RLConfig['rollout']): TrainingEngine {
  if (rollout.engine === 'local') return createLocalEngine(policy, tokenizer, { batchSize: rollout.batchSize });
  if (rollout.engine === 'remote') {
    const r = rollout.remote!;
    const engine = createRemoteEngine({
      baseUrl: r.baseUrl, model: r.model, apiKey: r.apiKey, concurrency: r.concurrency, timeoutMs: r.timeoutMs, tokenizer,
    });
    return Object.assign(engine, { promptsAs: 'text' as const });
  }
  throw new Error(`rollout.engine '${rollout.engine}' is built by the caller: pass trainRL(config, { engine }) (the verl CLI does)`);
}
